/**
 * `GET /openapi.json`: an OpenAPI 3.1 document generated from the zod schemas the routes validate with
 * (shared/protocol/http-schemas.ts, telemetry.ts, config.ts) by zod 4's `z.toJSONSchema` (JSON Schema 2020-12,
 * which is OpenAPI 3.1's schema dialect). Only the route table below is written by hand.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { HTTP_STATUS } from '../http-errors.js';
import { RuntimeConfigPatchSchema } from '../../../shared/protocol/config.js';
import {
  ConfigPatchResultSchema,
  DeadlineMsSchema,
  ErrorBodySchema,
  INFER_IMAGE_TYPES,
  HealthSchema,
  InferJsonRequestSchema,
  InferResultSchema,
  PlanSchema,
  PlanViewSchema,
  PrioritySchema,
  PROBE_MAX_BYTES,
  ProbeQuerySchema,
  SchedulerStateSchema,
  TelemetryAcceptedSchema,
} from '../../../shared/protocol/http-schemas.js';
import { TelemetryReportSchema } from '../../../shared/protocol/telemetry.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../../shared/protocol/auth.js';
import { REQUEST_ID_HEADER } from './logger.js';

type Json = Record<string, unknown>;

const REQUEST_SCHEMAS = { InferJsonRequest: InferJsonRequestSchema, TelemetryReport: TelemetryReportSchema, RuntimeConfigPatch: RuntimeConfigPatchSchema };
const RESPONSE_SCHEMAS = {
  Error: ErrorBodySchema,
  InferResult: InferResultSchema,
  Plan: PlanSchema,
  PlanView: PlanViewSchema,
  SchedulerState: SchedulerStateSchema,
  Health: HealthSchema,
  ConfigPatchResult: ConfigPatchResultSchema,
  TelemetryAccepted: TelemetryAcceptedSchema,
};

/** Component schemas, with shared parts (Plan inside SchedulerState) as `$ref`s rather than copies. */
function componentSchemas(): Record<string, Json> {
  const out: Record<string, Json> = {};
  const groups = [
    { schemas: REQUEST_SCHEMAS, io: 'input' as const },
    { schemas: RESPONSE_SCHEMAS, io: 'output' as const },
  ];
  for (const { schemas, io } of groups) {
    const registry = z.registry<{ id: string }>();
    for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
    const generated = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
    for (const [id, schema] of Object.entries(generated.schemas)) out[id] = withoutDialect(schema);
  }
  return out;
}

/** Inside an OpenAPI document the dialect is the document's; a `$schema` per schema is noise. */
function withoutDialect(schema: object): Json {
  const { $schema: _dialect, $id: _id, ...rest } = schema as Json;
  return rest;
}

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });
/** A header's schema from the same zod field the route validates it with. */
const fieldSchema = (schema: z.ZodType): Json => withoutDialect(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }));
const json = (schema: Json): Json => ({ 'application/json': { schema } });

/** Reasons per status, as the routes use them. */
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input (malformed body, bad parameter, image that cannot be decoded)',
  401: 'Missing, stale, replayed or wrong signature',
  404: 'Nothing there yet',
  413: 'Body or image larger than the configured limits',
  415: 'Content type not accepted',
  429: 'Queue full; retry after the Retry-After header (seconds)',
  500: 'Internal error',
  502: 'The lane that ran the batch failed, and so did the retry on the other lane if there was time for one',
  503: 'No lane can serve the request now',
  504: 'The request deadline passed before an answer',
};

function errorResponses(statuses: readonly number[]): Json {
  const out: Json = {};
  for (const status of statuses) {
    const response: Json = { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: json(ref('Error')) };
    if (status === 429) response.headers = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
    out[String(status)] = response;
  }
  return out;
}

function ok(description: string, content: Json, status = '200'): Json {
  return { [status]: { description, headers: { [REQUEST_ID_HEADER]: { $ref: '#/components/headers/RequestId' } }, content } };
}

const signed = [{ hmacSignature: [], hmacTimestamp: [] }];

function paths(): Json {
  const imageBodies: Json = {};
  for (const type of INFER_IMAGE_TYPES) imageBodies[type] = { schema: { type: 'string', contentMediaType: type } };
  return {
    '/v1/infer': {
      post: {
        operationId: 'infer',
        summary: 'Classify one image: it waits briefly in the queue and runs in a batch on the edge or serverless lane',
        parameters: [
          { name: 'x-deadline-ms', in: 'header', required: false, description: 'Raw bodies: relative deadline (ms), at most the SLO', schema: fieldSchema(DeadlineMsSchema) },
          { name: 'x-priority', in: 'header', required: false, description: 'Raw bodies: high or low', schema: fieldSchema(PrioritySchema) },
        ],
        requestBody: {
          required: true,
          description: 'The raw image with its content type, or JSON with the image in base64',
          content: { ...imageBodies, ...json(ref('InferJsonRequest')) },
        },
        responses: { ...ok('The result with its placement, batch and timings', json(ref('InferResult'))), ...errorResponses([400, 413, 415, 429, 500, 502, 503, 504]) },
      },
    },
    '/v1/telemetry': {
      post: {
        operationId: 'postTelemetry',
        summary: "An edge agent's bandwidth samples and batch latencies (HMAC-signed with EDGE_SECRET; 403 for a batch URL not in EDGE_URLS or EDGE_URL_ALLOW)",
        security: signed,
        requestBody: { required: true, content: json(ref('TelemetryReport')) },
        responses: { ...ok('Accepted', json(ref('TelemetryAccepted'))), ...errorResponses([400, 401, 403, 413, 415]) },
      },
    },
    '/v1/plan': {
      get: {
        operationId: 'getPlan',
        summary: 'The plan in force and why it was chosen',
        responses: ok('The plan (null before the first) and its store version', json(ref('PlanView'))),
      },
    },
    '/v1/state': {
      get: {
        operationId: 'getState',
        summary: 'Rate and bandwidth estimates, changepoint probabilities, queue depth, recent history, lanes, the SLO against its predicted and measured attainment, hedges, plan',
        responses: ok('The live state', json(ref('SchedulerState'))),
      },
    },
    '/v1/config': {
      put: {
        operationId: 'putConfig',
        summary: 'Change the SLO or planner bounds while running (HMAC-signed with CONFIG_SECRET); triggers a re-plan',
        security: signed,
        requestBody: { required: true, content: json(ref('RuntimeConfigPatch')) },
        responses: { ...ok('The new effective settings', json(ref('ConfigPatchResult'))), ...errorResponses([400, 401, 415]) },
      },
    },
    '/v1/probe': {
      get: {
        operationId: 'probe',
        summary: 'Random bytes for an edge agent to time (bandwidth probe when idle; HMAC-signed with EDGE_SECRET)',
        security: signed,
        parameters: [
          {
            name: 'bytes',
            in: 'query',
            required: false,
            description: `How many bytes (default 65536, at most ${PROBE_MAX_BYTES})`,
            schema: withoutDialect(z.toJSONSchema(ProbeQuerySchema.shape.bytes, { target: 'draft-2020-12', io: 'input' })),
          },
        ],
        responses: { ...ok('The bytes', { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } }), ...errorResponses([400, 401]) },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics (text exposition format)',
        responses: ok('Metrics', { 'text/plain': { schema: { type: 'string' } } }),
      },
    },
    '/healthz': {
      get: {
        operationId: 'health',
        summary: 'Liveness and lane health',
        responses: { ...ok('Healthy or degraded (one lane down)', json(ref('Health'))), '503': { description: 'No lane can serve', content: json(ref('Health')) } },
      },
    },
    '/dashboard': {
      get: {
        operationId: 'dashboard',
        summary: 'Live dashboard (HTML page; polls /v1/state and /v1/plan)',
        responses: ok('The page', { 'text/html': { schema: { type: 'string' } } }),
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        responses: ok('OpenAPI 3.1 document', json({ type: 'object' })),
      },
    },
  };
}

export interface OpenApiOptions {
  readonly version?: string;
  /** Server URL to list (omit: relative to wherever the document was fetched). */
  readonly serverUrl?: string;
}

export function buildOpenApiDocument(options: OpenApiOptions = {}): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'edgebatch scheduler',
      version: options.version ?? '0.1.0',
      description: `Batches image inference requests onto an edge box or a serverless function within a latency SLO. Errors are { error: { code, message } } with statuses ${[...new Set(Object.values(HTTP_STATUS))].sort((a, b) => a - b).join(', ')}.`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths: paths(),
    components: {
      schemas: componentSchemas(),
      headers: {
        RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
        RequestId: { description: "The request's id (FC's x-fc-request-id when present); also in every log line", schema: { type: 'string' } },
      },
      securitySchemes: {
        hmacSignature: {
          type: 'apiKey',
          in: 'header',
          name: SIGNATURE_HEADER,
          description: `v1=<hex HMAC-SHA256(secret, "<timestamp>\\n<METHOD>\\n<path>\\n" + body)>; see shared/protocol/auth.ts`,
        },
        hmacTimestamp: { type: 'apiKey', in: 'header', name: TIMESTAMP_HEADER, description: 'ms since epoch; must be within 5 minutes of the server clock' },
      },
    },
  };
}

/** Hono sub-app: `GET /openapi.json`. The document is built once. */
export function createOpenApiRoutes(options: OpenApiOptions = {}): Hono {
  const document = buildOpenApiDocument(options);
  const app = new Hono();
  app.get('/openapi.json', (c) => c.json(document));
  return app;
}
