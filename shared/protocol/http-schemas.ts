/**
 * Bodies of the scheduler's HTTP API as zod schemas: the routes validate with them and
 * functions/scheduler/ops/openapi.ts turns them into the OpenAPI document, so the document cannot drift from
 * what the server accepts. The telemetry body is shared/protocol/telemetry.ts; the config patch is
 * RuntimeConfigPatchSchema in config.ts.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../core/errors.js';
import type { Plan } from '../core/types.js';
import { IMAGE_CONTENT_TYPES } from './image-header.js';

export const LaneIdSchema = z.enum(['edge', 'serverless']);
export const PrioritySchema = z.enum(['high', 'low']);
const perLane = <T extends z.ZodType>(value: T) => z.strictObject({ edge: value, serverless: value });

/** `{ error: { code, message } }`; the status of each code is functions/scheduler/http-errors.ts's. */
export const ErrorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES),
      message: z.string(),
    }),
  })
  .describe('Every answer that is not a result. 429 answers carry a Retry-After header (seconds).');

/** Standard base64 (RFC 4648 section 4), padding optional. */
const base64 = z.string().min(4).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'Expected base64');

/** The image types /v1/infer takes, as a raw body's content type or as the JSON body's `contentType`. */
export const INFER_IMAGE_TYPES = Object.keys(IMAGE_CONTENT_TYPES) as [string, ...string[]];

/** Answer within this many ms of arrival; at most the SLO (the SLO applies when absent). */
export const DeadlineMsSchema = z.number().int().positive().max(3_600_000).describe('Relative deadline (ms from arrival), at most the SLO');

/**
 * The JSON body of `POST /v1/infer`. The route validates with it (functions/scheduler/infer-input.ts), and a raw
 * image body's `x-deadline-ms` and `x-priority` headers go through the same field schemas.
 */
export const InferJsonRequestSchema = z
  .strictObject({
    /** The image file, base64-encoded. */
    image: base64.describe('The image file, base64-encoded'),
    contentType: z.enum(INFER_IMAGE_TYPES).optional().describe('Type of the image; sniffed from its bytes when absent'),
    deadlineMs: DeadlineMsSchema.optional(),
    priority: PrioritySchema.optional().describe('Dispatch order within a lane and shedding order under overload'),
  });

export const LabelScoreSchema = z.strictObject({ label: z.string(), score: z.number().min(0).max(1) });

export const InferResultSchema = z
  .strictObject({
    id: z.string().describe('Request id (FC request id when present)'),
    result: z.strictObject({ labels: z.array(LabelScoreSchema).describe('Top labels, best first') }),
    placement: LaneIdSchema,
    /** Which edge agent or function answered. */
    target: z.string(),
    batchSize: z.number().int().min(1),
    batchId: z.string(),
    retried: z.boolean().describe('Whether the batch ran on its second lane after the first failed'),
    hedged: z.boolean().describe('Whether the answer came from a hedge: a copy sent to the other lane while the first batch ran late'),
    timings: z.strictObject({
      queueMs: z.number().nonnegative(),
      transferMs: z.number().nonnegative(),
      inferenceMs: z.number().nonnegative(),
      totalMs: z.number().nonnegative(),
    }),
  });

export const LanePlanSchema = z.strictObject({
  batchSize: z.number().int().min(1),
  timeoutMs: z.number().nonnegative(),
  share: z.number().min(0).max(1),
});

export const PlanSchema = z
  .strictObject({
    policy: z.string(),
    createdAtMs: z.number(),
    reason: z.enum(['initial', 'rate-change', 'bandwidth-change', 'periodic', 'config-change', 'lane-health', 'manual']),
    rateRps: z.number().nonnegative(),
    bandwidthMbps: perLane(z.number().nonnegative()),
    sloMs: z.number().positive(),
    sloTarget: z.number().gt(0).lt(1).describe('The fraction of requests to answer within sloMs'),
    lanes: perLane(LanePlanSchema),
    serverless: z.strictObject({ memoryMb: z.number().int().positive(), cpu: z.number().positive() }),
    warmInstances: z.number().int().nonnegative().describe('FC instances kept warm (minimum instances) of the serverless configuration'),
    predicted: z.strictObject({
      p99LatencyMs: perLane(z.number().nonnegative()),
      costPerMillionUsd: z.number().nonnegative(),
      edgeUtilisation: z.number().nonnegative(),
      attainment: z.number().min(0).max(1).describe('Predicted fraction of requests within the SLO latency; below sloTarget only when no plan reaches it'),
    }),
  })
  .describe('The plan in force: per-lane batch size, wait timeout and traffic share, and why it was made');

/** `GET /v1/plan`: the plan in force (null before the first) and the store version it was read at. */
export const PlanViewSchema = z
  .strictObject({ plan: PlanSchema.nullable(), version: z.number().int().nonnegative() })
  .describe('The plan in force (null until the first plan) and its version in the state store');

// The schema and the core type must describe the same thing (a compile error here means one drifted).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const planSchemaMatchesPlan: Same<z.output<typeof PlanSchema>, Plan> = true;
void planSchemaMatchesPlan;

const nullableSeries = z.array(z.number().nullable());

/**
 * Recent history, column-wise (one array per quantity, same length as `tMs`) so a chart takes the arrays
 * as they are; `null` where a quantity was not measured in that interval (no batch ran on a lane).
 */
export const StateHistorySchema = z.strictObject({
  tMs: z.array(z.number()),
  rateRps: nullableSeries,
  bandwidthMbps: perLane(nullableSeries),
  queueDepth: nullableSeries,
  /** Fraction of the interval's dispatched requests that went to the edge. */
  edgeShare: nullableSeries,
  latencyMs: perLane(z.strictObject({ p50: nullableSeries, p99: nullableSeries })),
});

export const EdgeAgentStatusSchema = z.strictObject({
  id: z.string(),
  batchUrl: z.string(),
  healthy: z.boolean(),
  lastSeenMs: z.number().nullable(),
});

const AttainmentSchema = z.strictObject({
  /** Requests that ended: answered with a result or with an error (429 refusals included). */
  requests: z.number().int().nonnegative(),
  withinSlo: z.number().int().nonnegative(),
  attainment: z.number().min(0).max(1).nullable().describe('withinSlo / requests; null before any request ended'),
});

/** The SLO beside what the plan predicts and what was measured. */
export const SloStatusSchema = z
  .strictObject({
    latencyMs: z.number().positive().describe('The SLO latency (configuration)'),
    target: z.number().gt(0).lt(1).describe('The SLO target (configuration): the fraction of requests to answer within latencyMs'),
    planTarget: z.number().gt(0).lt(1).nullable().describe('The target the plan in force was made for'),
    predictedAttainment: z.number().min(0).max(1).nullable().describe('The fraction of requests the plan in force is predicted to answer within latencyMs'),
    measured: z.strictObject({
      sinceStart: AttainmentSchema,
      recent: AttainmentSchema.extend({ windowMs: z.number().positive() }),
    }),
  })
  .describe('Measured attainment: requests answered with a result within latencyMs over every request that ended (errors and refusals count as misses)');

/** Hedges: requests copied to the other lane because their batch ran late; the first answer won. */
export const HedgeStatusSchema = z.strictObject({
  sent: perLane(z.number().int().nonnegative()).describe('Copies sent to each lane'),
  won: perLane(z.number().int().nonnegative()).describe('Requests answered first by their copy on each lane'),
  costUsd: z.number().nonnegative().describe('Estimated extra FC spend of the serverless copies (configuration price for the measured duration)'),
});

/** FC minimum instances as the scheduler keeps them (FC lanes only). */
export const WarmPoolStatusSchema = z.strictObject({
  functionName: z.string().nullable().describe('The inference function of the plan in force'),
  wanted: z.number().int().nonnegative().describe('Minimum instances the plan wants there'),
  applied: z.number().int().nonnegative().nullable().describe('What FC last accepted (null until then)'),
  pending: z.boolean().describe('A PutProvisionConfig call is still to be made or retried'),
  lastError: z.string().nullable(),
});

export const SchedulerStateSchema = z
  .strictObject({
    nowMs: z.number(),
    queue: z.strictObject({
      depth: z.number().int().nonnegative(),
      byLane: perLane(z.number().int().nonnegative()),
      byPriority: z.strictObject({ high: z.number().int().nonnegative(), low: z.number().int().nonnegative() }),
      /** Age of the oldest waiting request (0 when empty). */
      oldestWaitMs: z.number().nonnegative(),
    }),
    estimates: z.strictObject({
      rateRps: z.number().nonnegative(),
      bandwidthMbps: perLane(z.number().nonnegative()),
      /** Posterior probability that a change happened at the last observation (BOCPD). */
      rateChangeProbability: z.number().min(0).max(1),
      bandwidthChangeProbability: z.number().min(0).max(1),
    }),
    history: StateHistorySchema,
    changepoints: z.array(z.strictObject({ atMs: z.number(), kind: z.enum(['rate', 'bandwidth']), probability: z.number().min(0).max(1).optional() })),
    replans: z.array(z.strictObject({ atMs: z.number(), reason: PlanSchema.shape.reason })),
    lanes: z.strictObject({
      edge: z.strictObject({ healthy: z.boolean(), agents: z.array(EdgeAgentStatusSchema) }),
      serverless: z.strictObject({ healthy: z.boolean(), target: z.string().optional(), warm: WarmPoolStatusSchema.optional() }),
    }),
    slo: SloStatusSchema,
    hedges: HedgeStatusSchema,
    plan: PlanSchema.nullable(),
  })
  .describe('Live estimates, queue, recent history and the plan (what the dashboard draws)');

export const HealthSchema = z
  .strictObject({
    status: z.enum(['ok', 'degraded']),
    lanes: perLane(z.boolean()),
    uptimeMs: z.number().nonnegative(),
  });

/** `PUT /v1/config` answers with the new effective SLO and bounds (secrets never leave the server). */
export const ConfigPatchResultSchema = z
  .strictObject({
    slo: z.strictObject({ latencyMs: z.number(), target: z.number(), defaultPriority: PrioritySchema }),
    planner: z.strictObject({
      changeThreshold: z.number(),
      bounds: z.strictObject({
        maxEdgeBatch: z.number().int(),
        maxServerlessBatch: z.number().int(),
        memoryMbOptions: z.array(z.number().int()),
      }),
    }),
  });

/** `POST /v1/telemetry` answers how many samples it took. */
export const TelemetryAcceptedSchema = z.strictObject({ accepted: z.number().int().nonnegative() }).describe('Samples accepted from the report');

/** `GET /v1/probe?bytes=N`: N random bytes (at most PROBE_MAX_BYTES) for the edge agent's bandwidth probe. */
export const PROBE_MAX_BYTES = 1024 * 1024;
export const ProbeQuerySchema = z.strictObject({
  bytes: z.coerce.number().int().min(1).max(PROBE_MAX_BYTES).default(64 * 1024),
});

export type InferJsonRequest = z.output<typeof InferJsonRequestSchema>;
export type InferResult = z.output<typeof InferResultSchema>;
export type SchedulerState = z.output<typeof SchedulerStateSchema>;
export type PlanView = z.output<typeof PlanViewSchema>;
export type TelemetryAccepted = z.output<typeof TelemetryAcceptedSchema>;
export type StateHistory = z.output<typeof StateHistorySchema>;
export type EdgeAgentStatus = z.output<typeof EdgeAgentStatusSchema>;
export type Health = z.output<typeof HealthSchema>;
export type ErrorBody = z.output<typeof ErrorBodySchema>;
export type ConfigPatchResult = z.output<typeof ConfigPatchResultSchema>;
