import { createMemoryBacking, MemoryStateStore } from '../../functions/scheduler/store/memory-store.js';
import { runStateStoreContract } from './state-store.contract.js';

runStateStoreContract('memory store', async () => {
  const backing = createMemoryBacking();
  return { open: async () => new MemoryStateStore(backing) };
});
