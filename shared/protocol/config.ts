/**
 * The scheduler's configuration: one zod schema with every default written down, validated once at start
 * (config-load.ts merges a JSON file with environment variables, config-env.ts maps the variables). Unknown
 * keys are rejected at every level, so a typo is an error, not a silently ignored setting.
 *
 * Units follow shared/core/types.ts: milliseconds, requests per second, Mbit/s, bytes.
 */
import { z } from 'zod';
import { edgeUrlEntryProblem } from './edge-url-allow.js';

/** Secrets shorter than this are refused (same bound as shared/protocol/auth.ts). */
export const MIN_SECRET_LENGTH = 16;

const secret = z.string().min(MIN_SECRET_LENGTH);
const httpUrl = z.url({ protocol: /^https?$/ });
const positiveMs = z.number().positive().max(3_600_000);
/** An exact edge batch URL or a host pattern (syntax in edge-url-allow.ts). */
const edgeUrlEntry = z.string().superRefine((entry, ctx) => {
  const problem = edgeUrlEntryProblem(entry);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const ServerConfigSchema = z
  .strictObject({
    /** Interface to listen on. Anything but loopback counts as exposed (secrets become required). */
    host: z.string().min(1).default('0.0.0.0'),
    /** 9000 is what an FC custom runtime expects. */
    port: z.number().int().min(0).max(65_535).default(9000),
  })
  .prefault({});

export const LimitsConfigSchema = z
  .strictObject({
    /** Largest request body (raw image or JSON with base64). FC's own sync limit is 32 MB. */
    maxBodyBytes: z.number().int().min(1024).max(32 * 1024 * 1024).default(8 * 1024 * 1024),
    /** Largest decoded image (width x height): guards the decoder against decompression bombs. */
    maxPixels: z.number().int().min(1).max(1e9).default(40_000_000),
    /** Requests waiting in the queue before new ones get 429. */
    maxQueued: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .prefault({});

export const SloConfigSchema = z
  .strictObject({
    /** The SLO's latency per request, from its arrival at the scheduler to its answer. The prototype's is 1 s. */
    latencyMs: positiveMs.default(1000),
    /** The SLO's target: the fraction of requests to answer within latencyMs (0.999: 99.9%). */
    target: z.number().gt(0.5).lt(1).default(0.999),
    /** Priority of a request that does not say. */
    defaultPriority: z.enum(['high', 'low']).default('low'),
  })
  .prefault({});

export const EdgeLaneConfigSchema = z
  .strictObject({
    /** Batch URLs of the edge agents (`.../v1/batch`). Telemetry may refresh these, and register only what `allow` adds. */
    urls: z.array(httpUrl).max(64).default([]),
    /**
     * More batch URLs that agents may register by telemetry: exact, or with `*` in the host for one or more
     * characters within one label (`https://edge-*.example.com/v1/batch`; scheme, port and path exact, at least
     * two host labels spelt out). Empty: only `urls` may report; any other URL gets 403.
     */
    allow: z.array(edgeUrlEntry).max(64).default([]),
    /** Round trip to the edge (ms) before telemetry measures it: a cellular hop (about 50 ms on LTE). */
    rttMs: z.number().nonnegative().max(60_000).default(50),
    /** Bandwidth to assume (Mbit/s) until the first telemetry sample of the edge's own link. */
    initialBandwidthMbps: z.number().positive().max(100_000).default(20),
    /**
     * Amortised cost of the edge box (USD per hour), so the planner can weigh it against FC. Unset: the price
     * table's assumption (shared/core/pricing/prices.ts, with its reasoning).
     */
    usdPerHour: z.number().nonnegative().max(1000).optional(),
  })
  .prefault({});

export const FcTargetConfigSchema = z.strictObject({
  /** Base name of the inference function. */
  functionName: z.string().min(1).max(128),
  region: z.string().regex(/^[a-z]{2}-[a-z0-9-]+$/),
  accountId: z.string().regex(/^\d{6,20}$/),
  /** Default: `<accountId>.<region>-internal.fc.aliyuncs.com`; set it for a stand-in or a public endpoint. */
  endpoint: z.string().min(1).max(300).optional(),
  protocol: z.enum(['https', 'http']).default('https'),
});

export const ServerlessLaneConfigSchema = z
  .strictObject({
    /** A plain HTTP inference endpoint (the local stack's function), `.../v1/batch`. */
    url: httpUrl.optional(),
    /** Or the FC inference function, called through InvokeFunction. */
    fc: FcTargetConfigSchema.optional(),
    /** Round trip to the serverless lane (ms): an InvokeFunction in the scheduler's own FC region. */
    rttMs: z.number().nonnegative().max(60_000).default(30),
    /** In-region data-center networking: a batch of JPEGs moves in a few ms. */
    initialBandwidthMbps: z.number().positive().max(100_000).default(1000),
    /** Batches in flight at once (FC scales out; this bounds our own fan-out). */
    maxConcurrency: z.number().int().min(1).max(1000).default(32),
  })
  .refine((lane) => !(lane.url && lane.fc), {
    message: 'Expected either url (HTTP lane) or fc (Function Compute), got both',
  })
  .prefault({});

export const LanesConfigSchema = z
  .strictObject({ edge: EdgeLaneConfigSchema, serverless: ServerlessLaneConfigSchema })
  .prefault({});

const batchBound = z.number().int().min(1).max(1024);

export const PlannerBoundsSchema = z
  .strictObject({
    maxEdgeBatch: batchBound.default(200),
    maxServerlessBatch: batchBound.default(20),
    /** Serverless memory sizes (MB) the planner may choose from: multiples of 64 within FC's 128..32768. */
    memoryMbOptions: z
      .array(z.number().int().min(128).max(32_768).multipleOf(64))
      .min(1)
      .max(32)
      .default([1024, 2048, 3072, 4096]),
  })
  .refine((bounds) => new Set(bounds.memoryMbOptions).size === bounds.memoryMbOptions.length, {
    message: 'Expected distinct memory sizes, got a repeated one',
    path: ['memoryMbOptions'],
  })
  .prefault({});

export const PlannerConfigSchema = z
  .strictObject({
    /** Never re-plan more often than this (ms), whatever the detectors say. */
    minReplanIntervalMs: z.number().int().min(0).max(3_600_000).default(2000),
    /** Arrivals are counted in bins of this length (ms) for the rate detector. */
    countIntervalMs: z.number().int().min(50).max(60_000).default(1000),
    /**
     * How long after a bin closes the instances' counts are summed (ms): each instance publishes its count to
     * the state store when the bin closes, and a publisher later than this is left out of that bin's total.
     */
    countGraceMs: z.number().int().min(0).max(60_000).default(500),
    /**
     * Typical request payload (bytes) for transfer estimates. Default: the prototype's request JPEG (24,178 B);
     * its "200 KB" transfer constant was about 8x the image it really sent.
     */
    payloadBytes: z.number().int().min(1).max(32 * 1024 * 1024).default(24_178),
    /** BOCPD constant hazard: prior probability of a change at each observation (1/expected run length). */
    hazard: z.number().gt(0).lt(1).default(1 / 250),
    /** Changepoint probability above which the planner runs. */
    changeThreshold: z.number().gt(0).lt(1).default(0.5),
    bounds: PlannerBoundsSchema,
  })
  .prefault({});

export const StoreConfigSchema = z
  .strictObject({
    /** Where plans, detector state and profiles persist: an embedded file store, memory, or Tablestore. */
    kind: z.enum(['file', 'memory', 'tablestore']).default('file'),
    /** Folder of the file store. */
    dir: z.string().min(1).default('.edgebatch-state'),
    /** Several deployments can share one table: rows are keyed by this scope. */
    scope: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('default'),
    tablestore: z
      .strictObject({
        endpoint: z.url({ protocol: /^https?$/ }).optional(),
        instance: z.string().min(1).max(64).optional(),
        table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,254}$/).default('edgebatch_state'),
      })
      .prefault({}),
  })
  .superRefine((store, ctx) => {
    if (store.kind !== 'tablestore') return;
    for (const key of ['endpoint', 'instance'] as const) {
      if (store.tablestore[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['tablestore', key], message: `Expected a value when kind is "tablestore", got nothing` });
      }
    }
  })
  .prefault({});

export const SecurityConfigSchema = z
  .strictObject({
    /** Shared with the edge agents: signs telemetry and edge batches. */
    edgeSecret: secret.optional(),
    /** Authorises `PUT /v1/config`. */
    configSecret: secret.optional(),
    /** Aliyun credentials for FC and Tablestore (FC injects a role's STS triple into the environment). */
    cloud: z
      .strictObject({
        accessKeyId: z.string().min(1),
        accessKeySecret: z.string().min(1),
        securityToken: z.string().min(1).optional(),
      })
      .optional(),
  })
  .prefault({});

export const LoggingConfigSchema = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .prefault({});

/** Hosts that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export const SchedulerConfigSchema = z
  .strictObject({
    server: ServerConfigSchema,
    limits: LimitsConfigSchema,
    slo: SloConfigSchema,
    lanes: LanesConfigSchema,
    planner: PlannerConfigSchema,
    store: StoreConfigSchema,
    security: SecurityConfigSchema,
    logging: LoggingConfigSchema,
  })
  .superRefine((config, ctx) => {
    // An exposed scheduler must authenticate telemetry and config changes: no secret, no start.
    if (!isLoopbackHost(config.server.host)) {
      for (const key of ['edgeSecret', 'configSecret'] as const) {
        if (config.security[key] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['security', key],
            message: `Expected a secret of at least ${MIN_SECRET_LENGTH} characters because server.host ${JSON.stringify(config.server.host)} is not loopback, got nothing`,
          });
        }
      }
    }
    // The state store keeps the counts of 64 bins; summing must happen well within that.
    const { countGraceMs, countIntervalMs } = config.planner;
    if (countGraceMs > 32 * countIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['planner', 'countGraceMs'],
        message: `Expected at most 32 counting intervals (${32 * countIntervalMs} ms), got ${countGraceMs}`,
      });
    }
    if (config.store.kind === 'tablestore' && !config.security.cloud) {
      ctx.addIssue({ code: 'custom', path: ['security', 'cloud'], message: 'Expected credentials when store.kind is "tablestore", got nothing' });
    }
  });

export type SchedulerConfig = z.output<typeof SchedulerConfigSchema>;
/** What a config file may contain: every key optional (defaults fill the rest). */
export type SchedulerConfigInput = z.input<typeof SchedulerConfigSchema>;

/**
 * `PUT /v1/config`: what may change while running. A subset (SLO and planner bounds), validated the same
 * way; at least one key. The scheduler merges it over the running config and re-plans (reason 'config-change').
 * Not the memory sizes: they name the FC functions deployed (`<base>-<memoryMb>`), which the lanes and the warm
 * pool are built on at start, so a running scheduler could not serve a size it was patched to plan for.
 */
export const RuntimeConfigPatchSchema = z
  .strictObject({
    slo: z
      .strictObject({
        latencyMs: positiveMs.optional(),
        target: z.number().gt(0.5).lt(1).optional(),
        defaultPriority: z.enum(['high', 'low']).optional(),
      })
      .optional(),
    planner: z
      .strictObject({
        changeThreshold: z.number().gt(0).lt(1).optional(),
        bounds: z
          .strictObject({
            maxEdgeBatch: batchBound.optional(),
            maxServerlessBatch: batchBound.optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .refine((patch) => patch.slo !== undefined || patch.planner !== undefined, {
    message: 'Expected at least one of slo, planner, got an empty patch',
  });

export type RuntimeConfigPatch = z.output<typeof RuntimeConfigPatchSchema>;
