/**
 * Evaluates a write's Condition as Tablestore does: first the row-existence expectation, then the optional
 * column condition (a serialized `Filter` from tablestore_filter.proto): a single-column comparison, or a
 * composite NOT / AND / OR of sub-conditions. A failed check is 403 OTSConditionCheckFail.
 */
import protos from 'tablestore/lib/protocol/tablestore_compiled_proto.js';
import { type Cell, compareCells, decodeVariant } from './cells.js';
import { OtsFailure, parameterInvalid } from './ots-failure.js';

/** The current row's latest cells by column name, or undefined when the row does not exist. */
export type CurrentCells = ReadonlyMap<string, Cell> | undefined;

const IGNORE = 0;
const EXPECT_EXIST = 1;
const EXPECT_NOT_EXIST = 2;

export function checkCondition(condition: { rowExistence: number; columnCondition?: Uint8Array } | undefined, current: CurrentCells): void {
  if (!condition) throw parameterInvalid('The condition is required');
  const exists = current !== undefined;
  if (condition.rowExistence === EXPECT_EXIST && !exists) throw conditionFailed();
  if (condition.rowExistence === EXPECT_NOT_EXIST && exists) throw conditionFailed();
  if (![IGNORE, EXPECT_EXIST, EXPECT_NOT_EXIST].includes(condition.rowExistence)) {
    throw parameterInvalid(`Unknown row existence expectation ${condition.rowExistence}`);
  }
  if (condition.columnCondition && condition.columnCondition.length > 0) {
    const filter = decodeOrFail(() => protos.filter.proto.Filter.decode(condition.columnCondition as Uint8Array));
    if (!evaluateFilter(filter, current ?? new Map())) throw conditionFailed();
  }
}

export function conditionFailed(): OtsFailure {
  return new OtsFailure(403, 'OTSConditionCheckFail', 'Condition check failed.');
}

function evaluateFilter(filter: { type: number; filter: Uint8Array }, cells: ReadonlyMap<string, Cell>): boolean {
  const types = protos.filter.proto.FilterType;
  if (filter.type === types.FT_SINGLE_COLUMN_VALUE) {
    const single = decodeOrFail(() => protos.filter.proto.SingleColumnValueFilter.decode(filter.filter));
    const actual = cells.get(single.columnName);
    // filter_if_missing is the wire form of the SDK's passIfMissing = false.
    if (actual === undefined) return !single.filterIfMissing;
    return compare(single.comparator, actual, decodeVariant(single.columnValue));
  }
  if (filter.type === types.FT_COMPOSITE_COLUMN_VALUE) {
    const composite = decodeOrFail(() => protos.filter.proto.CompositeColumnValueFilter.decode(filter.filter));
    const results = composite.subFilters.map((sub) => evaluateFilter(sub, cells));
    switch (composite.combinator) {
      case 1: // LO_NOT
        if (results.length !== 1) throw parameterInvalid('NOT takes exactly one sub-condition');
        return !results[0];
      case 2: // LO_AND
        if (results.length < 2) throw parameterInvalid('AND takes at least two sub-conditions');
        return results.every(Boolean);
      case 3: // LO_OR
        if (results.length < 2) throw parameterInvalid('OR takes at least two sub-conditions');
        return results.some(Boolean);
      default:
        throw parameterInvalid(`Unknown logical operator ${composite.combinator}`);
    }
  }
  throw parameterInvalid(`Filter type ${filter.type} is not allowed in a condition`);
}

function compare(comparator: number, actual: Cell, wanted: Cell): boolean {
  const order = compareCells(actual, wanted);
  if (order === undefined) return comparator === 2; // different types: only NOT_EQUAL holds
  switch (comparator) {
    case 1:
      return order === 0;
    case 2:
      return order !== 0;
    case 3:
      return order > 0;
    case 4:
      return order >= 0;
    case 5:
      return order < 0;
    case 6:
      return order <= 0;
    default:
      throw parameterInvalid(`Unknown comparator ${comparator}`);
  }
}

function decodeOrFail<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw parameterInvalid(`Invalid condition: ${err instanceof Error ? err.message : String(err)}`);
  }
}
