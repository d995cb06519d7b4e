/**
 * Builds the real `tablestore` SDK client from configuration, with retries and timeouts bounded so that a dead
 * store fails a scheduler call in seconds instead of hanging it (the SDK's defaults: 20 retries, no timeout).
 *
 * The connection comes from the scheduler's configuration (build-store.ts's tablestoreConnection), which reads
 * TABLESTORE_ENDPOINT, TABLESTORE_INSTANCE and the role credentials FC injects (ALIBABA_CLOUD_ACCESS_KEY_ID,
 * ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN) like every other setting.
 */
import TableStore from 'tablestore';
import { EngineError, expected } from '../../../shared/core/errors.js';

export interface TablestoreCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** STS token of a role (FC's ALIBABA_CLOUD_SECURITY_TOKEN). */
  readonly securityToken?: string;
}

export interface TablestoreConnection extends TablestoreCredentials {
  readonly endpoint: string;
  readonly instanceName: string;
  /** Socket inactivity timeout per attempt. Default 3000 ms. */
  readonly timeoutMs?: number;
  /**
   * Retries of retryable failures (the SDK retries only network errors and 5xx of read operations, see
   * tablestore-errors.ts). Default 1. NOTE: the SDK keeps this in a process-wide policy that each request
   * overwrites from its client's config, so every client in one process should use the same value.
   */
  readonly maxRetries?: number;
}

export const DEFAULT_TIMEOUT_MS = 3_000;
export const DEFAULT_MAX_RETRIES = 1;

export function createTablestoreClient(connection: TablestoreConnection): TableStore.Client {
  const endpoint = checkEndpoint(connection?.endpoint);
  const instanceName = requiredText('instanceName (the Tablestore instance)', connection.instanceName);
  const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new EngineError('invalid_input', expected('timeoutMs to be a positive number', timeoutMs));
  }
  const maxRetries = connection.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) {
    throw new EngineError('invalid_input', expected('maxRetries to be an integer from 0 to 10', maxRetries));
  }
  return new TableStore.Client({
    endpoint,
    instancename: instanceName,
    accessKeyId: requiredText('accessKeyId', connection.accessKeyId),
    accessKeySecret: requiredText('accessKeySecret', connection.accessKeySecret),
    ...(connection.securityToken ? { stsToken: connection.securityToken } : {}),
    maxRetries,
    httpOptions: { timeout: timeoutMs },
  });
}

/**
 * Replaces a client's credentials: a role's STS credentials expire, and the SDK reads them from its config on
 * every request, so the holder of the client can rotate them without rebuilding anything.
 */
export function setTablestoreCredentials(client: TableStore.Client, credentials: TablestoreCredentials): void {
  client.config.accessKeyId = requiredText('accessKeyId', credentials.accessKeyId);
  client.config.accessKeySecret = requiredText('accessKeySecret', credentials.accessKeySecret);
  client.config.secretAccessKey = credentials.accessKeySecret;
  client.config.stsToken = credentials.securityToken;
  client.config.securityToken = credentials.securityToken;
}

function checkEndpoint(endpoint: unknown): string {
  if (typeof endpoint !== 'string' || !/^https?:\/\/[^/\s]+\/?$/.test(endpoint.trim())) {
    throw new EngineError(
      'invalid_input',
      expected('a Tablestore endpoint like https://<instance>.<region>.ots.aliyuncs.com (http:// or https://, no path)', endpoint),
    );
  }
  return endpoint.trim().replace(/\/$/, '');
}

function requiredText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new EngineError('invalid_input', expected(`${name} to be a non-empty string`, value));
  }
  return value.trim();
}
