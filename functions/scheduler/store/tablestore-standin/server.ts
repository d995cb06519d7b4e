/**
 * A wire-level stand-in for Tablestore on loopback: the real SDK talks to it over HTTP exactly as to the service
 * (POST /<Operation>, protobuf bodies, PlainBuffer rows, x-ots-* headers), so tests exercise the adapter's real
 * requests and the SDK's real response and error handling. No Tablestore emulator exists (docs section 5).
 *
 * It checks the x-ots-* headers are present and the body's MD5 matches; it verifies the signature only when
 * given the credentials. Errors come back as the service sends them: an HTTP status, a protobuf
 * `Error{code, message}` body and an x-ots-requestid header.
 *
 * Chaos knobs for the store and chaos suites: `failNext(n)` answers the next n requests with an error (503
 * OTSServerUnavailable by default) without acting on them; `stallNext(n)` never answers the next n requests
 * (optionally after applying them, to model a write whose answer is lost) until the client gives up.
 */
import { createHash, createHmac } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import protos from 'tablestore/lib/protocol/tablestore_compiled_proto.js';
import { OtsFailure } from './ots-failure.js';
import { OPERATIONS } from './operations.js';
import { StandinTables } from './tables.js';

export interface TablestoreStandinOptions {
  /** Expected x-ots-instancename. Default 'standin'. */
  readonly instanceName?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Server clock for cell timestamps. Default Date.now. */
  readonly now?: () => number;
  /** When set, requests must be signed with this secret (HMAC-SHA1 over the canonical x-ots-* headers). */
  readonly credentials?: { readonly accessKeyId: string; readonly accessKeySecret: string };
}

export interface InjectedFailure {
  readonly status?: number;
  readonly code?: string;
  readonly message?: string;
}

export interface TablestoreStandin {
  /** http://host:port, for the SDK's `endpoint`. */
  readonly endpoint: string;
  readonly instanceName: string;
  /** Operations received, in order (including failed and stalled ones). */
  readonly operations: readonly string[];
  failNext(count: number, failure?: InjectedFailure): void;
  stallNext(count: number, options?: { readonly afterApplying?: boolean }): void;
  close(): Promise<void>;
}

type Knob = { kind: 'fail'; failure: Required<InjectedFailure> } | { kind: 'stall'; afterApplying: boolean };

const REQUIRED_HEADERS = ['x-ots-date', 'x-ots-apiversion', 'x-ots-accesskeyid', 'x-ots-contentmd5', 'x-ots-signature', 'x-ots-instancename'];
const API_VERSION = '2015-12-31';
/** Tablestore's HTTP body limit. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export async function startTablestoreStandin(options: TablestoreStandinOptions = {}): Promise<TablestoreStandin> {
  const instanceName = options.instanceName ?? 'standin';
  const now = options.now ?? Date.now;
  const tables = new StandinTables();
  const knobs: Knob[] = [];
  const operations: string[] = [];
  let requestCount = 0;

  const server: Server = createServer((request, response) => {
    const requestId = `standin-${++requestCount}`;
    const operation = (request.url ?? '/').slice(1).split('?')[0];
    // Knobs apply in arrival order.
    const knob = knobs.shift();
    operations.push(operation);
    if (knob?.kind === 'stall' && !knob.afterApplying) {
      // Neither acted on nor answered: the client's timeout fires; close() tears the socket down.
      request.resume();
      return;
    }
    readBody(request)
      .then((body) => {
        if (knob?.kind === 'fail') throw new OtsFailure(knob.failure.status, knob.failure.code, knob.failure.message);
        checkRequest(request, body, operation, instanceName, options.credentials);
        const handler = OPERATIONS[operation];
        if (!handler) throw new OtsFailure(400, 'OTSUnsupportOperation', `Unsupported operation: '${operation}'.`);
        const answer = handler(tables, body, now());
        if (knob?.kind === 'stall') return; // applied, but the answer is lost
        sendOk(response, requestId, answer);
      })
      .catch((err: unknown) => sendError(response, requestId, err));
  });

  // Answers leave in one write; without this Nagle's algorithm can hold them for a delayed ACK.
  server.on('connection', (socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    endpoint: `http://${host}:${address.port}`,
    instanceName,
    operations,
    failNext(count, failure = {}) {
      for (let i = 0; i < count; i++) {
        knobs.push({
          kind: 'fail',
          failure: {
            status: failure.status ?? 503,
            code: failure.code ?? 'OTSServerUnavailable',
            message: failure.message ?? 'Server is not available (injected by the stand-in).',
          },
        });
      }
    },
    stallNext(count, stallOptions = {}) {
      for (let i = 0; i < count; i++) knobs.push({ kind: 'stall', afterApplying: stallOptions.afterApplying ?? false });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function checkRequest(
  request: IncomingMessage,
  body: Uint8Array,
  operation: string,
  instanceName: string,
  credentials: TablestoreStandinOptions['credentials'],
): void {
  if (request.method !== 'POST') throw new OtsFailure(405, 'OTSMethodNotAllowed', `Method ${request.method} is not allowed.`);
  for (const name of REQUIRED_HEADERS) {
    if (!request.headers[name]) throw new OtsFailure(400, 'OTSMissingHeader', `Missing header: '${name}'.`);
  }
  if (request.headers['x-ots-apiversion'] !== API_VERSION) {
    throw new OtsFailure(400, 'OTSParameterInvalid', `Unsupported API version: '${String(request.headers['x-ots-apiversion'])}'.`);
  }
  if (request.headers['x-ots-instancename'] !== instanceName) {
    throw new OtsFailure(403, 'OTSAuthFailed', `Instance '${String(request.headers['x-ots-instancename'])}' does not match the endpoint's instance '${instanceName}'.`);
  }
  const md5 = createHash('md5').update(body).digest('base64');
  if (request.headers['x-ots-contentmd5'] !== md5) throw new OtsFailure(400, 'OTSParameterInvalid', 'Content MD5 mismatch.');
  if (credentials) {
    if (request.headers['x-ots-accesskeyid'] !== credentials.accessKeyId) {
      throw new OtsFailure(403, 'OTSAuthFailed', 'The AccessKeyID is disabled or does not exist.');
    }
    if (request.headers['x-ots-signature'] !== signature(request, operation, credentials.accessKeySecret)) {
      throw new OtsFailure(403, 'OTSAuthFailed', 'Signature mismatch.');
    }
  }
}

/** The SDK's signing (lib/signer.js): HMAC-SHA1 of "/<Op>\nPOST\n\n" + sorted "x-ots-name:value" lines + "\n". */
function signature(request: IncomingMessage, operation: string, secret: string): string {
  const headers = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-ots-') && name !== 'x-ots-signature')
    .sort()
    .map((name) => `${name}:${String(request.headers[name])}`);
  const toSign = `/${operation}\nPOST\n\n${headers.join('\n')}\n`;
  return createHmac('sha1', secret).update(toSign).digest('base64');
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new OtsFailure(413, 'OTSRequestBodyTooLarge', `Request body exceeds ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendOk(response: ServerResponse, requestId: string, body: Uint8Array): void {
  response.writeHead(200, {
    'x-ots-requestid': requestId,
    'x-ots-contenttype': 'protocol buffer',
    'x-ots-date': new Date().toISOString(),
    'x-ots-contentmd5': createHash('md5').update(body).digest('base64'),
    'content-length': body.length,
  });
  response.end(body);
}

function sendError(response: ServerResponse, requestId: string, err: unknown): void {
  const failure =
    err instanceof OtsFailure ? err : new OtsFailure(500, 'OTSInternalServerError', `Internal error: ${err instanceof Error ? err.message : String(err)}`);
  const body = protos.main.proto.Error.encode(protos.main.proto.Error.create({ code: failure.code, message: failure.message })).finish();
  if (response.headersSent || response.destroyed) return;
  response.writeHead(failure.status, { 'x-ots-requestid': requestId, 'content-length': body.length });
  response.end(body);
}
