/**
 * Which environment variable sets which configuration key: an explicit table, so the accepted names are
 * documented in one place (`edgebatch config check --help` prints it) and nothing else in the environment
 * leaks in. No name starts with `FC_`: Function Compute reserves that prefix; the FC_* variables it injects
 * itself (region, account) are read only as fall-backs.
 */

/** How the string in the environment becomes a value; a string that does not parse is passed on unchanged
 * so that validation reports it as "Expected a number, got "abc"". */
export type EnvParser = 'string' | 'number' | 'list' | 'boolean';

export interface EnvBinding {
  readonly env: string;
  readonly path: readonly string[];
  readonly parse: EnvParser;
  readonly description: string;
  /** Never print the value. */
  readonly secret?: boolean;
  /** Used only when the first-listed variable for the same path is absent. */
  readonly fallback?: boolean;
}

export const ENV_BINDINGS: readonly EnvBinding[] = [
  { env: 'HOST', path: ['server', 'host'], parse: 'string', description: 'interface to listen on' },
  { env: 'PORT', path: ['server', 'port'], parse: 'number', description: 'port to listen on' },
  { env: 'MAX_BODY_BYTES', path: ['limits', 'maxBodyBytes'], parse: 'number', description: 'largest request body' },
  { env: 'MAX_PIXELS', path: ['limits', 'maxPixels'], parse: 'number', description: 'largest image (width x height)' },
  { env: 'MAX_QUEUED', path: ['limits', 'maxQueued'], parse: 'number', description: 'queue length before 429' },
  { env: 'SLO_MS', path: ['slo', 'latencyMs'], parse: 'number', description: "the SLO's latency (ms)" },
  { env: 'SLO_TARGET', path: ['slo', 'target'], parse: 'number', description: "the SLO's target: fraction of requests within the latency" },
  { env: 'PRIORITY', path: ['slo', 'defaultPriority'], parse: 'string', description: 'default priority (high|low)' },
  { env: 'EDGE_URLS', path: ['lanes', 'edge', 'urls'], parse: 'list', description: 'edge agent batch URLs, comma-separated' },
  { env: 'EDGE_URL_ALLOW', path: ['lanes', 'edge', 'allow'], parse: 'list', description: 'more batch URLs agents may register by telemetry: exact or https://edge-*.example.com/v1/batch' },
  { env: 'EDGE_RTT_MS', path: ['lanes', 'edge', 'rttMs'], parse: 'number', description: 'edge round trip (ms)' },
  { env: 'EDGE_BANDWIDTH_MBPS', path: ['lanes', 'edge', 'initialBandwidthMbps'], parse: 'number', description: 'edge bandwidth before telemetry' },
  { env: 'EDGE_USD_PER_HOUR', path: ['lanes', 'edge', 'usdPerHour'], parse: 'number', description: 'amortised edge cost' },
  { env: 'INFERENCE_URL', path: ['lanes', 'serverless', 'url'], parse: 'string', description: 'HTTP inference endpoint (local lane)' },
  { env: 'INFERENCE_FUNCTION', path: ['lanes', 'serverless', 'fc', 'functionName'], parse: 'string', description: 'FC inference function name' },
  { env: 'INFERENCE_REGION', path: ['lanes', 'serverless', 'fc', 'region'], parse: 'string', description: 'FC region' },
  { env: 'FC_REGION', path: ['lanes', 'serverless', 'fc', 'region'], parse: 'string', description: 'injected by FC', fallback: true },
  { env: 'ACCOUNT_ID', path: ['lanes', 'serverless', 'fc', 'accountId'], parse: 'string', description: 'Aliyun account id' },
  { env: 'FC_ACCOUNT_ID', path: ['lanes', 'serverless', 'fc', 'accountId'], parse: 'string', description: 'injected by FC', fallback: true },
  { env: 'INFERENCE_ENDPOINT', path: ['lanes', 'serverless', 'fc', 'endpoint'], parse: 'string', description: 'FC API endpoint override' },
  { env: 'INFERENCE_PROTOCOL', path: ['lanes', 'serverless', 'fc', 'protocol'], parse: 'string', description: 'https|http' },
  { env: 'SERVERLESS_RTT_MS', path: ['lanes', 'serverless', 'rttMs'], parse: 'number', description: 'serverless round trip (ms)' },
  { env: 'SERVERLESS_MAX_CONCURRENCY', path: ['lanes', 'serverless', 'maxConcurrency'], parse: 'number', description: 'batches in flight' },
  { env: 'MIN_REPLAN_INTERVAL_MS', path: ['planner', 'minReplanIntervalMs'], parse: 'number', description: 'fastest re-plan' },
  { env: 'COUNT_INTERVAL_MS', path: ['planner', 'countIntervalMs'], parse: 'number', description: 'arrival count bin (ms)' },
  { env: 'COUNT_GRACE_MS', path: ['planner', 'countGraceMs'], parse: 'number', description: 'wait after a bin closes before its total over instances is read (ms)' },
  { env: 'PAYLOAD_BYTES', path: ['planner', 'payloadBytes'], parse: 'number', description: 'typical request size' },
  { env: 'DETECTOR_HAZARD', path: ['planner', 'hazard'], parse: 'number', description: 'BOCPD hazard' },
  { env: 'CHANGE_THRESHOLD', path: ['planner', 'changeThreshold'], parse: 'number', description: 'changepoint probability that re-plans' },
  { env: 'MAX_EDGE_BATCH', path: ['planner', 'bounds', 'maxEdgeBatch'], parse: 'number', description: 'largest edge batch' },
  { env: 'MAX_SERVERLESS_BATCH', path: ['planner', 'bounds', 'maxServerlessBatch'], parse: 'number', description: 'largest serverless batch' },
  { env: 'MEMORY_MB_OPTIONS', path: ['planner', 'bounds', 'memoryMbOptions'], parse: 'list', description: 'serverless memory sizes, comma-separated' },
  { env: 'STORE', path: ['store', 'kind'], parse: 'string', description: 'file|memory|tablestore' },
  { env: 'STORE_DIR', path: ['store', 'dir'], parse: 'string', description: 'file store folder' },
  { env: 'STATE_SCOPE', path: ['store', 'scope'], parse: 'string', description: 'state rows scope' },
  { env: 'TABLESTORE_ENDPOINT', path: ['store', 'tablestore', 'endpoint'], parse: 'string', description: 'Tablestore endpoint URL' },
  { env: 'TABLESTORE_INSTANCE', path: ['store', 'tablestore', 'instance'], parse: 'string', description: 'Tablestore instance' },
  { env: 'TABLESTORE_TABLE', path: ['store', 'tablestore', 'table'], parse: 'string', description: 'Tablestore table' },
  { env: 'EDGE_SECRET', path: ['security', 'edgeSecret'], parse: 'string', description: 'edge agents shared secret', secret: true },
  { env: 'CONFIG_SECRET', path: ['security', 'configSecret'], parse: 'string', description: 'PUT /v1/config secret', secret: true },
  { env: 'ALIBABA_CLOUD_ACCESS_KEY_ID', path: ['security', 'cloud', 'accessKeyId'], parse: 'string', description: 'Aliyun credentials', secret: true },
  { env: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', path: ['security', 'cloud', 'accessKeySecret'], parse: 'string', description: 'Aliyun credentials', secret: true },
  { env: 'ALIBABA_CLOUD_SECURITY_TOKEN', path: ['security', 'cloud', 'securityToken'], parse: 'string', description: 'STS token', secret: true },
  { env: 'LOG_LEVEL', path: ['logging', 'level'], parse: 'string', description: 'fatal|error|warn|info|debug|trace|silent' },
];

function parseEnvValue(raw: string, parse: EnvParser): unknown {
  const text = raw.trim();
  switch (parse) {
    case 'string':
      return text;
    case 'number':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : raw;
    case 'boolean':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : raw;
    case 'list':
      return text === ''
        ? []
        : text.split(',').map((item) => {
            const trimmed = item.trim();
            return trimmed !== '' && Number.isFinite(Number(trimmed)) && !/^https?:/.test(trimmed) ? Number(trimmed) : trimmed;
          });
  }
}

export interface EnvOverlay {
  /** A partial config object holding only what the environment set. */
  readonly values: Record<string, unknown>;
  /** Dotted config path → the variable that set it (to name it in error messages). */
  readonly sources: ReadonlyMap<string, string>;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function hasPath(target: Record<string, unknown>, path: readonly string[]): boolean {
  let node: unknown = target;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * The part of the configuration the environment sets; empty variables count as unset. A fall-back fills its
 * key only when the same group was set by our own variables (FC injects FC_REGION into every function, also
 * into a scheduler that uses an HTTP lane).
 */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): EnvOverlay {
  const values: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const apply = (binding: EnvBinding): void => {
    const raw = env[binding.env];
    if (raw === undefined || raw.trim() === '') return;
    const dotted = binding.path.join('.');
    if (sources.has(dotted)) return;
    if (binding.fallback && !hasPath(values, binding.path.slice(0, -1))) return;
    setPath(values, binding.path, parseEnvValue(raw, binding.parse));
    sources.set(dotted, binding.env);
  };
  for (const binding of ENV_BINDINGS) if (!binding.fallback) apply(binding);
  for (const binding of ENV_BINDINGS) if (binding.fallback) apply(binding);
  return { values, sources };
}
