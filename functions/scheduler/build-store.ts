import { EngineError } from '../../shared/core/errors.js';
import type { SchedulerConfig } from '../../shared/protocol/config.js';
import { openFileStateStore } from './store/file-store.js';
import { MemoryStateStore } from './store/memory-store.js';
import type { StateStore } from './store/state-store.js';
import { createTablestoreClient, type TablestoreConnection } from './store/tablestore-client.js';
import { TablestoreStateStore } from './store/tablestore-store.js';

/** The Tablestore address and credentials from the validated configuration, or undefined for another store kind. */
export function tablestoreConnection(config: SchedulerConfig): TablestoreConnection | undefined {
  const store = config.store;
  const cloud = config.security.cloud;
  // The config schema requires the endpoint, the instance and credentials when the kind is tablestore.
  if (store.kind !== 'tablestore' || !cloud || !store.tablestore.endpoint || !store.tablestore.instance) return undefined;
  return {
    endpoint: store.tablestore.endpoint,
    instanceName: store.tablestore.instance,
    accessKeyId: cloud.accessKeyId,
    accessKeySecret: cloud.accessKeySecret,
    ...(cloud.securityToken ? { securityToken: cloud.securityToken } : {}),
  };
}

/** The configured state store: the embedded file store by default, memory, or Tablestore (table created if missing). */
export async function buildStore(config: SchedulerConfig): Promise<StateStore> {
  const store = config.store;
  if (store.kind === 'memory') return new MemoryStateStore();
  if (store.kind === 'file') return openFileStateStore({ dir: store.dir });
  const connection = tablestoreConnection(config);
  if (!connection) throw new EngineError('internal', 'A tablestore store without its endpoint, instance or credentials passed the config schema');
  const client = createTablestoreClient(connection);
  const tablestore = new TablestoreStateStore({ client, scope: store.scope, tableName: store.tablestore.table });
  await tablestore.ensureTable();
  return tablestore;
}
