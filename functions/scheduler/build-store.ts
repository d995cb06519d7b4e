import type { SchedulerConfig } from '../../shared/protocol/config.js';
import { openFileStateStore } from './store/file-store.js';
import { MemoryStateStore } from './store/memory-store.js';
import type { StateStore } from './store/state-store.js';
import { createTablestoreClient } from './store/tablestore-client.js';
import { TablestoreStateStore } from './store/tablestore-store.js';

/** The configured state store: the embedded file store by default, memory, or Tablestore (table created if missing). */
export async function buildStore(config: SchedulerConfig): Promise<StateStore> {
  const store = config.store;
  if (store.kind === 'memory') return new MemoryStateStore();
  if (store.kind === 'file') return openFileStateStore({ dir: store.dir });
  const cloud = config.security.cloud!; // the config schema requires it for tablestore
  const client = createTablestoreClient({
    endpoint: store.tablestore.endpoint!,
    instanceName: store.tablestore.instance!,
    accessKeyId: cloud.accessKeyId,
    accessKeySecret: cloud.accessKeySecret,
    ...(cloud.securityToken ? { securityToken: cloud.securityToken } : {}),
  });
  const tablestore = new TablestoreStateStore({ client, scope: store.scope, tableName: store.tablestore.table });
  await tablestore.ensureTable();
  return tablestore;
}
