/**
 * Per-interval counts (StateStore.publishCount) on Tablestore: one row per slot in the state table.
 *
 *   primary key   scope       the deployment
 *                 key         'count/<series>/<slot>', slot = interval mod COUNT_SLOTS (state keys never hold '/')
 *   attributes    interval    INTEGER  the interval the slot holds now
 *                 total       INTEGER  atomic counter: the sum of the published counts
 *                 publishers  INTEGER  atomic counter: how many publishers published
 *                 from_<id>   INTEGER  the interval publisher <id> last published to in this slot
 *
 * A publish is one UpdateRow that INCREMENTs total and publishers and PUTs from_<id> = interval, on the
 * condition `interval == i AND from_<id> != i` (a missing from_<id> passes), answering the counters after the
 * change (ReturnType AfterModify). Tablestore applies a row's condition and change atomically and adds on the
 * server, so concurrent publishers lose nothing without a read-modify-write round; and since INCREMENT is not
 * idempotent, the from_<id> condition is what makes a retry safe: a publish whose first answer was lost fails
 * the condition the second time instead of counting twice.
 *
 * When the condition fails the slot is read. Same interval and our from_<id>: the publish had landed. An older
 * interval (or no row): a PutRow conditional on exactly what was read replaces the row, which also drops the
 * previous interval's from_ columns, so a row never holds more columns than one interval's publishers. A later
 * interval: too late, `conflict`.
 */
import TableStore from 'tablestore';
import { EngineError } from '../../../shared/core/errors.js';
import { countSlot, recycledError } from './record-checks.js';
import type { CountSeries, IntervalCount } from './state-store.js';
import { isConditionCheckFailure, mayHaveLanded, toStoreUnavailable } from './tablestore-errors.js';

/** Column names of the count rows. */
export const COUNT_COLUMNS = { interval: 'interval', total: 'total', publishers: 'publishers', fromPrefix: 'from_' } as const;

/** Rounds of increment-or-replace before giving up; each lost round means another writer moved the slot on. */
const MAX_ATTEMPTS = 5;
/** Requests without an answer (timeouts, resets, 5xx) tried again before reporting the store unavailable. */
const MAX_UNANSWERED = 2;

interface SlotRow {
  readonly interval: number;
  readonly total: number;
  readonly publishers: number;
  /** The interval this publisher last published to this slot. */
  readonly from?: number;
}

export function countRowKey(series: CountSeries, interval: number): string {
  return `count/${series}/${countSlot(interval)}`;
}

export class TablestoreCounts {
  constructor(
    private readonly client: TableStore.Client,
    private readonly tableName: string,
    /** The state table's primary key for a row key (scope and key columns). */
    private readonly primaryKeyOf: (key: string) => TableStore.ColumnObject[],
  ) {}

  async publish(series: CountSeries, interval: number, publisher: string, count: number): Promise<IntervalCount> {
    const fromColumn = `${COUNT_COLUMNS.fromPrefix}${publisher}`;
    const action = `publish count "${series}" of interval ${interval} to Tablestore table ${this.tableName}`;
    let unanswered = 0;
    // Safe to repeat after no answer: if the lost request landed, the repeat fails the from_ condition.
    const unansweredOrThrow = (err: unknown): void => {
      if (isConditionCheckFailure(err)) return;
      if (!mayHaveLanded(err) || ++unanswered > MAX_UNANSWERED) throw toStoreUnavailable(err, action);
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        return await this.increment(series, interval, fromColumn, count);
      } catch (err) {
        unansweredOrThrow(err);
        if (!isConditionCheckFailure(err)) continue;
      }
      const slot = await this.readSlot(series, interval, fromColumn);
      if (slot && slot.interval > interval) throw recycledError(series, interval, slot.interval);
      if (slot?.interval === interval) {
        if (slot.from === interval) return { total: slot.total, publishers: slot.publishers };
        continue; // another publisher started this interval between our two requests: increment again
      }
      try {
        await this.replace(series, interval, fromColumn, count, slot?.interval);
        return { total: count, publishers: 1 };
      } catch (err) {
        unansweredOrThrow(err);
      }
    }
    throw new EngineError('conflict', `Could not ${action}: the slot kept changing under ${MAX_ATTEMPTS} attempts`, undefined, true);
  }

  async read(series: CountSeries, interval: number): Promise<IntervalCount | undefined> {
    const slot = await this.readSlot(series, interval);
    return slot?.interval === interval ? { total: slot.total, publishers: slot.publishers } : undefined;
  }

  private async increment(series: CountSeries, interval: number, fromColumn: string, count: number): Promise<IntervalCount> {
    const { Condition, CompositeCondition, SingleColumnCondition, RowExistenceExpectation, ComparatorType, LogicalOperator, ReturnType, Long } = TableStore;
    const sameInterval = new CompositeCondition(LogicalOperator.AND);
    sameInterval.addSubCondition(new SingleColumnCondition(COUNT_COLUMNS.interval, Long.fromNumber(interval), ComparatorType.EQUAL, false));
    sameInterval.addSubCondition(new SingleColumnCondition(fromColumn, Long.fromNumber(interval), ComparatorType.NOT_EQUAL, true));
    const { row } = await this.client.updateRow({
      tableName: this.tableName,
      primaryKey: this.primaryKey(series, interval),
      updateOfAttributeColumns: [
        { INCREMENT: [{ [COUNT_COLUMNS.total]: Long.fromNumber(count) }, { [COUNT_COLUMNS.publishers]: Long.fromNumber(1) }] },
        { PUT: [{ [fromColumn]: Long.fromNumber(interval) }] },
      ],
      condition: new Condition(RowExistenceExpectation.EXPECT_EXIST, sameInterval),
      returnContent: { returnType: ReturnType.AfterModify, returnColumns: [COUNT_COLUMNS.total, COUNT_COLUMNS.publishers] },
    });
    const cells = cellsOf(row);
    const total = integer(cells.get(COUNT_COLUMNS.total));
    const publishers = integer(cells.get(COUNT_COLUMNS.publishers));
    if (total === undefined || publishers === undefined) {
      throw new EngineError('store_unavailable', `Tablestore answered an increment without the counters it was asked to return: ${[...cells.keys()].join(', ')}`);
    }
    return { total, publishers };
  }

  /** Starts the slot over for `interval`, provided it still holds `heldInterval` (undefined: no row). */
  private async replace(series: CountSeries, interval: number, fromColumn: string, count: number, heldInterval: number | undefined): Promise<void> {
    const { Condition, SingleColumnCondition, RowExistenceExpectation, ComparatorType, Long } = TableStore;
    const condition =
      heldInterval === undefined
        ? new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST, null)
        : new Condition(
            RowExistenceExpectation.EXPECT_EXIST,
            new SingleColumnCondition(COUNT_COLUMNS.interval, Long.fromNumber(heldInterval), ComparatorType.EQUAL, false),
          );
    await this.client.putRow({
      tableName: this.tableName,
      primaryKey: this.primaryKey(series, interval),
      attributeColumns: [
        { [COUNT_COLUMNS.interval]: Long.fromNumber(interval) },
        { [COUNT_COLUMNS.total]: Long.fromNumber(count) },
        { [COUNT_COLUMNS.publishers]: Long.fromNumber(1) },
        { [fromColumn]: Long.fromNumber(interval) },
      ],
      condition,
    });
  }

  private async readSlot(series: CountSeries, interval: number, fromColumn?: string): Promise<SlotRow | undefined> {
    const key = countRowKey(series, interval);
    let response: TableStore.RowResponse;
    try {
      response = await this.client.getRow({
        tableName: this.tableName,
        primaryKey: this.primaryKey(series, interval),
        maxVersions: 1,
        columnsToGet: [COUNT_COLUMNS.interval, COUNT_COLUMNS.total, COUNT_COLUMNS.publishers, ...(fromColumn ? [fromColumn] : [])],
      });
    } catch (err) {
      throw toStoreUnavailable(err, `read count row "${key}" from Tablestore table ${this.tableName}`);
    }
    if (!response.row.primaryKey) return undefined;
    const cells = cellsOf(response.row);
    const held = integer(cells.get(COUNT_COLUMNS.interval));
    const total = integer(cells.get(COUNT_COLUMNS.total));
    const publishers = integer(cells.get(COUNT_COLUMNS.publishers));
    if (held === undefined || total === undefined || publishers === undefined) {
      throw new EngineError('store_unavailable', `Expected count row "${key}" to hold interval, total and publishers (INTEGER), got ${[...cells.keys()].join(', ') || 'none'}`);
    }
    const from = fromColumn ? integer(cells.get(fromColumn)) : undefined;
    return { interval: held, total, publishers, ...(from !== undefined ? { from } : {}) };
  }

  private primaryKey(series: CountSeries, interval: number): TableStore.ColumnObject[] {
    return this.primaryKeyOf(countRowKey(series, interval));
  }
}

function cellsOf(row: TableStore.DecodedRow): Map<string, TableStore.CellValue | null> {
  return new Map((row.attributes ?? []).map((cell) => [cell.columnName, cell.columnValue]));
}

function integer(cell: TableStore.CellValue | null | undefined): number | undefined {
  if (typeof cell !== 'object' || cell === null || Buffer.isBuffer(cell) || typeof cell.toNumber !== 'function') return undefined;
  const n = cell.toNumber();
  return Number.isSafeInteger(n) ? n : undefined;
}
