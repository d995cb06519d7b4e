/** The virtual-queue policy: a pure Triton-style batcher that the scheduler loop and the simulator both drive. */
export { VirtualQueue, TIME_EPSILON_MS } from './virtual-queue.js';
export { DEFAULT_QUEUE_OPTIONS, resolveQueueOptions, type QueueOptions } from './options.js';
export type {
  AdmitOutcome,
  LaneQueueSnapshot,
  QueueDecision,
  QueueSnapshot,
  QueueTotals,
  RefusalReason,
  RejectReason,
} from './decisions.js';
export { hedgeAtMs, hedgeChunkSize, predictedLate, tailSpreadMs } from './hedge.js';
