/**
 * The StateStore on Aliyun Tablestore, through the `tablestore` SDK (client injected, so tests hand in a real
 * SDK client pointed at the wire-level stand-in).
 *
 * Row design — one table (default `edgebatch_state`), one row per deployment and key:
 *
 *   primary key   scope    STRING   the deployment name, so several deployments can share one table
 *                 key      STRING   'plan' | 'detectors' | 'profiles' | 'config'
 *   attributes    version     INTEGER  1 for the first write, +1 per write (written as Long: a JS number
 *                                      would be stored as DOUBLE)
 *                 value       STRING   the record's JSON document (at most 2 MB, Tablestore's attribute limit)
 *                 updated_at  INTEGER  writer's clock, ms since epoch
 *                 writer      STRING   a random id per write, used to learn whether a write whose answer was
 *                                      lost (timeout, reset) actually landed
 *
 * Table options: reserved throughput 0 (pay per use), maxVersions 1 (only the latest cell), timeToLive -1.
 *
 * compareAndSwap: expectedVersion 0 → PutRow with EXPECT_NOT_EXIST; otherwise UpdateRow with EXPECT_EXIST and
 * the column condition `version == expected` (passIfMissing false). The service evaluates the condition and
 * the write atomically per row; a lost race answers OTSConditionCheckFail, which becomes EngineError `conflict`.
 *
 * Per-interval counts (publishCount, readCount) live in the same table, in rows keyed `count/<series>/<slot>`:
 * see tablestore-counts.ts.
 */
import { randomUUID } from 'node:crypto';
import TableStore from 'tablestore';
import { EngineError, expected } from '../../../shared/core/errors.js';
import { checkCountRead, checkKey, checkPublish, checkWrite, closedStoreError } from './record-checks.js';
import type { CountSeries, IntervalCount, StateKey, StateStore, VersionedRecord } from './state-store.js';
import { TablestoreCounts } from './tablestore-counts.js';
import { describeTablestoreError, isConditionCheckFailure, toStoreUnavailable } from './tablestore-errors.js';

export const DEFAULT_TABLE_NAME = 'edgebatch_state';

/** Column names of the row design above. */
export const COLUMNS = { scope: 'scope', key: 'key', version: 'version', value: 'value', updatedAt: 'updated_at', writer: 'writer' } as const;

export interface TablestoreStateStoreOptions {
  /** A configured SDK client (see createTablestoreClient). */
  readonly client: TableStore.Client;
  /** The deployment name: rows of other scopes are never touched. 1 to 1024 bytes. */
  readonly scope: string;
  /** Default `edgebatch_state`. */
  readonly tableName?: string;
  /** Id generator for the `writer` column; default crypto.randomUUID. */
  readonly newWriteId?: () => string;
}

interface StoredRow extends VersionedRecord {
  readonly writer?: string;
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export class TablestoreStateStore implements StateStore {
  readonly tableName: string;
  readonly scope: string;
  private readonly client: TableStore.Client;
  private readonly newWriteId: () => string;
  private readonly counts: TablestoreCounts;
  private closed = false;

  constructor(options: TablestoreStateStoreOptions) {
    if (typeof options?.client?.getRow !== 'function') {
      throw new EngineError('invalid_input', expected('a tablestore SDK client', options?.client));
    }
    const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
    if (typeof tableName !== 'string' || !TABLE_NAME.test(tableName)) {
      throw new EngineError('invalid_input', expected('a table name of letters, digits and _ (not starting with a digit)', tableName));
    }
    if (typeof options.scope !== 'string' || options.scope === '' || Buffer.byteLength(options.scope) > 1024) {
      throw new EngineError('invalid_input', expected('a scope (deployment name) of 1 to 1024 bytes', options.scope));
    }
    this.client = options.client;
    this.tableName = tableName;
    this.scope = options.scope;
    this.newWriteId = options.newWriteId ?? randomUUID;
    this.counts = new TablestoreCounts(this.client, tableName, (key) => this.primaryKey(key));
  }

  /**
   * Creates the table when it is missing (ListTable first, since table operations are limited to 10 per second
   * per instance) and checks an existing table has the expected primary key. Safe to call from several
   * instances at once: losing the CreateTable race (OTSObjectAlreadyExist) is success.
   */
  async ensureTable(): Promise<void> {
    this.ensureOpen();
    let tableNames: string[];
    try {
      ({ tableNames } = await this.client.listTable({}));
    } catch (err) {
      throw toStoreUnavailable(err, 'list Tablestore tables');
    }
    if (!tableNames.includes(this.tableName)) {
      try {
        await this.client.createTable({
          tableMeta: {
            tableName: this.tableName,
            primaryKey: [
              { name: COLUMNS.scope, type: 'STRING' },
              { name: COLUMNS.key, type: 'STRING' },
            ],
          },
          reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
          tableOptions: { timeToLive: -1, maxVersions: 1 },
        });
      } catch (err) {
        if (describeTablestoreError(err).otsCode !== 'OTSObjectAlreadyExist') {
          throw toStoreUnavailable(err, `create Tablestore table ${this.tableName}`);
        }
      }
    }
    let described: TableStore.DescribeTableResponse;
    try {
      described = await this.client.describeTable({ tableName: this.tableName });
    } catch (err) {
      throw toStoreUnavailable(err, `describe Tablestore table ${this.tableName}`);
    }
    const pk = described.tableMeta.primaryKey.map((column) => `${column.name}:${column.type}`).join(',');
    const STRING = 2; // PrimaryKeyType.STRING in tablestore.proto
    if (pk !== `${COLUMNS.scope}:${STRING},${COLUMNS.key}:${STRING}`) {
      throw new EngineError(
        'store_unavailable',
        expected(`table ${this.tableName} to have primary key [scope STRING, key STRING]`, described.tableMeta.primaryKey),
      );
    }
  }

  async get(key: StateKey): Promise<VersionedRecord | undefined> {
    this.ensureOpen();
    checkKey(key);
    const row = await this.readRow(key);
    return row && { version: row.version, value: row.value, updatedAtMs: row.updatedAtMs };
  }

  async compareAndSwap(key: StateKey, expectedVersion: number, value: string, nowMs: number): Promise<number> {
    this.ensureOpen();
    checkWrite(key, expectedVersion, value, nowMs);
    const { Condition, RowExistenceExpectation, SingleColumnCondition, ComparatorType, Long } = TableStore;
    const version = expectedVersion + 1;
    const writeId = this.newWriteId();
    const columns: TableStore.ColumnObject[] = [
      { [COLUMNS.version]: Long.fromNumber(version) },
      { [COLUMNS.value]: value },
      { [COLUMNS.updatedAt]: Long.fromNumber(Math.round(nowMs)) },
      { [COLUMNS.writer]: writeId },
    ];
    try {
      if (expectedVersion === 0) {
        await this.client.putRow({
          tableName: this.tableName,
          primaryKey: this.primaryKey(key),
          attributeColumns: columns,
          condition: new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST, null),
        });
      } else {
        const versionMatches = new SingleColumnCondition(
          COLUMNS.version,
          Long.fromNumber(expectedVersion),
          ComparatorType.EQUAL,
          false, // passIfMissing: a row without a version column is not ours to overwrite
          true,
        );
        await this.client.updateRow({
          tableName: this.tableName,
          primaryKey: this.primaryKey(key),
          updateOfAttributeColumns: [{ PUT: columns }],
          condition: new Condition(RowExistenceExpectation.EXPECT_EXIST, versionMatches),
        });
      }
      return version;
    } catch (err) {
      if (isConditionCheckFailure(err)) {
        throw new EngineError(
          'conflict',
          `State "${key}" changed under us: Tablestore refused version ${version} over expected version ${expectedVersion}; re-read and retry`,
          undefined,
          true,
        );
      }
      if (await this.landedDespite(err, key, writeId)) return version;
      throw toStoreUnavailable(err, `write state "${key}" to Tablestore table ${this.tableName}`);
    }
  }

  async publishCount(series: CountSeries, interval: number, publisher: string, count: number, nowMs: number): Promise<IntervalCount> {
    this.ensureOpen();
    checkPublish(series, interval, publisher, count, nowMs);
    return this.counts.publish(series, interval, publisher, count);
  }

  async readCount(series: CountSeries, interval: number): Promise<IntervalCount | undefined> {
    this.ensureOpen();
    checkCountRead(series, interval);
    return this.counts.read(series, interval);
  }

  async close(): Promise<void> {
    // The SDK keeps no per-client connection (it uses Node's global agent); closing stops further use.
    this.closed = true;
  }

  /**
   * When the answer was lost (no response, or a 5xx that may follow a commit), read the row back: our write
   * landed exactly when the row carries our write id. Without this a caller would retry a write that succeeded.
   */
  private async landedDespite(err: unknown, key: StateKey, writeId: string): Promise<boolean> {
    const info = describeTablestoreError(err);
    if (!info.network && (info.httpStatus ?? 0) < 500) return false;
    try {
      return (await this.readRow(key))?.writer === writeId;
    } catch {
      return false;
    }
  }

  private async readRow(key: StateKey): Promise<StoredRow | undefined> {
    let response: TableStore.RowResponse;
    try {
      response = await this.client.getRow({
        tableName: this.tableName,
        primaryKey: this.primaryKey(key),
        maxVersions: 1,
        columnsToGet: [COLUMNS.version, COLUMNS.value, COLUMNS.updatedAt, COLUMNS.writer],
      });
    } catch (err) {
      throw toStoreUnavailable(err, `read state "${key}" from Tablestore table ${this.tableName}`);
    }
    if (!response.row.primaryKey) return undefined;
    return parseRow(key, response.row);
  }

  private primaryKey(key: string): TableStore.ColumnObject[] {
    return [{ [COLUMNS.scope]: this.scope }, { [COLUMNS.key]: key }];
  }

  private ensureOpen(): void {
    if (this.closed) throw closedStoreError('Tablestore');
  }
}

function parseRow(key: StateKey, row: TableStore.DecodedRow): StoredRow {
  const cells = new Map((row.attributes ?? []).map((cell) => [cell.columnName, cell.columnValue]));
  const version = integerCell(cells.get(COLUMNS.version));
  const value = cells.get(COLUMNS.value);
  const updatedAtMs = integerCell(cells.get(COLUMNS.updatedAt));
  const writer = cells.get(COLUMNS.writer);
  if (version === undefined || version < 1 || typeof value !== 'string' || updatedAtMs === undefined) {
    throw new EngineError(
      'store_unavailable',
      expected(`row "${key}" to hold version (INTEGER >= 1), value (STRING) and updated_at (INTEGER)`, [...cells.keys()]),
    );
  }
  return { version, value, updatedAtMs, ...(typeof writer === 'string' ? { writer } : {}) };
}

/** INTEGER cells decode to int64-buffer objects; tolerate a whole DOUBLE written by another tool. */
function integerCell(cell: TableStore.CellValue | null | undefined): number | undefined {
  if (typeof cell === 'number') return Number.isSafeInteger(cell) ? cell : undefined;
  if (typeof cell === 'object' && cell !== null && !Buffer.isBuffer(cell) && typeof cell.toNumber === 'function') {
    const n = cell.toNumber();
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}
