/**
 * The Tablestore adapter through the real `tablestore` SDK, over HTTP, against the wire-level stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import TableStore from 'tablestore';
import { tablestoreConnection } from '../../functions/scheduler/build-store.js';
import { createTablestoreClient } from '../../functions/scheduler/store/tablestore-client.js';
import { loadSchedulerConfig, loadSchedulerConfigOrThrow } from '../../shared/protocol/config-load.js';
import { DEFAULT_TABLE_NAME, TablestoreStateStore } from '../../functions/scheduler/store/tablestore-store.js';
import { startTablestoreStandin, type TablestoreStandin } from '../../functions/scheduler/store/tablestore-standin/server.js';
import { expectEngineError, runStateStoreContract } from './state-store.contract.js';
import { tablestoreBacking } from './support/tablestore-backing.js';

let standin: TablestoreStandin;

beforeAll(async () => {
  standin = await startTablestoreStandin({ instanceName: 'contract' });
});
afterAll(async () => {
  await standin.close();
});

function connection(overrides: Partial<Parameters<typeof createTablestoreClient>[0]> = {}) {
  return { endpoint: standin.endpoint, instanceName: standin.instanceName, accessKeyId: 'ak', accessKeySecret: 'sk', timeoutMs: 1_000, ...overrides };
}

runStateStoreContract('Tablestore adapter via the SDK and the wire-level stand-in', () => tablestoreBacking(connection(), DEFAULT_TABLE_NAME));

describe('TablestoreStateStore specifics', () => {
  async function storeFor(scope: string, tableName = 'specifics'): Promise<TablestoreStateStore> {
    const store = new TablestoreStateStore({ client: createTablestoreClient(connection()), scope, tableName });
    await store.ensureTable();
    return store;
  }

  it('creates the table once, with [scope, key] string keys, one version and no expiry', async () => {
    const before = standin.operations.filter((op) => op === 'CreateTable').length;
    await storeFor('a', 'created_once');
    await storeFor('b', 'created_once');
    expect(standin.operations.filter((op) => op === 'CreateTable').length - before).toBe(1);
    const client = createTablestoreClient(connection());
    const described = await client.describeTable({ tableName: 'created_once' });
    expect(described.tableMeta.primaryKey.map((c) => [c.name, c.type])).toEqual([['scope', 2], ['key', 2]]);
    expect(described.tableOptions).toMatchObject({ maxVersions: 1, timeToLive: -1 });
  });

  it('refuses an existing table with another primary key', async () => {
    const client = createTablestoreClient(connection());
    await client.createTable({
      tableMeta: { tableName: 'wrong_pk', primaryKey: [{ name: 'id', type: 'STRING' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
    });
    const store = new TablestoreStateStore({ client, scope: 'x', tableName: 'wrong_pk' });
    const err = await expectEngineError(store.ensureTable(), 'store_unavailable');
    expect(err.message).toContain('[scope STRING, key STRING]');
  });

  it('writes the documented row: version and updated_at as INTEGER, value and writer as STRING', async () => {
    const store = new TablestoreStateStore({ client: createTablestoreClient(connection()), scope: 'row-design', tableName: 'specifics', newWriteId: () => 'write-1' });
    await store.ensureTable();
    await store.compareAndSwap('plan', 0, '{"b":1}', 1_700_000_000_000);
    const client = createTablestoreClient(connection());
    const { row } = await client.getRow({ tableName: 'specifics', primaryKey: [{ scope: 'row-design' }, { key: 'plan' }] });
    expect(row.primaryKey?.map((c) => [c.name, c.value])).toEqual([['scope', 'row-design'], ['key', 'plan']]);
    const cells = Object.fromEntries((row.attributes ?? []).map((c) => [c.columnName, c.columnValue]));
    // INTEGER cells decode to Int64 objects; a DOUBLE would decode to a plain number.
    expect(typeof cells.version).toBe('object');
    expect((cells.version as TableStore.Int64).toNumber()).toBe(1);
    expect((cells.updated_at as TableStore.Int64).toNumber()).toBe(1_700_000_000_000);
    expect(cells.value).toBe('{"b":1}');
    expect(cells.writer).toBe('write-1');
  });

  it('keeps deployments (scopes) apart in one table', async () => {
    const a = await storeFor('deployment-a');
    const b = await storeFor('deployment-b');
    await a.compareAndSwap('plan', 0, '"a"', 1);
    expect(await b.get('plan')).toBeUndefined();
    await b.compareAndSwap('plan', 0, '"b"', 2);
    expect((await a.get('plan'))?.value).toBe('"a"');
  });

  it('lets the SDK retry one failed read, then reports store_unavailable with the service code', async () => {
    const store = await storeFor('retries');
    standin.failNext(1);
    expect(await store.get('plan')).toBeUndefined();
    standin.failNext(2); // maxRetries 1: the first attempt and its retry both fail
    const err = await expectEngineError(store.get('plan'), 'store_unavailable');
    expect(err.message).toContain('OTSServerUnavailable');
    expect(err.message).toMatch(/request standin-\d+/);
    expect(err.retryable).toBe(true);
  });

  it('does not retry a failed write and does not apply it', async () => {
    const store = await storeFor('write-fails');
    await store.compareAndSwap('plan', 0, '"v1"', 1);
    standin.failNext(1, { status: 500, code: 'OTSInternalServerError', message: 'boom' });
    const err = await expectEngineError(store.compareAndSwap('plan', 1, '"v2"', 2), 'store_unavailable');
    expect(err.message).toContain('OTSInternalServerError: boom');
    expect(await store.get('plan')).toMatchObject({ version: 1, value: '"v1"' });
  });

  it('learns that a write whose answer was lost did land (read-back of the writer id)', async () => {
    const store = await storeFor('lost-answer');
    await store.compareAndSwap('plan', 0, '"v1"', 1);
    standin.stallNext(1, { afterApplying: true });
    expect(await store.compareAndSwap('plan', 1, '"v2"', 2)).toBe(2);
    expect(await store.get('plan')).toMatchObject({ version: 2, value: '"v2"' });
  });

  it('reports store_unavailable when a write times out without landing', async () => {
    const store = await storeFor('stalled');
    await store.compareAndSwap('plan', 0, '"v1"', 1);
    standin.stallNext(1);
    const err = await expectEngineError(store.compareAndSwap('plan', 1, '"v2"', 2), 'store_unavailable');
    expect(err.message).toContain('no answer from Tablestore');
    expect(await store.get('plan')).toMatchObject({ version: 1, value: '"v1"' });
  });

  it('reports store_unavailable, not a hang, when nothing listens', async () => {
    const dead = await startTablestoreStandin({ instanceName: 'contract' });
    const endpoint = dead.endpoint;
    await dead.close();
    const store = new TablestoreStateStore({ client: createTablestoreClient(connection({ endpoint, maxRetries: 0 })), scope: 's', tableName: 'specifics' });
    const err = await expectEngineError(store.get('plan'), 'store_unavailable');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('reports a missing table as store_unavailable naming OTSObjectNotExist', async () => {
    const store = new TablestoreStateStore({ client: createTablestoreClient(connection()), scope: 's', tableName: 'never_created' });
    const err = await expectEngineError(store.compareAndSwap('plan', 0, '"x"', 1), 'store_unavailable');
    expect(err.message).toContain('OTSObjectNotExist');
    expect(err.retryable).toBe(false);
  });

  it('publishes a count with one conditional INCREMENT and keeps it in the documented slot row', async () => {
    const store = await storeFor('count-row');
    const interval = 1_700_000_000 + 3 * 64 + 17; // slot 17 of 64
    await store.publishCount('arrivals', interval, 'first', 4, 1);
    const before = standin.operations.length;
    expect(await store.publishCount('arrivals', interval, 'second', 6, 2)).toEqual({ total: 10, publishers: 2 });
    expect(standin.operations.slice(before)).toEqual(['UpdateRow']);
    const client = createTablestoreClient(connection());
    const { row } = await client.getRow({ tableName: 'specifics', primaryKey: [{ scope: 'count-row' }, { key: `count/arrivals/${(interval % 64).toString()}` }] });
    const cells = Object.fromEntries((row.attributes ?? []).map((c) => [c.columnName, (c.columnValue as TableStore.Int64).toNumber()]));
    expect(cells).toEqual({ interval, total: 10, publishers: 2, from_first: interval, from_second: interval });
    // The next interval of the slot starts the row over: the earlier publishers' columns go with it.
    await store.publishCount('arrivals', interval + 64, 'third', 1, 3);
    const next = await client.getRow({ tableName: 'specifics', primaryKey: [{ scope: 'count-row' }, { key: `count/arrivals/${(interval % 64).toString()}` }] });
    expect((next.row.attributes ?? []).map((c) => c.columnName).sort()).toEqual(['from_third', 'interval', 'publishers', 'total']);
  });

  it('counts a publish whose answer was lost once, though it is retried', async () => {
    const store = await storeFor('count-lost');
    await store.publishCount('arrivals', 500, 'a', 3, 1);
    standin.stallNext(1, { afterApplying: true });
    expect(await store.publishCount('arrivals', 500, 'b', 4, 2)).toEqual({ total: 7, publishers: 2 });
    expect(await store.readCount('arrivals', 500)).toEqual({ total: 7, publishers: 2 });
  });

  it('reports store_unavailable when publishes get no answer, without counting twice', async () => {
    const store = await storeFor('count-down');
    await store.publishCount('arrivals', 600, 'a', 3, 1);
    standin.stallNext(3);
    const err = await expectEngineError(store.publishCount('arrivals', 600, 'b', 4, 2), 'store_unavailable');
    expect(err.message).toContain('no answer from Tablestore');
    expect(await store.readCount('arrivals', 600)).toEqual({ total: 3, publishers: 1 });
  });

  it('validates its options', () => {
    const client = createTablestoreClient(connection());
    expect(() => new TablestoreStateStore({ client, scope: '' })).toThrow(/Expected a scope/);
    expect(() => new TablestoreStateStore({ client, scope: 'x', tableName: '9bad-name' })).toThrow(/Expected a table name/);
    expect(() => new TablestoreStateStore({ client: {} as TableStore.Client, scope: 'x' })).toThrow(/Expected a tablestore SDK client/);
  });
});

describe('signed requests and the client factory', () => {
  let signed: TablestoreStandin;
  beforeAll(async () => {
    signed = await startTablestoreStandin({ instanceName: 'signed', credentials: { accessKeyId: 'STS.ak', accessKeySecret: 'right' } });
  });
  afterAll(async () => {
    await signed.close();
  });

  it('signs with the configured secret and STS token, as the service checks', async () => {
    const base = { endpoint: signed.endpoint, instanceName: 'signed', accessKeyId: 'STS.ak', securityToken: 'token-1' };
    const good = new TablestoreStateStore({ client: createTablestoreClient({ ...base, accessKeySecret: 'right' }), scope: 's' });
    await good.ensureTable();
    await good.compareAndSwap('plan', 0, '"signed"', 1);
    const bad = new TablestoreStateStore({ client: createTablestoreClient({ ...base, accessKeySecret: 'wrong' }), scope: 's' });
    const err = await expectEngineError(bad.get('plan'), 'store_unavailable');
    expect(err.message).toContain('OTSAuthFailed');
  });

  it('refuses an instance name that does not match the endpoint', async () => {
    const store = new TablestoreStateStore({
      client: createTablestoreClient({ endpoint: signed.endpoint, instanceName: 'other', accessKeyId: 'STS.ak', accessKeySecret: 'right' }),
      scope: 's',
    });
    expect((await expectEngineError(store.get('plan'), 'store_unavailable')).message).toContain('OTSAuthFailed');
  });

  it('validates the connection with clear messages', () => {
    const ok = { endpoint: 'https://inst.cn-hangzhou.ots.aliyuncs.com', instanceName: 'inst', accessKeyId: 'a', accessKeySecret: 'b' };
    expect(() => createTablestoreClient({ ...ok, endpoint: 'inst.cn-hangzhou.ots.aliyuncs.com' })).toThrow(/Expected a Tablestore endpoint/);
    expect(() => createTablestoreClient({ ...ok, instanceName: '' })).toThrow(/Expected instanceName/);
    expect(() => createTablestoreClient({ ...ok, maxRetries: 50 })).toThrow(/Expected maxRetries/);
    expect(() => createTablestoreClient({ ...ok, timeoutMs: 0 })).toThrow(/Expected timeoutMs/);
    expect(createTablestoreClient({ ...ok, endpoint: 'https://inst.cn-hangzhou.ots.aliyuncs.com/' }).config.endpoint).toBe(ok.endpoint);
  });

  it('reads FC role credentials and the Tablestore address from the environment, through the scheduler config', () => {
    const env = {
      HOST: '127.0.0.1',
      STORE: 'tablestore',
      TABLESTORE_ENDPOINT: 'https://inst.cn-hangzhou.ots.aliyuncs.com',
      TABLESTORE_INSTANCE: 'inst',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.id',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
      ALIBABA_CLOUD_SECURITY_TOKEN: 'token',
    };
    expect(tablestoreConnection(loadSchedulerConfigOrThrow({ env }))).toEqual({
      endpoint: env.TABLESTORE_ENDPOINT,
      instanceName: 'inst',
      accessKeyId: 'STS.id',
      accessKeySecret: 'secret',
      securityToken: 'token',
    });
    const missing = loadSchedulerConfig({ env: { ...env, TABLESTORE_INSTANCE: undefined } });
    expect(missing.ok ? [] : missing.errors).toEqual(['store.tablestore.instance (env TABLESTORE_INSTANCE): Expected a value when kind is "tablestore", got nothing']);
    expect(tablestoreConnection(loadSchedulerConfigOrThrow({ env: { HOST: '127.0.0.1' } }))).toBeUndefined();
  });
});
