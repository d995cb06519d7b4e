/**
 * Cell values as the stand-in keeps them (typed, 64-bit integers as bigint), converted from and to what the
 * SDK's PlainBuffer reader and builder use, plus the comparison Tablestore applies in column conditions.
 */
import TableStore from 'tablestore';
import { OtsFailure } from './ots-failure.js';

export type Cell =
  | { readonly type: 'integer'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'binary'; readonly value: Buffer };

/** From a value the SDK's PlainBufferCodedInputStream produced. */
export function cellFromSdk(value: TableStore.CellValue | null | undefined): Cell {
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'number') return { type: 'double', value };
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (Buffer.isBuffer(value)) return { type: 'binary', value };
  if (typeof value === 'object' && value !== null && typeof value.toBuffer === 'function') {
    return { type: 'integer', value: Buffer.from(value.toBuffer()).readBigInt64LE(0) };
  }
  throw new OtsFailure(400, 'OTSParameterInvalid', `Unsupported cell value: ${String(value)}`);
}

/** To a value the SDK's PlainBufferBuilder writes with the same type. */
export function cellToSdk(cell: Cell): TableStore.CellValue {
  switch (cell.type) {
    case 'integer':
      return TableStore.Long.fromString(cell.value.toString());
    case 'double':
    case 'boolean':
    case 'string':
    case 'binary':
      return cell.value;
  }
}

/** A stable text form, for primary-key identity. */
export function cellIdentity(cell: Cell): string {
  return cell.type === 'binary' ? `binary:${cell.value.toString('base64')}` : `${cell.type}:${String(cell.value)}`;
}

export function cellByteSize(cell: Cell): number {
  if (cell.type === 'string') return Buffer.byteLength(cell.value, 'utf8');
  if (cell.type === 'binary') return cell.value.length;
  return cell.type === 'boolean' ? 1 : 8;
}

/**
 * Decodes a serialized SQLVariant (a condition's column value): a type byte, then the value without the
 * cell's length prefix, as PlainBufferCodedOutputStream.writeColumnValue writes it.
 */
export function decodeVariant(bytes: Uint8Array): Cell {
  const buffer = Buffer.from(bytes);
  const fail = (): never => {
    throw new OtsFailure(400, 'OTSParameterInvalid', 'Invalid column value in the condition');
  };
  if (buffer.length < 1) fail();
  const type = buffer[0];
  const consts = TableStore.plainBufferConsts;
  if (type === consts.VT_INTEGER) return buffer.length === 9 ? { type: 'integer', value: buffer.readBigInt64LE(1) } : fail();
  if (type === consts.VT_DOUBLE) return buffer.length === 9 ? { type: 'double', value: buffer.readDoubleLE(1) } : fail();
  if (type === consts.VT_BOOLEAN) return buffer.length === 2 ? { type: 'boolean', value: buffer[1] !== 0 } : fail();
  if (type === consts.VT_STRING || type === consts.VT_BLOB) {
    if (buffer.length < 5) fail();
    const size = buffer.readUInt32LE(1);
    if (buffer.length !== 5 + size) fail();
    const payload = buffer.subarray(5);
    return type === consts.VT_STRING
      ? { type: 'string', value: payload.toString('utf8') }
      : { type: 'binary', value: Buffer.from(payload) };
  }
  return fail();
}

/**
 * Orders two cells of one type (strings and binaries bytewise, as Tablestore sorts them); undefined when the
 * types differ, which the stand-in treats as "only NOT_EQUAL holds" (an assumption: not checked live).
 */
export function compareCells(a: Cell, b: Cell): number | undefined {
  if (a.type !== b.type) return undefined;
  switch (a.type) {
    case 'integer': {
      const other = b.value as bigint;
      return a.value < other ? -1 : a.value > other ? 1 : 0;
    }
    case 'double': {
      const other = b.value as number;
      return a.value < other ? -1 : a.value > other ? 1 : 0;
    }
    case 'boolean':
      return Number(a.value) - Number(b.value as boolean);
    case 'string':
      return Buffer.compare(Buffer.from(a.value, 'utf8'), Buffer.from(b.value as string, 'utf8'));
    case 'binary':
      return Buffer.compare(a.value, b.value as Buffer);
  }
}
