/**
 * The stand-in's data: tables with their schema, rows keyed by primary key, one version per cell (the state
 * table uses maxVersions 1; the stand-in keeps only the latest cell whatever the table option says). Writes are
 * synchronous, so a condition check and the write it guards can never interleave with another request: the
 * same per-row atomicity Tablestore gives.
 */
import { type Cell, cellByteSize, cellIdentity } from './cells.js';
import { type CurrentCells, checkCondition } from './conditions.js';
import { OtsFailure, parameterInvalid } from './ots-failure.js';
import type { CellUpdate, PrimaryKeyColumn, RowCell } from './plain-buffer-rows.js';

export interface PrimaryKeySchema {
  readonly name: string;
  /** PrimaryKeyType: 1 INTEGER, 2 STRING, 3 BINARY. */
  readonly type: number;
}

export interface TableDefinition {
  readonly name: string;
  readonly primaryKey: readonly PrimaryKeySchema[];
  readonly timeToLive: number;
  readonly maxVersions: number;
  readonly createdAtMs: number;
}

interface StoredCell {
  readonly cell: Cell;
  readonly timestampMs: number;
}

interface StoredRow {
  readonly primaryKey: PrimaryKeyColumn[];
  readonly cells: Map<string, StoredCell>;
}

interface Table extends TableDefinition {
  readonly rows: Map<string, StoredRow>;
}

export type WriteCondition = { rowExistence: number; columnCondition?: Uint8Array };

/** Tablestore's limits ("Limits on the Wide Column model"). */
const MAX_ATTRIBUTE_BYTES = 2 * 1024 * 1024;
const MAX_PRIMARY_KEY_BYTES = 1024;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const PK_TYPE_OF_CELL: Record<Cell['type'], number | undefined> = { integer: 1, string: 2, binary: 3, double: undefined, boolean: undefined };

export class StandinTables {
  private readonly tables = new Map<string, Table>();

  createTable(definition: TableDefinition): void {
    if (!NAME.test(definition.name)) throw parameterInvalid(`Invalid table name: '${definition.name}'.`);
    if (definition.primaryKey.length < 1 || definition.primaryKey.length > 4) {
      throw parameterInvalid('The number of primary key columns must be in range: [1, 4].');
    }
    for (const column of definition.primaryKey) {
      if (!NAME.test(column.name)) throw parameterInvalid(`Invalid primary key name: '${column.name}'.`);
      if (![1, 2, 3].includes(column.type)) throw parameterInvalid(`Invalid primary key type of '${column.name}'.`);
    }
    if (this.tables.has(definition.name)) throw new OtsFailure(409, 'OTSObjectAlreadyExist', 'Requested table already exists.');
    this.tables.set(definition.name, { ...definition, rows: new Map() });
  }

  deleteTable(name: string): void {
    this.table(name);
    this.tables.delete(name);
  }

  listTables(): string[] {
    return [...this.tables.keys()];
  }

  describe(name: string): TableDefinition {
    return this.table(name);
  }

  /** The row's latest cells (optionally only some columns), or undefined when the row does not exist. */
  getRow(name: string, primaryKey: PrimaryKeyColumn[], columns: readonly string[]): { primaryKey: PrimaryKeyColumn[]; cells: RowCell[] } | undefined {
    const table = this.table(name);
    const row = table.rows.get(rowIdentity(table, primaryKey));
    if (!row) return undefined;
    const cells = [...row.cells.entries()]
      .filter(([column]) => columns.length === 0 || columns.includes(column))
      .map(([column, stored]) => ({ name: column, cell: stored.cell, timestampMs: stored.timestampMs }));
    // Tablestore answers an empty row when none of the requested columns exist.
    return cells.length === 0 ? undefined : { primaryKey: row.primaryKey, cells };
  }

  /** PutRow: replaces the whole row when the condition holds. */
  putRow(name: string, primaryKey: PrimaryKeyColumn[], cells: readonly RowCell[], condition: WriteCondition | undefined, nowMs: number): void {
    const table = this.table(name);
    const id = rowIdentity(table, primaryKey);
    cells.forEach((cell) => checkAttribute(cell.name, cell.cell));
    checkCondition(condition, latestCells(table.rows.get(id)));
    const stored = new Map<string, StoredCell>();
    for (const cell of cells) stored.set(cell.name, { cell: cell.cell, timestampMs: cell.timestampMs ?? nowMs });
    table.rows.set(id, { primaryKey, cells: stored });
  }

  /**
   * UpdateRow: applies PUT / DELETE / DELETE_ALL / INCREMENT to the row (creating it) when the condition holds,
   * and answers the cells it incremented, as they are after the change (what RT_AFTER_MODIFY returns).
   */
  updateRow(
    name: string,
    primaryKey: PrimaryKeyColumn[],
    updates: readonly CellUpdate[],
    condition: WriteCondition | undefined,
    nowMs: number,
  ): { primaryKey: PrimaryKeyColumn[]; incremented: RowCell[] } {
    const table = this.table(name);
    const id = rowIdentity(table, primaryKey);
    for (const update of updates) if (update.cell) checkAttribute(update.name, update.cell);
    if (updates.length === 0) throw parameterInvalid('UpdateRow needs at least one column to change.');
    checkCounterUpdates(updates);
    const existing = table.rows.get(id);
    checkCondition(condition, latestCells(existing));
    const cells = new Map(existing?.cells ?? []);
    const incremented: RowCell[] = [];
    for (const update of updates) {
      const current = cells.get(update.name);
      switch (update.operation) {
        case 'put':
          cells.set(update.name, { cell: update.cell as Cell, timestampMs: update.timestampMs ?? nowMs });
          break;
        case 'delete_one_version':
          if (current?.timestampMs === update.timestampMs) cells.delete(update.name);
          break;
        case 'delete_all_versions':
          cells.delete(update.name);
          break;
        case 'increment': {
          const cell = incrementedCell(update, current?.cell);
          cells.set(update.name, { cell, timestampMs: nowMs });
          incremented.push({ name: update.name, cell, timestampMs: nowMs });
          break;
        }
      }
    }
    table.rows.set(id, { primaryKey, cells });
    return { primaryKey, incremented };
  }

  deleteRow(name: string, primaryKey: PrimaryKeyColumn[], condition: WriteCondition | undefined): void {
    const table = this.table(name);
    const id = rowIdentity(table, primaryKey);
    checkCondition(condition, latestCells(table.rows.get(id)));
    table.rows.delete(id);
  }

  private table(name: string): Table {
    const table = this.tables.get(name);
    if (!table) throw new OtsFailure(404, 'OTSObjectNotExist', 'Requested table does not exist.');
    return table;
  }
}

/**
 * The atomic counter's rules ("Use the atomic counter feature"): a counter column takes no other change in the
 * same request, and only its latest version can be incremented, so an INCREMENT may not name a version.
 */
function checkCounterUpdates(updates: readonly CellUpdate[]): void {
  const counters = new Set<string>();
  for (const update of updates) {
    if (update.operation !== 'increment') continue;
    if (update.timestampMs !== undefined) {
      throw parameterInvalid(`The atomic counter '${update.name}' cannot be given a version (timestamp).`);
    }
    if (counters.has(update.name)) throw parameterInvalid(`Column '${update.name}' is incremented twice in one request.`);
    counters.add(update.name);
  }
  for (const update of updates) {
    if (update.operation !== 'increment' && counters.has(update.name)) {
      throw parameterInvalid(`Column '${update.name}' is an atomic counter in this request and cannot also be changed otherwise.`);
    }
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The counter after the increment: a missing column counts as 0; a non-INTEGER column or an overflow is refused. */
function incrementedCell(update: CellUpdate, current: Cell | undefined): Cell {
  if (current && current.type !== 'integer') {
    throw parameterInvalid(`Column '${update.name}' is not an integer and cannot be incremented.`);
  }
  const base = current?.type === 'integer' ? current.value : 0n;
  const sum = base + (update.cell as Extract<Cell, { type: 'integer' }>).value;
  if (sum < INT64_MIN || sum > INT64_MAX) throw parameterInvalid(`Incrementing column '${update.name}' overflows a 64-bit integer.`);
  return { type: 'integer', value: sum };
}

function latestCells(row: StoredRow | undefined): CurrentCells {
  return row && new Map([...row.cells.entries()].map(([name, stored]) => [name, stored.cell]));
}

/** Checks the key against the table's schema and returns its identity. */
function rowIdentity(table: Table, primaryKey: readonly PrimaryKeyColumn[]): string {
  if (primaryKey.length !== table.primaryKey.length) {
    throw parameterInvalid(`The number of primary key columns must be ${table.primaryKey.length}, got ${primaryKey.length}.`);
  }
  table.primaryKey.forEach((schema, index) => {
    const column = primaryKey[index];
    if (column.name !== schema.name) {
      throw parameterInvalid(`Validate PK name fail. Input: ${column.name}, Meta: ${schema.name}.`);
    }
    if (PK_TYPE_OF_CELL[column.cell.type] !== schema.type) {
      throw parameterInvalid(`Validate PK type fail. Input: ${column.cell.type}, Meta: ${schema.type}.`);
    }
    if (cellByteSize(column.cell) > MAX_PRIMARY_KEY_BYTES) {
      throw parameterInvalid(`The size of primary key column '${column.name}' exceeds ${MAX_PRIMARY_KEY_BYTES} bytes.`);
    }
  });
  return JSON.stringify(primaryKey.map((column) => cellIdentity(column.cell)));
}

function checkAttribute(name: string, cell: Cell): void {
  if (!NAME.test(name)) throw parameterInvalid(`Invalid column name: '${name}'.`);
  const size = cellByteSize(cell);
  if (size > MAX_ATTRIBUTE_BYTES) {
    throw parameterInvalid(`The length of attribute column: '${name}' exceeds the MaxLength:${MAX_ATTRIBUTE_BYTES} with CurrentLength:${size}.`);
  }
}
