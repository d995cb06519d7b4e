import type { Label } from '../../../shared/protocol/batch.js';
import type { LaneId } from '../../../shared/core/types.js';

/** What each client gets back for its own image. */
export interface InferAnswer {
  readonly id: string;
  readonly result: { readonly labels: readonly Label[] };
  readonly placement: LaneId;
  /** The agent URL or function that ran the batch. */
  readonly target: string;
  readonly batchId: string;
  readonly batchSize: number;
  /** Whether the batch ran on its second lane after the first failed. */
  readonly retried: boolean;
  /** Whether the answer came from a hedge: a copy sent to the other lane while the first batch ran late. */
  readonly hedged: boolean;
  readonly timings: {
    /** Arrival to dispatch. */
    readonly queueMs: number;
    /** Network and framing: the round trip minus the lane's own processing time. */
    readonly transferMs: number;
    /** The lane's processing: decode, preprocess and the model call. */
    readonly inferenceMs: number;
    /** Arrival to answer. */
    readonly totalMs: number;
  };
}
