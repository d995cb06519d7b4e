/**
 * The stand-in itself, driven by the real SDK (and raw HTTP for malformed requests): types round-trip, UpdateRow
 * changes apply (the atomic counter included), conditions are evaluated as Tablestore does, and bad requests get
 * the service's errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import TableStore from 'tablestore';
import { createTablestoreClient } from '../../functions/scheduler/store/tablestore-client.js';
import { describeTablestoreError } from '../../functions/scheduler/store/tablestore-errors.js';
import { startTablestoreStandin, type TablestoreStandin } from '../../functions/scheduler/store/tablestore-standin/server.js';

const { Condition, RowExistenceExpectation: E, SingleColumnCondition, CompositeCondition, ComparatorType: C, LogicalOperator, Long, ReturnType } = TableStore;

let standin: TablestoreStandin;
let client: TableStore.Client;
const pk = (id: string) => [{ id }];

beforeAll(async () => {
  standin = await startTablestoreStandin({ now: () => 1_000 });
  client = createTablestoreClient({ endpoint: standin.endpoint, instanceName: standin.instanceName, accessKeyId: 'a', accessKeySecret: 'b' });
  await client.createTable({
    tableMeta: { tableName: 'rows', primaryKey: [{ name: 'id', type: 'STRING' }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
  });
});
afterAll(async () => {
  await standin.close();
});

async function cells(id: string): Promise<Record<string, unknown> | undefined> {
  const { row } = await client.getRow({ tableName: 'rows', primaryKey: pk(id) });
  if (!row.primaryKey) return undefined;
  return Object.fromEntries((row.attributes ?? []).map((cell) => [cell.columnName, cell.columnValue]));
}

async function otsCode(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => 'no error',
    (err: unknown) => describeTablestoreError(err).otsCode,
  );
}

const ignore = () => new Condition(E.IGNORE, null);

describe('Tablestore stand-in', () => {
  it('round-trips every cell type the SDK writes', async () => {
    const binary = Buffer.from([0, 1, 254, 255]);
    await client.putRow({
      tableName: 'rows',
      primaryKey: pk('types'),
      attributeColumns: [{ s: 'text ✓' }, { d: 2.5 }, { b: true }, { i: Long.fromString('-9007199254740993') }, { bin: binary }],
      condition: ignore(),
    });
    const got = await cells('types');
    expect(got).toMatchObject({ s: 'text ✓', d: 2.5, b: true, bin: binary });
    expect((got?.i as TableStore.Int64).toString()).toBe('-9007199254740993');
  });

  it('returns cell timestamps and honours columnsToGet', async () => {
    await client.putRow({ tableName: 'rows', primaryKey: pk('ts'), attributeColumns: [{ a: 'x', timestamp: 1234 }, { b: 'y' }], condition: ignore() });
    const { row } = await client.getRow({ tableName: 'rows', primaryKey: pk('ts'), columnsToGet: ['a'] });
    expect(row.attributes?.map((c) => [c.columnName, c.columnValue, c.timestamp?.toNumber()])).toEqual([['a', 'x', 1234]]);
    const none = await client.getRow({ tableName: 'rows', primaryKey: pk('ts'), columnsToGet: ['missing'] });
    expect(none.row.primaryKey).toBeUndefined();
  });

  it('applies UpdateRow PUT, DELETE (one version) and DELETE_ALL', async () => {
    await client.putRow({ tableName: 'rows', primaryKey: pk('upd'), attributeColumns: [{ keep: 'k' }, { gone: 'g' }, { old: 'o', timestamp: 77 }], condition: ignore() });
    await client.updateRow({
      tableName: 'rows',
      primaryKey: pk('upd'),
      updateOfAttributeColumns: [{ PUT: [{ added: Long.fromNumber(5) }, { keep: 'k2' }] }, { DELETE_ALL: ['gone'] }, { DELETE: [{ old: 77 }] }],
      condition: ignore(),
    });
    const got = await cells('upd');
    expect(Object.keys(got ?? {}).sort()).toEqual(['added', 'keep']);
    expect(got?.keep).toBe('k2');
    expect((got?.added as TableStore.Int64).toNumber()).toBe(5);
  });

  it('enforces row existence expectations', async () => {
    expect(await otsCode(client.updateRow({ tableName: 'rows', primaryKey: pk('nope'), updateOfAttributeColumns: [{ PUT: [{ a: 'b' }] }], condition: new Condition(E.EXPECT_EXIST, null) }))).toBe('OTSConditionCheckFail');
    await client.putRow({ tableName: 'rows', primaryKey: pk('once'), attributeColumns: [{ a: 'b' }], condition: new Condition(E.EXPECT_NOT_EXIST, null) });
    expect(await otsCode(client.putRow({ tableName: 'rows', primaryKey: pk('once'), attributeColumns: [{ a: 'c' }], condition: new Condition(E.EXPECT_NOT_EXIST, null) }))).toBe('OTSConditionCheckFail');
    expect(await cells('once')).toEqual({ a: 'b' });
    expect(await otsCode(client.deleteRow({ tableName: 'rows', primaryKey: pk('once'), condition: new Condition(E.EXPECT_NOT_EXIST, null) }))).toBe('OTSConditionCheckFail');
    await client.deleteRow({ tableName: 'rows', primaryKey: pk('once'), condition: new Condition(E.EXPECT_EXIST, null) });
    expect(await cells('once')).toBeUndefined();
  });

  it('evaluates single-column conditions, comparators and passIfMissing', async () => {
    await client.putRow({ tableName: 'rows', primaryKey: pk('cond'), attributeColumns: [{ v: Long.fromNumber(10) }, { s: 'm' }], condition: ignore() });
    const write = (condition: TableStore.ColumnCondition) =>
      otsCode(client.updateRow({ tableName: 'rows', primaryKey: pk('cond'), updateOfAttributeColumns: [{ PUT: [{ touched: true }] }], condition: new Condition(E.IGNORE, condition) }));
    const cases: [TableStore.ColumnCondition, string][] = [
      [new SingleColumnCondition('v', Long.fromNumber(10), C.EQUAL, false), 'no error'],
      [new SingleColumnCondition('v', Long.fromNumber(11), C.EQUAL, false), 'OTSConditionCheckFail'],
      [new SingleColumnCondition('v', Long.fromNumber(9), C.GREATER_THAN, false), 'no error'],
      [new SingleColumnCondition('v', Long.fromNumber(10), C.LESS_THAN, false), 'OTSConditionCheckFail'],
      [new SingleColumnCondition('v', Long.fromNumber(10), C.LESS_EQUAL, false), 'no error'],
      [new SingleColumnCondition('s', 'n', C.LESS_THAN, false), 'no error'],
      [new SingleColumnCondition('s', 'm', C.NOT_EQUAL, false), 'OTSConditionCheckFail'],
      // A DOUBLE 10 is not the INTEGER 10: different types only satisfy NOT_EQUAL.
      [new SingleColumnCondition('v', 10, C.EQUAL, false), 'OTSConditionCheckFail'],
      [new SingleColumnCondition('absent', 'x', C.EQUAL, true), 'no error'],
      [new SingleColumnCondition('absent', 'x', C.EQUAL, false), 'OTSConditionCheckFail'],
    ];
    for (const [condition, outcome] of cases) expect(await write(condition)).toBe(outcome);
  });

  it('evaluates composite AND / OR / NOT conditions', async () => {
    await client.putRow({ tableName: 'rows', primaryKey: pk('comp'), attributeColumns: [{ v: Long.fromNumber(3) }], condition: ignore() });
    const composite = (operator: number, ...subs: TableStore.ColumnCondition[]) => {
      const condition = new CompositeCondition(operator);
      subs.forEach((sub) => condition.addSubCondition(sub));
      return condition;
    };
    const is3 = new SingleColumnCondition('v', Long.fromNumber(3), C.EQUAL, false);
    const is4 = new SingleColumnCondition('v', Long.fromNumber(4), C.EQUAL, false);
    const write = (condition: TableStore.ColumnCondition) =>
      otsCode(client.updateRow({ tableName: 'rows', primaryKey: pk('comp'), updateOfAttributeColumns: [{ PUT: [{ x: 'y' }] }], condition: new Condition(E.EXPECT_EXIST, condition) }));
    expect(await write(composite(LogicalOperator.AND, is3, is4))).toBe('OTSConditionCheckFail');
    expect(await write(composite(LogicalOperator.OR, is3, is4))).toBe('no error');
    expect(await write(composite(LogicalOperator.NOT, is4))).toBe('no error');
    expect(await write(composite(LogicalOperator.NOT, is3))).toBe('OTSConditionCheckFail');
  });

  it('adds INCREMENT on the server, from 0 for a missing counter, and answers the counters after the change', async () => {
    const increment = (by: number, returnColumns?: string[]) =>
      client.updateRow({
        tableName: 'rows',
        primaryKey: pk('counter'),
        updateOfAttributeColumns: [{ INCREMENT: [{ n: Long.fromNumber(by) }, { calls: Long.fromNumber(1) }] }],
        condition: ignore(),
        ...(returnColumns ? { returnContent: { returnType: ReturnType.AfterModify, returnColumns } } : {}),
      });
    const first = await increment(5, ['n', 'calls']);
    expect(first.row.primaryKey?.map((c) => [c.name, c.value])).toEqual([['id', 'counter']]);
    expect(first.row.attributes?.map((c) => [c.columnName, (c.columnValue as TableStore.Int64).toNumber()])).toEqual([['n', 5], ['calls', 1]]);
    // Without a return type the answer carries no row, as by default on the service.
    expect((await increment(-2)).row.primaryKey).toBeUndefined();
    // Concurrent increments lose nothing: each is applied whole on the server.
    await Promise.all(Array.from({ length: 40 }, () => increment(1)));
    const last = await increment(10, ['n']);
    expect(last.row.attributes?.map((c) => [c.columnName, (c.columnValue as TableStore.Int64).toNumber()])).toEqual([['n', 53]]);
    expect((((await cells('counter'))?.calls) as TableStore.Int64).toNumber()).toBe(43);
    const withPk = await client.updateRow({
      tableName: 'rows',
      primaryKey: pk('counter'),
      updateOfAttributeColumns: [{ INCREMENT: [{ n: Long.fromNumber(0) }] }],
      condition: ignore(),
      returnContent: { returnType: ReturnType.Primarykey },
    });
    expect(withPk.row.primaryKey?.map((c) => c.value)).toEqual(['counter']);
    expect(withPk.row.attributes).toEqual([]);
  });

  it('refuses what the atomic counter does not allow, and changes nothing', async () => {
    const max = Long.fromString('9223372036854775807');
    await client.putRow({ tableName: 'rows', primaryKey: pk('limits'), attributeColumns: [{ n: Long.fromNumber(1) }, { s: 'text' }, { big: max }], condition: ignore() });
    const before = await cells('limits');
    const update = (updateOfAttributeColumns: TableStore.UpdateOfAttributeColumns, returnContent?: TableStore.ReturnContent) =>
      otsCode(client.updateRow({ tableName: 'rows', primaryKey: pk('limits'), updateOfAttributeColumns, condition: ignore(), ...(returnContent ? { returnContent } : {}) }));
    const refused: [string, Promise<string | undefined>][] = [
      ['a STRING column', update([{ INCREMENT: [{ s: Long.fromNumber(1) }] }])],
      ['past the 64-bit range', update([{ INCREMENT: [{ big: Long.fromNumber(1) }] }])],
      ['with a version', update([{ INCREMENT: [{ n: Long.fromNumber(1), timestamp: 5 }] }])],
      ['a counter also PUT', update([{ INCREMENT: [{ n: Long.fromNumber(1) }] }, { PUT: [{ n: Long.fromNumber(9) }] }])],
      ['a returned column that is not a counter', update([{ INCREMENT: [{ n: Long.fromNumber(1) }] }, { PUT: [{ p: 'x' }] }], { returnType: ReturnType.AfterModify, returnColumns: ['n', 'p'] })],
      ['return columns with RT_PK', update([{ INCREMENT: [{ n: Long.fromNumber(1) }] }], { returnType: ReturnType.Primarykey, returnColumns: ['n'] })],
    ];
    for (const [what, outcome] of refused) expect([what, await outcome]).toEqual([what, 'OTSParameterInvalid']);
    const after = await cells('limits');
    expect(Object.keys(after ?? {}).sort()).toEqual(['big', 'n', 's']);
    expect((after?.n as TableStore.Int64).toNumber()).toBe((before?.n as TableStore.Int64).toNumber());
    expect((after?.big as TableStore.Int64).toString()).toBe('9223372036854775807');
  });

  it('answers schema, size and table errors with the service codes', async () => {
    expect(await otsCode(client.getRow({ tableName: 'missing', primaryKey: pk('x') }))).toBe('OTSObjectNotExist');
    expect(await otsCode(client.getRow({ tableName: 'rows', primaryKey: [{ other: 'x' }] }))).toBe('OTSParameterInvalid');
    expect(await otsCode(client.getRow({ tableName: 'rows', primaryKey: [{ id: Long.fromNumber(1) }] }))).toBe('OTSParameterInvalid');
    const huge = 'x'.repeat(2 * 1024 * 1024 + 1);
    expect(await otsCode(client.putRow({ tableName: 'rows', primaryKey: pk('big'), attributeColumns: [{ v: huge }], condition: ignore() }))).toBe('OTSParameterInvalid');
    expect(
      await otsCode(
        client.createTable({
          tableMeta: { tableName: 'rows', primaryKey: [{ name: 'id', type: 'STRING' }] },
          reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
          tableOptions: { timeToLive: -1, maxVersions: 1 },
        }),
      ),
    ).toBe('OTSObjectAlreadyExist');
    expect((await client.listTable({})).tableNames).toContain('rows');
  });

  it('refuses requests without the x-ots headers, with a bad body MD5 or an unknown operation', async () => {
    const missing = await fetch(`${standin.endpoint}/GetRow`, { method: 'POST', body: new Uint8Array(0) });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('x-ots-requestid')).toMatch(/^standin-/);
    expect(Buffer.from(await missing.arrayBuffer()).toString()).toContain('OTSMissingHeader');
    const headers = {
      'x-ots-date': new Date().toISOString(),
      'x-ots-apiversion': '2015-12-31',
      'x-ots-accesskeyid': 'a',
      'x-ots-signature': 'sig',
      'x-ots-instancename': standin.instanceName,
      'x-ots-contentmd5': 'not-the-md5',
    };
    const badMd5 = await fetch(`${standin.endpoint}/ListTable`, { method: 'POST', headers, body: new Uint8Array(0) });
    expect(badMd5.status).toBe(400);
    expect(Buffer.from(await badMd5.arrayBuffer()).toString()).toContain('Content MD5 mismatch');
    const emptyMd5 = '1B2M2Y8AsgTpgAmY7PhCfg==';
    const unknown = await fetch(`${standin.endpoint}/Frobnicate`, { method: 'POST', headers: { ...headers, 'x-ots-contentmd5': emptyMd5 }, body: new Uint8Array(0) });
    expect(unknown.status).toBe(400);
    expect(Buffer.from(await unknown.arrayBuffer()).toString()).toContain('OTSUnsupportOperation');
  });

  it('rejects a row whose checksum does not match', async () => {
    const row = TableStore.PlainBufferBuilder.serializeForPutRow(pk('crc'), [{ a: 'b' }]);
    row[row.length - 1] ^= 0xff;
    const { default: protos } = await import('tablestore/lib/protocol/tablestore_compiled_proto.js');
    const body = Buffer.from(protos.main.proto.PutRowRequest.encode(protos.main.proto.PutRowRequest.create({ tableName: 'rows', row, condition: { rowExistence: 0 } })).finish());
    const { createHash } = await import('node:crypto');
    const response = await fetch(`${standin.endpoint}/PutRow`, {
      method: 'POST',
      headers: {
        'x-ots-date': new Date().toISOString(),
        'x-ots-apiversion': '2015-12-31',
        'x-ots-accesskeyid': 'a',
        'x-ots-signature': 'sig',
        'x-ots-instancename': standin.instanceName,
        'x-ots-contentmd5': createHash('md5').update(body).digest('base64'),
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(Buffer.from(await response.arrayBuffer()).toString()).toMatch(/OTSParameterInvalid[\s\S]*[Cc]hecksum/);
    expect(await cells('crc')).toBeUndefined();
  });
});
