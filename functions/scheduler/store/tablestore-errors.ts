/**
 * Reading the errors the `tablestore` 5.6.5 SDK rejects with, and mapping them to the engine's vocabulary.
 *
 * The SDK's error shape is broken (docs/aliyun-platform.md section 5): its extractError calls the undefined
 * `TableStore.XML.Parser`, lands in a catch branch and produces `err.code` = the HTTP status NUMBER and
 * `err.message` = the raw protobuf `Error{code, message}` bytes decoded as UTF-8 text + " requestId:<id>", e.g.
 * "\n\u0015OTSConditionCheckFail\u0012\u0017Condition check failed. requestId:rid-1". So the Tablestore error
 * code is recovered from the message: first by decoding the bytes with the SDK's own compiled `Error` message,
 * else (when UTF-8 decoding mangled a length byte >= 0x80) by finding the `OTS...` code in the text.
 * Should a later SDK fix the shape, a string `err.code` starting with "OTS" is used as is.
 */
import protos from 'tablestore/lib/protocol/tablestore_compiled_proto.js';
import { EngineError } from '../../../shared/core/errors.js';

export interface TablestoreErrorInfo {
  /** HTTP status when the service answered. */
  readonly httpStatus?: number;
  /** Tablestore error code, e.g. "OTSConditionCheckFail". */
  readonly otsCode?: string;
  /** The service's or the network's human-readable message. */
  readonly message: string;
  readonly requestId?: string;
  /** No answer from the service: connection refused or reset, timeout, DNS. */
  readonly network: boolean;
}

const REQUEST_ID_MARK = ' requestId:';
const OTS_CODE = /^OTS[A-Za-z]+$/;
const NETWORK_CODES = new Set(['NetworkingError', 'TimeoutError', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

export function describeTablestoreError(err: unknown): TablestoreErrorInfo {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const rawMessage = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return { message: rawMessage, network: true };
  }
  if (typeof code === 'string' && OTS_CODE.test(code)) {
    return { otsCode: code, message: rawMessage, network: false };
  }
  const httpStatus = typeof code === 'number' ? code : undefined;
  const mark = rawMessage.lastIndexOf(REQUEST_ID_MARK);
  const body = mark >= 0 ? rawMessage.slice(0, mark) : rawMessage;
  const requestId = mark >= 0 ? rawMessage.slice(mark + REQUEST_ID_MARK.length) || undefined : undefined;
  const decoded = decodeErrorBody(body);
  return {
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(decoded.otsCode !== undefined ? { otsCode: decoded.otsCode } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    message: decoded.message,
    network: false,
  };
}

/** A conditional write lost: the row existence or the version column did not match. */
export function isConditionCheckFailure(err: unknown): boolean {
  if (describeTablestoreError(err).otsCode === 'OTSConditionCheckFail') return true;
  // Last resort for shapes we have not seen: the code always appears verbatim in the text.
  return err instanceof Error && err.message.includes('OTSConditionCheckFail');
}

/** No answer, or a 5xx that may follow a commit: the write may or may not have been applied. */
export function mayHaveLanded(err: unknown): boolean {
  const info = describeTablestoreError(err);
  return info.network || (info.httpStatus ?? 0) >= 500;
}

/** Maps an SDK failure to `store_unavailable` with a message that says what failed and why. */
export function toStoreUnavailable(err: unknown, action: string): EngineError {
  if (err instanceof EngineError) return err;
  const info = describeTablestoreError(err);
  const parts = [
    info.network ? 'no answer from Tablestore' : `Tablestore answered ${info.httpStatus ?? 'an error'}`,
    info.otsCode,
    info.message,
  ].filter((part): part is string => part !== undefined && part !== '');
  const request = info.requestId ? ` (request ${info.requestId})` : '';
  // Auth and parameter errors will not heal by retrying; throttling and outages may.
  const retryable = info.network || (info.httpStatus ?? 500) >= 500 || info.otsCode === 'OTSServerBusy';
  return new EngineError('store_unavailable', `Could not ${action}: ${parts.join(': ')}${request}`, undefined, retryable);
}

function decodeErrorBody(body: string): { otsCode?: string; message: string } {
  try {
    const decoded = protos.main.proto.Error.decode(Buffer.from(body, 'utf8'));
    if (OTS_CODE.test(decoded.code)) return { otsCode: decoded.code, message: decoded.message ?? '' };
  } catch {
    // Mangled bytes (a length >= 128 decodes to U+FFFD): fall through to the text search.
  }
  const found = /OTS[A-Za-z]+/.exec(body);
  if (!found) return { message: body };
  // After the code: the field tag 0x12, the length varint (its bytes >= 0x80 became U+FFFD, its last byte is
  // below 0x80 and survives as one character), then the message text.
  let rest = body.slice(found.index + found[0].length);
  if (!rest.startsWith('\u0012')) return { otsCode: found[0], message: '' };
  rest = rest.slice(1).replace(/^\ufffd+/, '');
  return { otsCode: found[0], message: rest.slice(1) };
}
