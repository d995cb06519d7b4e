/**
 * One handler per Tablestore API the stand-in speaks: decode the protobuf request with the SDK's compiled
 * messages (tablestore.proto), act on the tables, encode the protobuf response.
 */
import protos from 'tablestore/lib/protocol/tablestore_compiled_proto.js';
import { parameterInvalid } from './ots-failure.js';
import { type CellUpdate, decodeRow, decodeRowChange, encodeRow } from './plain-buffer-rows.js';
import type { StandinTables } from './tables.js';

export type OperationHandler = (tables: StandinTables, body: Uint8Array, nowMs: number) => Uint8Array;

const P = protos.main.proto;
const NO_CAPACITY = { capacityUnit: { read: 0, write: 0 } };

export const OPERATIONS: Readonly<Record<string, OperationHandler>> = {
  CreateTable(tables, body, nowMs) {
    const request = decode(() => P.CreateTableRequest.decode(body));
    tables.createTable({
      name: request.tableMeta.tableName,
      primaryKey: request.tableMeta.primaryKey.map((column) => ({ name: column.name, type: column.type })),
      timeToLive: request.tableOptions?.timeToLive ?? -1,
      maxVersions: request.tableOptions?.maxVersions ?? 1,
      createdAtMs: nowMs,
    });
    return P.CreateTableResponse.encode(P.CreateTableResponse.create({})).finish();
  },

  ListTable(tables) {
    return P.ListTableResponse.encode(P.ListTableResponse.create({ tableNames: tables.listTables() })).finish();
  },

  DescribeTable(tables, body) {
    const request = decode(() => P.DescribeTableRequest.decode(body));
    const table = tables.describe(request.tableName);
    const response = P.DescribeTableResponse.create({
      tableMeta: { tableName: table.name, primaryKey: table.primaryKey.map((column) => ({ ...column })) },
      reservedThroughputDetails: { capacityUnit: { read: 0, write: 0 }, lastIncreaseTime: Math.floor(table.createdAtMs / 1000) },
      tableOptions: { timeToLive: table.timeToLive, maxVersions: table.maxVersions },
      tableStatus: P.TableStatus.ACTIVE,
    });
    return P.DescribeTableResponse.encode(response).finish();
  },

  DeleteTable(tables, body) {
    const request = decode(() => P.DeleteTableRequest.decode(body));
    tables.deleteTable(request.tableName);
    return P.DeleteTableResponse.encode(P.DeleteTableResponse.create({})).finish();
  },

  GetRow(tables, body) {
    const request = decode(() => P.GetRowRequest.decode(body));
    if (request.filter && request.filter.length > 0) throw parameterInvalid('The stand-in does not support GetRow filters');
    const { primaryKey } = decodeRow(request.primaryKey);
    const row = tables.getRow(request.tableName, primaryKey, request.columnsToGet ?? []);
    const encoded = row ? encodeRow(row.primaryKey, row.cells) : new Uint8Array(0);
    return P.GetRowResponse.encode(P.GetRowResponse.create({ consumed: { capacityUnit: { read: 1, write: 0 } }, row: encoded })).finish();
  },

  PutRow(tables, body, nowMs) {
    const request = decode(() => P.PutRowRequest.decode(body));
    const row = decodeRow(request.row);
    tables.putRow(request.tableName, row.primaryKey, row.cells, request.condition, nowMs);
    return P.PutRowResponse.encode(P.PutRowResponse.create({ consumed: { capacityUnit: { read: 0, write: 1 } } })).finish();
  },

  UpdateRow(tables, body, nowMs) {
    const request = decode(() => P.UpdateRowRequest.decode(body));
    const change = decodeRowChange(request.rowChange);
    const returned = checkReturnContent(request.returnContent, change.updates);
    const result = tables.updateRow(request.tableName, change.primaryKey, change.updates, request.condition, nowMs);
    const response = P.UpdateRowResponse.create({ consumed: { capacityUnit: { read: 0, write: 1 } } });
    if (returned) {
      const cells = result.incremented.filter((cell) => returned.columns.includes(cell.name));
      response.row = encodeRow(result.primaryKey, returned.kind === 'after-modify' ? cells : []);
    }
    return P.UpdateRowResponse.encode(response).finish();
  },

  DeleteRow(tables, body) {
    const request = decode(() => P.DeleteRowRequest.decode(body));
    const { primaryKey } = decodeRow(request.primaryKey);
    tables.deleteRow(request.tableName, primaryKey, request.condition);
    return P.DeleteRowResponse.encode(P.DeleteRowResponse.create({ consumed: NO_CAPACITY })).finish();
  },
};

const RT_NONE = 0;
const RT_PK = 1;
const RT_AFTER_MODIFY = 2;

/**
 * What an UpdateRow asks to get back, checked before anything is applied (a refused request changes nothing):
 * RT_PK answers the primary key; RT_AFTER_MODIFY also the named columns, which must be columns this request
 * increments (the service refuses any other name, as the Java SDK's IncrementRequest tests show, and refuses
 * column names with RT_PK). Undefined: no row in the answer.
 */
function checkReturnContent(
  content: { returnType?: number; returnColumnNames?: string[] } | undefined,
  updates: readonly CellUpdate[],
): { kind: 'pk' | 'after-modify'; columns: readonly string[] } | undefined {
  const type = content?.returnType ?? RT_NONE;
  const columns = content?.returnColumnNames ?? [];
  if (type === RT_NONE) {
    if (columns.length > 0) throw parameterInvalid('Return column names need the return type RT_AFTER_MODIFY.');
    return undefined;
  }
  if (type === RT_PK) {
    if (columns.length > 0) throw parameterInvalid('Return column names need the return type RT_AFTER_MODIFY, not RT_PK.');
    return { kind: 'pk', columns };
  }
  if (type !== RT_AFTER_MODIFY) throw parameterInvalid(`Unknown return type ${type}.`);
  const incremented = new Set(updates.filter((update) => update.operation === 'increment').map((update) => update.name));
  for (const column of columns) {
    if (!incremented.has(column)) throw parameterInvalid(`Return column '${column}' is not an atomic counter of this request.`);
  }
  return { kind: 'after-modify', columns };
}

function decode<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw parameterInvalid(`Failed to parse the request body: ${err instanceof Error ? err.message : String(err)}`);
  }
}
