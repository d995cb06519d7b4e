/**
 * A child process of the multi-process test: opens the shared store and adds to the `detectors` counter with
 * read-CAS-retry, like one scheduler instance among several. Prints `{"conflicts": n}` and exits 0.
 *
 *   node --import tsx increment-worker.ts file <dir> <amount>
 *   node --import tsx increment-worker.ts tablestore <endpoint> <instance> <scope> <amount>
 */
import { openFileStateStore } from '../../../functions/scheduler/store/file-store.js';
import type { StateStore } from '../../../functions/scheduler/store/state-store.js';
import { createTablestoreClient } from '../../../functions/scheduler/store/tablestore-client.js';
import { TablestoreStateStore } from '../../../functions/scheduler/store/tablestore-store.js';
import { addWithRetries } from './counter.js';

async function main(args: string[]): Promise<void> {
  let store: StateStore;
  let amount: number;
  if (args[0] === 'file') {
    store = await openFileStateStore({ dir: args[1] });
    amount = Number(args[2]);
  } else if (args[0] === 'tablestore') {
    const client = createTablestoreClient({ endpoint: args[1], instanceName: args[2], accessKeyId: 'ak', accessKeySecret: 'sk' });
    store = new TablestoreStateStore({ client, scope: args[3] });
    amount = Number(args[4]);
  } else {
    throw new Error(`Expected "file" or "tablestore", got ${JSON.stringify(args[0])}`);
  }
  const conflicts = await addWithRetries(store, 'detectors', amount, Date.now());
  await store.close();
  process.stdout.write(`${JSON.stringify({ conflicts })}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
