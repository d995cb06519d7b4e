import { describe, expect, it } from 'vitest';
import { SchedulerConfigSchema, RuntimeConfigPatchSchema, isLoopbackHost } from '../../shared/protocol/config.js';
import { configFromEnv, ENV_BINDINGS } from '../../shared/protocol/config-env.js';
import { loadSchedulerConfig, loadSchedulerConfigOrThrow, mergeConfig } from '../../shared/protocol/config-load.js';
import { configSecretValues, redactConfig, REDACTED } from '../../shared/protocol/config-redact.js';
import { applyConfigPatch } from '../../shared/protocol/config-patch.js';
import { formatIssues } from '../../shared/protocol/config-issues.js';
import { EngineError } from '../../shared/core/errors.js';

const LOCAL = { HOST: '127.0.0.1' };
const EDGE_SECRET = 'edge-secret-0123456789';
const CONFIG_SECRET = 'config-secret-9876543210';

function errorsOf(result: ReturnType<typeof loadSchedulerConfig>): readonly string[] {
  if (result.ok) throw new Error('expected the configuration to be invalid');
  return result.errors;
}

describe('SchedulerConfig defaults', () => {
  it('fills every group from an empty config on loopback', () => {
    const result = loadSchedulerConfig({ env: LOCAL });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const c = result.config;
    expect(c.server).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(c.limits).toEqual({ maxBodyBytes: 8 * 1024 * 1024, maxPixels: 40_000_000, maxQueued: 10_000 });
    expect(c.slo).toEqual({ latencyMs: 1000, target: 0.999, defaultPriority: 'low' });
    expect(c.lanes.edge.urls).toEqual([]);
    expect(c.lanes.serverless.url).toBeUndefined();
    expect(c.planner.bounds.memoryMbOptions).toEqual([1024, 2048, 3072, 4096]);
    expect(c.planner.payloadBytes).toBe(24_178);
    expect(c.store).toEqual({ kind: 'file', dir: '.edgebatch-state', scope: 'default', tablestore: { table: 'edgebatch_state' } });
    expect(c.logging.level).toBe('info');
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'example.com', '::'].some(isLoopbackHost)).toBe(false);
  });
});

describe('validation messages', () => {
  it('rejects unknown keys at every level, naming each', () => {
    const errors = errorsOf(
      loadSchedulerConfig({ env: LOCAL, file: 'c.json', readFile: () => JSON.stringify({ sever: {}, lanes: { edge: { url: 'http://x' } } }) }),
    );
    expect(errors).toContain('sever (c.json): Expected no such key (unknown keys are rejected), got "sever"');
    expect(errors).toContain('lanes.edge.url (c.json): Expected no such key (unknown keys are rejected), got "url"');
  });

  it('refuses the settings nothing reads (a planning policy, a periodic re-plan, a timeout bound) instead of ignoring them', () => {
    const file = JSON.stringify({ planner: { policy: 'ours', replanIntervalMs: 1000, bounds: { maxTimeoutMs: 500 } } });
    const errors = errorsOf(loadSchedulerConfig({ env: LOCAL, file: 'c.json', readFile: () => file }));
    expect(errors).toEqual([
      'planner.bounds.maxTimeoutMs (c.json): Expected no such key (unknown keys are rejected), got "maxTimeoutMs"',
      'planner.policy (c.json): Expected no such key (unknown keys are rejected), got "policy"',
      'planner.replanIntervalMs (c.json): Expected no such key (unknown keys are rejected), got "replanIntervalMs"',
    ]);
  });

  it('says "<path> (<source>): Expected X, got Y" for environment values', () => {
    const errors = errorsOf(loadSchedulerConfig({ env: { ...LOCAL, PORT: 'ninety', SLO_MS: '0', STORE: 'redis', EDGE_URLS: 'http://a:9200/v1/batch,ftp://b' } }));
    expect(errors).toEqual([
      'server.port (env PORT): Expected a number, got "ninety"',
      'slo.latencyMs (env SLO_MS): Expected a number > 0, got 0',
      'lanes.edge.urls[1] (env EDGE_URLS): Expected a valid url, got "ftp://b"',
      'store.kind (env STORE): Expected one of "file", "memory", "tablestore", got "redis"',
    ]);
  });

  it('every message follows the Expected/got form', () => {
    const bad = { server: { port: 1.5 }, limits: { maxPixels: -1 }, planner: { bounds: { memoryMbOptions: [100, 1024, 1024] } }, logging: { level: 'loud' }, extra: 1 };
    const errors = errorsOf(loadSchedulerConfig({ env: LOCAL, file: 'f.json', readFile: () => JSON.stringify(bad) }));
    expect(errors.length).toBeGreaterThanOrEqual(5);
    for (const line of errors) expect(line).toMatch(/^[\w.[\]]+ \([^)]+\): Expected .+, got .+$/);
  });

  it('requires both secrets when the listener is exposed, and names the variables', () => {
    const errors = errorsOf(loadSchedulerConfig({ env: { HOST: '0.0.0.0' } }));
    expect(errors).toEqual([
      'security.edgeSecret (env EDGE_SECRET): Expected a secret of at least 16 characters because server.host "0.0.0.0" is not loopback, got nothing',
      'security.configSecret (env CONFIG_SECRET): Expected a secret of at least 16 characters because server.host "0.0.0.0" is not loopback, got nothing',
    ]);
    const ok = loadSchedulerConfig({ env: { EDGE_SECRET, CONFIG_SECRET } });
    expect(ok.ok).toBe(true);
  });

  it('refuses short secrets without echoing them', () => {
    const errors = errorsOf(loadSchedulerConfig({ env: { ...LOCAL, EDGE_SECRET: 'hunter2' } }));
    expect(errors).toEqual(['security.edgeSecret (env EDGE_SECRET): Expected a string of at least 16 characters, got 7 characters']);
  });

  it('checks cross-field rules: Tablestore needs its endpoint and credentials', () => {
    expect(errorsOf(loadSchedulerConfig({ env: { ...LOCAL, STORE: 'tablestore' } }))).toEqual([
      'store.tablestore.endpoint (env TABLESTORE_ENDPOINT): Expected a value when kind is "tablestore", got nothing',
      'store.tablestore.instance (env TABLESTORE_INSTANCE): Expected a value when kind is "tablestore", got nothing',
      'security.cloud: Expected credentials when store.kind is "tablestore", got nothing',
    ]);
  });

  it('refuses a serverless lane that is both an HTTP URL and an FC function', () => {
    const errors = errorsOf(
      loadSchedulerConfig({ env: { ...LOCAL, INFERENCE_URL: 'http://127.0.0.1:9100/v1/batch', INFERENCE_FUNCTION: 'infer', INFERENCE_REGION: 'cn-hangzhou', ACCOUNT_ID: '1234567890' } }),
    );
    expect(errors).toEqual(['lanes.serverless: Expected either url (HTTP lane) or fc (Function Compute), got both']);
  });

  it('reports unreadable and non-JSON files plainly', () => {
    const missing = loadSchedulerConfig({ file: 'nope.json', readFile: () => { throw Object.assign(new Error('x'), { code: 'ENOENT' }); } });
    expect(errorsOf(missing)).toEqual(['config file nope.json: Expected a readable file, got ENOENT']);
    expect(errorsOf(loadSchedulerConfig({ file: 'a.json', readFile: () => '[1]' }))).toEqual(['config file a.json: Expected a JSON object, got an array']);
    expect(errorsOf(loadSchedulerConfig({ file: 'b.json', readFile: () => '{' }))[0]).toMatch(/^config file b\.json: Expected JSON, got a syntax error/);
  });

  it('throws one EngineError listing every problem for start-up code', () => {
    expect(() => loadSchedulerConfigOrThrow({ env: { ...LOCAL, PORT: '-1', LOG_LEVEL: 'loud' } })).toThrowError(EngineError);
    try {
      loadSchedulerConfigOrThrow({ env: { ...LOCAL, PORT: '-1', LOG_LEVEL: 'loud' } });
    } catch (error) {
      expect((error as EngineError).code).toBe('invalid_input');
      expect((error as EngineError).message.split('\n')).toHaveLength(3);
    }
  });
});

describe('environment mapping', () => {
  it('maps every binding to a key the schema knows', () => {
    const shape = SchedulerConfigSchema.parse({ server: { host: '127.0.0.1' } });
    for (const binding of ENV_BINDINGS) {
      expect(binding.env.startsWith('FC_') && !binding.fallback, `${binding.env} uses FC's reserved prefix`).toBe(false);
      const parent = binding.path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], shape);
      // Every group on the path exists in the parsed defaults, except the optional fc and cloud groups.
      if (!binding.path.includes('fc') && !binding.path.includes('cloud')) expect(parent, binding.env).toBeTypeOf('object');
    }
  });

  it('parses numbers and lists, leaves what does not parse for validation', () => {
    const { values, sources } = configFromEnv({ PORT: ' 8080 ', MEMORY_MB_OPTIONS: '1024, 2048', EDGE_URLS: 'http://a/v1/batch , http://b/v1/batch', SLO_MS: '1e3x' });
    expect(values).toEqual({
      server: { port: 8080 },
      slo: { latencyMs: '1e3x' },
      lanes: { edge: { urls: ['http://a/v1/batch', 'http://b/v1/batch'] } },
      planner: { bounds: { memoryMbOptions: [1024, 2048] } },
    });
    expect(sources.get('server.port')).toBe('PORT');
  });

  it("uses FC's injected region and account only for an FC lane configured by our variables", () => {
    const injected = { FC_REGION: 'cn-shanghai', FC_ACCOUNT_ID: '1234567890123' };
    expect(configFromEnv(injected).values).toEqual({});
    const fc = loadSchedulerConfig({ env: { ...LOCAL, ...injected, INFERENCE_FUNCTION: 'edgebatch-inference' } });
    expect(fc.ok && fc.config.lanes.serverless.fc).toEqual({ functionName: 'edgebatch-inference', region: 'cn-shanghai', accountId: '1234567890123', protocol: 'https' });
    const explicit = configFromEnv({ ...injected, INFERENCE_FUNCTION: 'f', INFERENCE_REGION: 'cn-beijing' });
    expect(explicit.values).toMatchObject({ lanes: { serverless: { fc: { region: 'cn-beijing', accountId: '1234567890123' } } } });
  });

  it('lets the environment win over the file, merging objects and replacing lists', () => {
    const file = JSON.stringify({ server: { host: '127.0.0.1', port: 7000 }, lanes: { edge: { urls: ['http://a/v1/batch'], rttMs: 5 } } });
    const result = loadSchedulerConfig({ env: { PORT: '7100', EDGE_URLS: 'http://b/v1/batch' }, file: 'x.json', readFile: () => file });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.server).toEqual({ host: '127.0.0.1', port: 7100 });
    expect(result.config.lanes.edge).toMatchObject({ urls: ['http://b/v1/batch'], rttMs: 5 });
    expect(mergeConfig({ a: [1, 2], b: { c: 1 } }, { a: [3], b: { d: 2 } })).toEqual({ a: [3], b: { c: 1, d: 2 } });
  });

  it('reads CONFIG_FILE from the environment', () => {
    let asked = '';
    const result = loadSchedulerConfig({ env: { CONFIG_FILE: '/etc/edgebatch.json' }, readFile: (path) => ((asked = path), '{"server":{"host":"localhost"}}') });
    expect(asked).toBe('/etc/edgebatch.json');
    expect(result.ok && result.file).toBe('/etc/edgebatch.json');
  });
});

describe('secrets', () => {
  const env = { EDGE_SECRET, CONFIG_SECRET, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-test-key-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'cloud-secret-abcdef', ALIBABA_CLOUD_SECURITY_TOKEN: 'sts-token-xyz' };

  it('redactConfig hides every secret and leaves the rest', () => {
    const result = loadSchedulerConfig({ env });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const text = JSON.stringify(redactConfig(result.config));
    for (const value of Object.values(env)) expect(text).not.toContain(value);
    expect(redactConfig(result.config).security).toEqual({
      edgeSecret: REDACTED,
      configSecret: REDACTED,
      cloud: { accessKeyId: REDACTED, accessKeySecret: REDACTED, securityToken: REDACTED },
    });
    // The original is untouched.
    expect(result.config.security.edgeSecret).toBe(EDGE_SECRET);
    expect(configSecretValues(result.config).sort()).toEqual(Object.values(env).sort());
  });
});

describe('runtime config patch (PUT /v1/config)', () => {
  const current = SchedulerConfigSchema.parse({ server: { host: '127.0.0.1' } });

  it('applies SLO and bounds changes and keeps everything else', () => {
    const next = applyConfigPatch(current, { slo: { latencyMs: 600 }, planner: { bounds: { maxEdgeBatch: 50 } } });
    expect(next.slo).toEqual({ latencyMs: 600, target: 0.999, defaultPriority: 'low' });
    expect(next.planner.bounds).toEqual({ maxEdgeBatch: 50, maxServerlessBatch: 20, memoryMbOptions: [1024, 2048, 3072, 4096] });
    expect(next.server).toEqual(current.server);
  });

  it('refuses keys outside the patchable subset and empty patches', () => {
    expect(() => applyConfigPatch(current, { server: { port: 1 } })).toThrowError('server: Expected no such key (unknown keys are rejected), got "server"');
    // The memory sizes name the deployed functions the lanes were built on: a start-up setting only.
    expect(() => applyConfigPatch(current, { planner: { bounds: { memoryMbOptions: [1024] } } })).toThrowError(
      'planner.bounds.memoryMbOptions: Expected no such key (unknown keys are rejected), got "memoryMbOptions"',
    );
    expect(() => applyConfigPatch(current, {})).toThrowError('(root): Expected at least one of slo, planner, got an empty patch');
    expect(() => applyConfigPatch(current, { slo: { latencyMs: 'fast' } })).toThrowError('slo.latencyMs: Expected a number, got "fast"');
    expect(() => applyConfigPatch(current, { slo: { target: 2 } })).toThrow(expect.objectContaining({ name: 'EngineError', code: 'invalid_input' }));
  });

  it('is a strict schema of its own', () => {
    const result = RuntimeConfigPatchSchema.safeParse({ slo: { latencyMs: 1 }, x: 1 }, { reportInput: true });
    expect(result.success).toBe(false);
    if (!result.success) expect(formatIssues(result.error.issues)).toEqual(['x: Expected no such key (unknown keys are rejected), got "x"']);
  });
});
