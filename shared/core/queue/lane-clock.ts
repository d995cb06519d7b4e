/**
 * What a lane is still busy with, as expected from the batches in flight: when its link is done carrying them,
 * and when each is expected to be answered. The queue's time estimates (LaneStatus) are otherwise "if the lane
 * were idle"; on a cellular uplink already carrying seconds of earlier batches, or behind a GPU still serving
 * one, a batch dispatched now is answered that much later, and the queue should know before it sends a request
 * there that cannot make it.
 *
 * Kept by whoever carries out the dispatches (the scheduler loop, the simulator), with the same expected times
 * the queue is given: bits over the current bandwidth estimate, the mean service line. Estimates drift, so each
 * answer re-anchors the clock on what is left in flight: an idle lane is free now, whatever was expected.
 *
 * A batch still out past its expected answer says the lane is slower than estimated (a link that just fell, a
 * stalled call): it cannot be answered before now, so it and everything queued behind it move back by what it is
 * overdue. Without this an overdue lane would look free (its expected times all in the past) exactly when it is
 * stuck, and the queue would keep sending it requests that cannot make their deadline.
 * Pure: the caller passes every instant.
 */
export interface InFlightBatch {
  readonly sentAtMs: number;
  readonly bits: number;
  /** Expected time from the end of its transfer to its answer (mean service and round trip). */
  readonly computeMs: number;
  answerAtMs: number;
}

export class LaneClock {
  private linkFreeAtMs = -Infinity;
  private readonly inFlight: InFlightBatch[] = [];

  /**
   * @param shape.oneServer batches are served one after another (an edge box with one GPU), not side by side
   *   (Function Compute instances).
   * @param shape.sharedLink batches queue on one link (a cellular uplink, the Orin's WAN link), not each on its
   *   own connection (calls from a scheduler in the cloud to Function Compute in the same region).
   */
  constructor(readonly shape: { readonly oneServer: boolean; readonly sharedLink: boolean }) {}

  /** A batch of `bits` left now; returns its handle for `answered`. */
  dispatched(nowMs: number, bits: number, bandwidthMbps: number, computeMs: number): InFlightBatch {
    const batch: InFlightBatch = { sentAtMs: nowMs, bits, computeMs, answerAtMs: 0 };
    const last = this.inFlight.at(-1);
    this.inFlight.push(batch);
    const serverFreeAtMs = this.shape.oneServer && last !== undefined ? last.answerAtMs : nowMs;
    this.schedule(this.inFlight.length - 1, this.linkFreeAtMs, serverFreeAtMs, bandwidthMbps);
    return batch;
  }

  /**
   * The batch was answered (or failed) now: its transfer ended about its service time ago (so did those sent
   * before it); those sent after it are re-timed from there. An idle lane is free now.
   */
  answered(batch: InFlightBatch, nowMs: number, bandwidthMbps: number): void {
    const index = this.inFlight.indexOf(batch);
    if (index < 0) return;
    this.inFlight.splice(index, 1);
    const transferEndMs = nowMs - batch.computeMs;
    this.linkFreeAtMs = transferEndMs;
    if (index < this.inFlight.length) this.schedule(index, transferEndMs, nowMs, bandwidthMbps);
  }

  /**
   * How much later than on an idle lane a batch dispatched now, whose own transfer takes `transferMs`, is
   * expected to be answered: behind the link's queue, and on a one-server lane behind the batch being served.
   */
  waitMs(nowMs: number, transferMs: number): number {
    return Math.max(this.linkFreeInMs(nowMs), this.serverWaitMs(nowMs, transferMs), 0);
  }

  /** Expected time until the link has carried what is in flight (0 when free, or when batches do not share it). */
  linkFreeInMs(nowMs: number): number {
    return this.shape.sharedLink ? Math.max(0, this.linkFreeAtMs + this.delayMs(nowMs) - nowMs) : 0;
  }

  /** On a one-server lane: how long a batch sent now, once across, would wait for the batches ahead of it (0 if none). */
  private serverWaitMs(nowMs: number, transferMs: number): number {
    const last = this.inFlight.at(-1);
    return this.shape.oneServer && last !== undefined ? last.answerAtMs + this.delayMs(nowMs) - nowMs - transferMs : 0;
  }

  /** Expected time until the last batch in flight is answered (0 when none). */
  lastAnswerInMs(nowMs: number): number {
    const last = this.inFlight.at(-1);
    return last === undefined ? 0 : Math.max(0, last.answerAtMs + this.delayMs(nowMs) - nowMs);
  }

  /** Expected time until the first batch in flight is answered (a slot frees); 0 when none is in flight. */
  firstAnswerInMs(nowMs: number): number {
    const first = this.firstAnswerAtMs();
    return Number.isFinite(first) ? Math.max(0, first + this.delayMs(nowMs) - nowMs) : 0;
  }

  /** How much later than expected the lane's work now looks: what its earliest expected answer is overdue by (0 if none). */
  private delayMs(nowMs: number): number {
    const overdueMs = nowMs - this.firstAnswerAtMs();
    return overdueMs > 0 ? overdueMs : 0;
  }

  private firstAnswerAtMs(): number {
    let first = Infinity;
    for (const batch of this.inFlight) first = Math.min(first, batch.answerAtMs);
    return first;
  }

  get batchesInFlight(): number {
    return this.inFlight.length;
  }

  /**
   * Times batches from `from` on: each sends once it was sent and (on a shared link) the link is free, from
   * `linkFreeAtMs` on; on one server, each is served once the one before it is answered, from `serverFreeAtMs` on.
   */
  private schedule(from: number, linkFreeAtMs: number, serverFreeAtMs: number, bandwidthMbps: number): void {
    const bitsPerMs = Math.max(bandwidthMbps, 1e-3) * 1000;
    const { oneServer, sharedLink } = this.shape;
    let linkFree = linkFreeAtMs;
    let serverFree = serverFreeAtMs;
    for (let i = from; i < this.inFlight.length; i++) {
      const batch = this.inFlight[i]!;
      const acrossAtMs = (sharedLink ? Math.max(linkFree, batch.sentAtMs) : batch.sentAtMs) + batch.bits / bitsPerMs;
      if (sharedLink) linkFree = acrossAtMs;
      batch.answerAtMs = (oneServer ? Math.max(acrossAtMs, serverFree) : acrossAtMs) + batch.computeMs;
      serverFree = batch.answerAtMs;
    }
    this.linkFreeAtMs = linkFree;
  }
}
