/** Contract backings for the Tablestore adapter: a fresh scope per test, a fresh SDK client per handle. */
import { randomUUID } from 'node:crypto';
import TableStore from 'tablestore';
import { createTablestoreClient, type TablestoreConnection } from '../../../functions/scheduler/store/tablestore-client.js';
import { TablestoreStateStore } from '../../../functions/scheduler/store/tablestore-store.js';
import { COUNT_SERIES, STATE_KEYS } from '../../../functions/scheduler/store/record-checks.js';
import { COUNT_SLOTS } from '../../../functions/scheduler/store/state-store.js';
import { countRowKey } from '../../../functions/scheduler/store/tablestore-counts.js';
import type { StoreUnderTest } from '../state-store.contract.js';

export async function tablestoreBacking(connection: TablestoreConnection, tableName: string): Promise<StoreUnderTest> {
  const scope = `contract-${randomUUID()}`;
  const first = new TablestoreStateStore({ client: createTablestoreClient(connection), scope, tableName });
  await first.ensureTable();
  return {
    open: async () => new TablestoreStateStore({ client: createTablestoreClient(connection), scope, tableName }),
    // Remove this test's rows so a live table does not fill up with them.
    dispose: async () => {
      const client = createTablestoreClient(connection);
      const condition = new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
      const countKeys = COUNT_SERIES.flatMap((series) => Array.from({ length: COUNT_SLOTS }, (_, slot) => countRowKey(series, slot)));
      for (const key of [...STATE_KEYS, ...countKeys]) {
        await client.deleteRow({ tableName, primaryKey: [{ scope }, { key }], condition });
      }
    },
  };
}
