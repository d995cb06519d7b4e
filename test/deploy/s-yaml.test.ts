/**
 * s.yaml, checked offline the way CI can: `s preview -o json` renders it (vars, env(), merge keys), then every
 * fc3 resource is validated against the component's schema and the FC rules the schema misses.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFunctionRules, checkResource, createFc3PropsValidator, MAX_ENV_BYTES } from '../../functions/deploy-checks.js';
import type { FunctionProps } from '../../functions/deploy-checks.js';
import { REPO_ROOT, DATA } from '../support/paths.js';

const run = promisify(execFile);
const S_BIN = join(REPO_ROOT, 'node_modules', '.bin', 's');
const ACCOUNT_ID = '1234567890123456';

interface Rendered {
  resources: Record<string, { component: string; props: FunctionProps & Record<string, unknown> }>;
}

let home: string;

async function renderSYaml(extraEnv: Record<string, string | undefined>): Promise<Rendered> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    // `s` writes ~/.s (config, logs): keep it out of the user's home.
    HOME: home,
    ALIYUN_ACCOUNT_ID: ACCOUNT_ID,
    SCHEDULER_ROLE_ARN: `acs:ram::${ACCOUNT_ID}:role/edgebatch-scheduler`,
    EDGE_SECRET: 'edge-secret-0123456789',
    CONFIG_SECRET: 'config-secret-0123456789',
    ...extraEnv,
  };
  const { stdout } = await run(S_BIN, ['preview', '-o', 'json'], { cwd: REPO_ROOT, env, maxBuffer: 8 * 1024 * 1024 });
  // `s` prints a warning line (running as root) before the JSON on stdout.
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as Rendered;
}

const schema = JSON.parse(readFileSync(join(DATA, 'aliyun', 'fc3-schema.json'), 'utf8')) as object;
const validateSchema = createFc3PropsValidator(schema);

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'edgebatch-s-home-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('s.yaml rendered by s preview', () => {
  let rendered: Rendered;
  beforeAll(async () => {
    rendered = await renderSYaml({ ALIYUN_REGION: 'cn-shanghai', ORT_LAYER_VERSION: '7' });
  });

  it('has the scheduler and one inference function per candidate memory size, all fc3', () => {
    expect(Object.keys(rendered.resources).sort()).toEqual(['inference-1024', 'inference-2048', 'inference-3072', 'inference-4096', 'scheduler']);
    for (const resource of Object.values(rendered.resources)) expect(resource.component).toBe('fc3');
  });

  it('passes the fc3 schema and the FC rules the schema misses, for every resource', () => {
    const problems = Object.entries(rendered.resources).flatMap(([name, resource]) => checkResource(name, resource.props, validateSchema));
    expect(problems).toEqual([]);
  });

  it('runs the scheduler on Node 20 of the custom runtime, port 9000, many requests per instance, public HTTP trigger', () => {
    const props = rendered.resources.scheduler!.props;
    expect(props.runtime).toBe('custom.debian10');
    expect(props.region).toBe('cn-shanghai');
    expect(props.customRuntimeConfig).toMatchObject({ command: ['/var/fc/lang/nodejs20/bin/node'], args: ['/code/server.mjs'], port: 9000 });
    expect(props.instanceConcurrency).toBeGreaterThanOrEqual(50);
    expect(props.role).toBe(`acs:ram::${ACCOUNT_ID}:role/edgebatch-scheduler`);
    expect(props.layers).toBeUndefined();
    const env = props.environmentVariables as Record<string, string>;
    expect(env).toMatchObject({ PORT: '9000', HOST: '0.0.0.0', STORE: 'tablestore', ACCOUNT_ID, INFERENCE_REGION: 'cn-shanghai' });
    expect(env.NODE_PATH).toBeUndefined();
    expect(env.EDGE_SECRET).toBe('edge-secret-0123456789');
    const triggers = props.triggers as { triggerType: string; triggerConfig: { authType: string; methods: string[] } }[];
    expect(triggers).toHaveLength(1);
    expect(triggers[0]!.triggerType).toBe('http');
    expect(triggers[0]!.triggerConfig.methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT']));
  });

  it('names inference functions <base>-<memoryMb>, on the layer, without triggers, with no minimum instances at deploy', () => {
    for (const [name, { props }] of Object.entries(rendered.resources)) {
      if (name === 'scheduler') continue;
      expect(props.functionName).toBe(`edgebatch-inference-${String(props.memorySize)}`);
      expect(props.runtime).toBe('nodejs20');
      expect(props.handler).toBe('index.handler');
      expect(props.layers).toEqual([`acs:fc:cn-shanghai:${ACCOUNT_ID}:layers/onnxruntime-node/versions/7`]);
      expect(props.triggers).toBeUndefined();
      // No minimum instances at deploy: the scheduler sets the plan's warm instances (PutProvisionConfig) on the
      // plan's size; idle warm instances bill memory only (alwaysAllocateCPU false), as the planner costs them.
      expect(props.provisionConfig).toEqual({ defaultTarget: 0, alwaysAllocateCPU: false, alwaysAllocateGPU: false, scheduledActions: [], targetTrackingPolicies: [] });
    }
    expect(rendered.resources.scheduler!.props.provisionConfig).toBeUndefined();
    const env = rendered.resources.scheduler!.props.environmentVariables as Record<string, string>;
    const sizes = env.MEMORY_MB_OPTIONS!.split(',').map(Number);
    expect(sizes.map((memory) => `inference-${memory}`).sort()).toEqual(Object.keys(rendered.resources).filter((n) => n !== 'scheduler').sort());
  });

  it('refuses to render without the secrets', async () => {
    const failure = (await renderSYaml({ EDGE_SECRET: undefined }).then(
      () => undefined,
      (error: unknown) => error,
    )) as { stdout: string; stderr: string } | undefined;
    expect(failure).toBeDefined();
    expect(`${failure!.stdout}${failure!.stderr}`).toContain("env('EDGE_SECRET') not found");
  });
});

describe('deploy checks catch each bad variant', () => {
  const good: FunctionProps = {
    functionName: 'f',
    region: 'cn-hangzhou',
    runtime: 'nodejs20',
    code: './dist/inference',
    handler: 'index.handler',
    memorySize: 2048,
    cpu: 1,
    environmentVariables: { A: 'b' },
  };

  it('accepts the good variant', () => {
    expect(checkResource('f', good, validateSchema)).toEqual([]);
  });

  it('schema: memory below 128 MB, unknown runtime, concurrency over 200, missing handler', () => {
    expect(validateSchema({ ...good, memorySize: 64 })).toEqual(['/memorySize must be >= 128']);
    expect(validateSchema({ ...good, runtime: 'nodejs22' })[0]).toMatch(/^\/runtime must be equal to one of the allowed values/);
    expect(validateSchema({ ...good, instanceConcurrency: 201 })).toEqual(['/instanceConcurrency must be <= 200']);
    const { handler: _handler, ...noHandler } = good;
    expect(validateSchema(noHandler)).toContain("(props) must have required property 'handler'");
  });

  it('rule: no FC_ environment names', () => {
    expect(checkFunctionRules({ ...good, environmentVariables: { FC_INVOKE_ENDPOINT: 'x' } })).toEqual([
      'environmentVariables.FC_INVOKE_ENDPOINT: names starting with FC_ are reserved by Function Compute',
    ]);
  });

  it('rule: at most 4 KB of environment in all', () => {
    const atLimit = { V: 'x'.repeat(MAX_ENV_BYTES - '{"V":""}'.length) };
    expect(checkFunctionRules({ ...good, environmentVariables: atLimit })).toEqual([]);
    const over = { V: 'x'.repeat(MAX_ENV_BYTES - '{"V":""}'.length + 1) };
    expect(checkFunctionRules({ ...good, environmentVariables: over })).toEqual([`environmentVariables: ${MAX_ENV_BYTES + 1} bytes in all, over Function Compute's limit of ${MAX_ENV_BYTES}`]);
  });

  it('rule: vCPU to GB between 1:1 and 1:4', () => {
    expect(checkFunctionRules({ ...good, memorySize: 1024, cpu: 1 })).toEqual([]);
    expect(checkFunctionRules({ ...good, memorySize: 4096, cpu: 1 })).toEqual([]);
    expect(checkFunctionRules({ ...good, memorySize: 1024, cpu: 2 })[0]).toMatch(/^cpu: 2 vCPU with 1024 MB is 1:0\.50/);
    expect(checkFunctionRules({ ...good, memorySize: 8192, cpu: 1 })[0]).toMatch(/^cpu: 1 vCPU with 8192 MB is 1:8\.00/);
    // FC's defaults when omitted: 512 MB, 0.35 vCPU (1:1.43).
    expect(checkFunctionRules({ functionName: 'f' })).toEqual([]);
  });

  it('rule: memory a multiple of 64 MB', () => {
    expect(checkFunctionRules({ ...good, memorySize: 1000, cpu: 0.5 })).toEqual(['memorySize: 1000 MB is not a multiple of 64 MB']);
  });
});
