import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, createOpenApiRoutes } from '../../functions/scheduler/ops/openapi.js';
import { SchedulerConfigSchema } from '../../shared/protocol/config.js';
import { DATA } from '../support/paths.js';
import { listen } from './serve.js';

import { Ajv2020 } from 'ajv/dist/2020.js';

/**
 * The OAS 3.1 schema (see fixtures/README.md). Its Schema Objects are `$dynamicRef: "#meta"`, which in this
 * self-contained schema resolves to its own `$defs/schema` ({type: [object, boolean]}); ajv 8 resolves the
 * dynamic anchor incorrectly here, so the test rewrites it to the equivalent static `$ref`.
 */
function oasSchema(): object {
  const text = readFileSync(join(import.meta.dirname, 'fixtures', 'oas-3.1-schema.json'), 'utf8');
  return JSON.parse(text.replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"')) as object;
}

type Json = Record<string, unknown>;

function newAjv() {
  return new Ajv2020({ strict: false, validateFormats: false, logger: false, allErrors: true });
}

const ROUTES: [string, string][] = [
  ['/v1/infer', 'post'],
  ['/v1/telemetry', 'post'],
  ['/v1/plan', 'get'],
  ['/v1/state', 'get'],
  ['/v1/config', 'put'],
  ['/metrics', 'get'],
  ['/healthz', 'get'],
  ['/dashboard', 'get'],
  ['/v1/probe', 'get'],
  ['/openapi.json', 'get'],
];

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument();
  const validateDocument = newAjv().compile(oasSchema());

  it('is valid by the OAS 3.1 JSON schema', () => {
    const valid = validateDocument(doc);
    expect(validateDocument.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the validator is not vacuous: it rejects broken documents', () => {
    const broken = structuredClone(doc) as Json;
    (broken.paths as Json)['/v1/plan'] = { get: { responses: { '200': { content: {} } } } }; // response without description
    expect(validateDocument(broken)).toBe(false);
    expect(validateDocument({ ...doc, openapi: '3.0.3' })).toBe(false);
    expect(validateDocument({ ...doc, info: { title: 'x' } })).toBe(false);
  });

  it('covers every route the scheduler serves, the probe and itself', () => {
    const paths = doc.paths as Record<string, Json>;
    for (const [path, method] of ROUTES) expect(paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    expect(Object.keys(paths).sort()).toEqual(ROUTES.map(([p]) => p).sort());
  });

  it('documents the raw image and JSON bodies of /v1/infer and its error statuses, 429 with Retry-After', () => {
    const infer = (doc.paths as Record<string, Record<string, Json>>)['/v1/infer']!.post!;
    const content = (infer.requestBody as Json).content as Json;
    expect(Object.keys(content).sort()).toEqual(['application/json', 'image/gif', 'image/jpeg', 'image/jpg', 'image/png', 'image/webp']);
    expect((infer.parameters as Json[]).map((p) => `${p.in}:${p.name}`)).toEqual(['header:x-deadline-ms', 'header:x-priority']);
    const responses = infer.responses as Record<string, Json>;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '413', '415', '429', '500', '502', '503', '504']);
    expect((responses['429']!.headers as Json)['Retry-After']).toBeDefined();
    for (const status of ['400', '413', '415', '503', '504']) {
      expect(((responses[status]!.content as Json)['application/json'] as Json).schema).toEqual({ $ref: '#/components/schemas/Error' });
    }
    const signed = ['/v1/telemetry', '/v1/config', '/v1/probe'].map((p) => Object.values((doc.paths as Record<string, Json>)[p]!)[0] as Json);
    for (const op of signed) expect(op.security).toEqual([{ hmacSignature: [], hmacTimestamp: [] }]);
  });

  it('every $ref resolves, and every component is a valid JSON Schema 2020-12 that compiles', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const target = ref.slice(2).split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
    const ajv = newAjv();
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    for (const [id, schema] of Object.entries(schemas)) {
      expect(ajv.validateSchema(schema), `${id}: ${JSON.stringify(ajv.errors)}`).toBe(true);
      ajv.addSchema(schema, `#/components/schemas/${id}`);
    }
  });

  it('component schemas agree with the zod schemas on real bodies', () => {
    const ajv = newAjv();
    // Resolve the internal $refs by giving ajv the whole document as one schema.
    ajv.addSchema({ $id: 'doc', ...(doc as Json), $schema: undefined }, 'doc');
    const validate = (id: string, body: unknown): boolean => ajv.validate({ $ref: `doc#/components/schemas/${id}` }, body);
    const image = readFileSync(join(DATA, 'seed', 'images', '1.jpg')).toString('base64');
    expect(validate('InferJsonRequest', { image, contentType: 'image/jpeg', deadlineMs: 800, priority: 'high' })).toBe(true);
    expect(validate('InferJsonRequest', { image, extra: 1 })).toBe(false);
    expect(validate('InferJsonRequest', { image, priority: 'urgent' })).toBe(false);
    expect(validate('Error', { error: { code: 'queue_full', message: 'Queue full' } })).toBe(true);
    expect(validate('Error', { error: { code: 'teapot', message: 'x' } })).toBe(false);
    expect(validate('RuntimeConfigPatch', { slo: { latencyMs: 800 } })).toBe(true);
    expect(validate('RuntimeConfigPatch', { server: { port: 1 } })).toBe(false);
    const config = SchedulerConfigSchema.parse({ server: { host: '127.0.0.1' } });
    expect(validate('ConfigPatchResult', { slo: config.slo, planner: { changeThreshold: config.planner.changeThreshold, bounds: config.planner.bounds } })).toBe(true);
  });

  it('documents the SLO beside its attainment and the hedges in the state, and hedged answers', () => {
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    const state = schemas.SchedulerState!;
    expect(state.required).toEqual(expect.arrayContaining(['slo', 'hedges']));
    const properties = state.properties as Record<string, Json>;
    const slo = properties.slo!;
    expect(Object.keys(slo.properties as Json).sort()).toEqual(['latencyMs', 'measured', 'planTarget', 'predictedAttainment', 'target']);
    expect(Object.keys(properties.hedges!.properties as Json).sort()).toEqual(['costUsd', 'sent', 'won']);
    const serverless = ((properties.lanes!.properties as Record<string, Json>).serverless!.properties as Record<string, Json>).warm!;
    expect(Object.keys(serverless.properties as Json).sort()).toEqual(['applied', 'functionName', 'lastError', 'pending', 'wanted']);
    expect(schemas.InferResult!.required).toEqual(expect.arrayContaining(['retried', 'hedged']));

    const ajv = newAjv();
    ajv.addSchema({ $id: 'doc', ...(doc as Json), $schema: undefined }, 'doc');
    const counts = { requests: 10, withinSlo: 9, attainment: 0.9 };
    const sloBody = { latencyMs: 1000, target: 0.999, planTarget: 0.999, predictedAttainment: 0.9993, measured: { sinceStart: counts, recent: { ...counts, windowMs: 60_000 } } };
    const validSlo = ajv.validate({ $ref: 'doc#/components/schemas/SchedulerState/properties/slo' }, sloBody);
    expect(validSlo, JSON.stringify(ajv.errors)).toBe(true);
    expect(ajv.validate({ $ref: 'doc#/components/schemas/SchedulerState/properties/slo' }, { ...sloBody, target: 1.5 })).toBe(false);
  });

  describe('served at GET /openapi.json', () => {
    let server: Awaited<ReturnType<typeof listen>>;
    beforeAll(async () => {
      server = await listen(createOpenApiRoutes());
    });
    afterAll(() => server.close());

    it('answers the same valid document over HTTP', async () => {
      const response = await fetch(`${server.url}/openapi.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const served = (await response.json()) as Json;
      expect(validateDocument(served)).toBe(true);
      expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
    });
  });
});
