/**
 * PlainBuffer rows (Tablestore's row encoding: a 0x75 header, tagged cells, a CRC8 per cell and per row), read
 * and written with the SDK's own code wherever it works:
 *
 * - rows of PutRow and primary keys of GetRow/DeleteRow: the SDK's PlainBufferCodedInputStream.readRow, which
 *   verifies both checksums;
 * - UpdateRow's row change: our reader over the SDK's PlainBufferInputStream and CRC8, because the SDK reader
 *   throws `cell_type is not defined` on any cell with an operation type (DELETE, DELETE_ALL, INCREMENT). Its
 *   cell checksum covers name, value, timestamp, then operation type: the order the SDK's writer uses;
 * - response rows: the SDK's PlainBufferBuilder.serializeForPutRow, with each cell's timestamp.
 */
import TableStore from 'tablestore';
import { type Cell, cellFromSdk, cellToSdk } from './cells.js';
import { OtsFailure, parameterInvalid } from './ots-failure.js';

export interface PrimaryKeyColumn {
  readonly name: string;
  readonly cell: Cell;
}

export interface RowCell {
  readonly name: string;
  readonly cell: Cell;
  /** Cell version (ms); undefined when the writer let the server choose. */
  readonly timestampMs?: number;
}

export interface DecodedRow {
  readonly primaryKey: PrimaryKeyColumn[];
  readonly cells: RowCell[];
}

export type CellOperation = 'put' | 'delete_one_version' | 'delete_all_versions' | 'increment';

export interface CellUpdate {
  readonly name: string;
  readonly operation: CellOperation;
  readonly cell?: Cell;
  readonly timestampMs?: number;
}

export interface RowChange {
  readonly primaryKey: PrimaryKeyColumn[];
  readonly updates: CellUpdate[];
}

const C = TableStore.plainBufferConsts;

/** A PutRow row, or a primary key alone (GetRow, DeleteRow), through the SDK's reader. */
export function decodeRow(bytes: Uint8Array): DecodedRow {
  if (bytes.length === 0) throw parameterInvalid('The row is empty');
  let row: Required<TableStore.DecodedRow>;
  try {
    const input = new TableStore.PlainBufferInputStream({ buffer: Buffer.from(bytes), offset: 0, limit: bytes.length });
    row = new TableStore.PlainBufferCodedInputStream(input).readRow();
  } catch (err) {
    throw parameterInvalid(`Invalid PlainBuffer row: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    primaryKey: row.primaryKey.map((column) => ({ name: column.name, cell: cellFromSdk(column.value) })),
    cells: row.attributes.map((column) => ({
      name: column.columnName,
      cell: cellFromSdk(column.columnValue),
      ...(column.timestamp ? { timestampMs: column.timestamp.toNumber() } : {}),
    })),
  };
}

/** An UpdateRow row change: primary key, then cells with optional operation type and timestamp. */
export function decodeRowChange(bytes: Uint8Array): RowChange {
  try {
    return readRowChange(new TableStore.PlainBufferInputStream({ buffer: Buffer.from(bytes), offset: 0, limit: bytes.length }));
  } catch (err) {
    if (err instanceof OtsFailure) throw err;
    throw parameterInvalid(`Invalid PlainBuffer row change: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A response row: primary key plus cells, each with its timestamp, through the SDK's builder. */
export function encodeRow(primaryKey: readonly PrimaryKeyColumn[], cells: readonly RowCell[]): Buffer {
  const pk = primaryKey.map((column) => ({ [column.name]: cellToSdk(column.cell) }));
  // The builder takes the first key of each object as the column and `timestamp` as its version.
  const attributes = cells.map((cell) => ({
    [cell.name]: cellToSdk(cell.cell),
    ...(cell.timestampMs !== undefined ? { timestamp: cell.timestampMs } : {}),
  }));
  return TableStore.PlainBufferBuilder.serializeForPutRow(pk, attributes as TableStore.ColumnObject[]);
}

function readRowChange(input: TableStore.PlainBufferInputStream): RowChange {
  if (input.readInt32() !== C.HEADER) throw parameterInvalid('Invalid PlainBuffer header');
  input.readTag();
  const crc = TableStore.plainBufferCrc8;
  let rowChecksum = 0;
  const primaryKey: PrimaryKeyColumn[] = [];
  const updates: CellUpdate[] = [];
  if (!input.checkLastTagWas(C.TAG_ROW_PK)) throw parameterInvalid('The row change has no primary key');
  input.readTag();
  while (input.checkLastTagWas(C.TAG_CELL)) {
    const cell = readCell(input);
    if (!cell.cell || cell.operationType !== undefined || cell.timestampMs !== undefined) {
      throw parameterInvalid(`Invalid primary key column ${cell.name}`);
    }
    primaryKey.push({ name: cell.name, cell: cell.cell });
    rowChecksum = crc.crcInt8(rowChecksum, cell.checksum);
  }
  if (input.checkLastTagWas(C.TAG_ROW_DATA)) {
    input.readTag();
    while (input.checkLastTagWas(C.TAG_CELL)) {
      const cell = readCell(input);
      updates.push(toUpdate(cell));
      rowChecksum = crc.crcInt8(rowChecksum, cell.checksum);
    }
  }
  if (input.checkLastTagWas(C.TAG_DELETE_ROW_MARKER)) throw parameterInvalid('UpdateRow cannot carry a delete marker');
  rowChecksum = crc.crcInt8(rowChecksum, 0);
  if (!input.checkLastTagWas(C.TAG_ROW_CHECKSUM)) throw parameterInvalid(`Expected the row checksum, got tag ${input.getLastTag()}`);
  if (input.readRawByte() !== rowChecksum) throw parameterInvalid('Row checksum mismatch');
  // The SDK sizes its buffer from an estimate that overshoots for DELETE cells and leaves zero padding after
  // the checksum (the service evidently ignores it); anything else after the row is an error.
  input.readTag();
  if (input.getLastTag() !== 0) throw parameterInvalid('Trailing bytes after the row change');
  while (!input.isAtEnd()) if (input.readRawByte() !== 0) throw parameterInvalid('Trailing bytes after the row change');
  return { primaryKey, updates };
}

interface RawCell {
  name: string;
  cell?: Cell;
  operationType?: number;
  timestampMs?: number;
  checksum: number;
}

/** One cell, the last tag read being TAG_CELL; leaves the tag after the cell's checksum read. */
function readCell(input: TableStore.PlainBufferInputStream): RawCell {
  const crc = TableStore.plainBufferCrc8;
  if (input.readTag() !== C.TAG_CELL_NAME) throw parameterInvalid('Expected a cell name');
  const nameBytes = input.readBytes(input.readRawLittleEndian32());
  const name = nameBytes.toString('utf8');
  let checksum = crc.crcString(0, nameBytes);
  const raw: RawCell = { name, checksum: 0 };
  input.readTag();
  if (input.checkLastTagWas(C.TAG_CELL_VALUE)) {
    input.readRawLittleEndian32(); // total size of type + value, implied by the type
    const type = input.readRawByte();
    checksum = crc.crcInt8(checksum, type);
    if (type === C.VT_INTEGER || type === C.VT_DOUBLE) {
      const bytes = input.readBytes(8);
      checksum = crc.crcInt64Buf(checksum, bytes);
      raw.cell = type === C.VT_INTEGER ? { type: 'integer', value: bytes.readBigInt64LE(0) } : { type: 'double', value: bytes.readDoubleLE(0) };
    } else if (type === C.VT_BOOLEAN) {
      const value = input.readRawByte() !== 0;
      checksum = crc.crcInt8(checksum, value ? 1 : 0);
      raw.cell = { type: 'boolean', value };
    } else if (type === C.VT_STRING || type === C.VT_BLOB) {
      const size = input.readRawLittleEndian32();
      const bytes = input.readBytes(size);
      checksum = crc.crcInt32(checksum, size);
      checksum = crc.crcString(checksum, bytes);
      raw.cell = type === C.VT_STRING ? { type: 'string', value: bytes.toString('utf8') } : { type: 'binary', value: bytes };
    } else {
      throw parameterInvalid(`Unsupported cell value type ${type}`);
    }
    input.readTag();
  }
  if (input.checkLastTagWas(C.TAG_CELL_TYPE)) {
    raw.operationType = input.readRawByte();
    input.readTag();
  }
  if (input.checkLastTagWas(C.TAG_CELL_TIMESTAMP)) {
    const bytes = input.readBytes(8);
    raw.timestampMs = Number(bytes.readBigInt64LE(0));
    checksum = crc.crcInt64Buf(checksum, bytes);
    input.readTag();
  }
  if (raw.operationType !== undefined) checksum = crc.crcInt8(checksum, raw.operationType);
  if (!input.checkLastTagWas(C.TAG_CELL_CHECKSUM)) throw parameterInvalid(`Expected the checksum of cell ${name}`);
  if (input.readRawByte() !== checksum) throw parameterInvalid(`Checksum mismatch in cell ${name}`);
  input.readTag();
  raw.checksum = checksum;
  return raw;
}

function toUpdate(raw: RawCell): CellUpdate {
  const base = { name: raw.name, ...(raw.timestampMs !== undefined ? { timestampMs: raw.timestampMs } : {}) };
  switch (raw.operationType) {
    case undefined:
      if (!raw.cell) throw parameterInvalid(`PUT of column ${raw.name} has no value`);
      return { ...base, operation: 'put', cell: raw.cell };
    case C.DELETE_ONE_VERSION:
      if (raw.timestampMs === undefined) throw parameterInvalid(`DELETE of column ${raw.name} needs a timestamp`);
      return { ...base, operation: 'delete_one_version' };
    case C.DELETE_ALL_VERSION:
      return { ...base, operation: 'delete_all_versions' };
    case C.INCREMENT:
      if (raw.cell?.type !== 'integer') throw parameterInvalid(`INCREMENT of column ${raw.name} needs an integer`);
      return { ...base, operation: 'increment', cell: raw.cell };
    default:
      throw parameterInvalid(`Unknown cell operation type ${raw.operationType}`);
  }
}
