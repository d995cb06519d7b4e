/**
 * Which lane a request goes to: smooth weighted round-robin over the plan's shares (the algorithm nginx uses
 * for upstream weights). Each candidate gains its weight in credit, the richest wins and pays back the total.
 * Deterministic, and over any window the lanes' counts stay within one of their exact shares (shares 0.25 /
 * 0.75 give e, s, s, s, e, s, s, s, ...), so batches fill at the rates the planner expected.
 */
import { LANE_IDS, type LaneId } from '../types.js';

export class LanePicker {
  private readonly credit: Record<LaneId, number> = { edge: 0, serverless: 0 };

  /**
   * Picks one of `candidates` (true = may take this request) weighted by `weights`; undefined when none.
   * Lanes that are not candidates keep their credit, so a lane briefly excluded (say, too slow for one tight
   * deadline) is not owed a burst afterwards beyond what it had.
   */
  pick(candidates: Readonly<Record<LaneId, boolean>>, weights: Readonly<Record<LaneId, number>>): LaneId | undefined {
    let best: LaneId | undefined;
    let total = 0;
    for (const lane of LANE_IDS) {
      if (!candidates[lane]) continue;
      const weight = weights[lane];
      this.credit[lane] += weight;
      total += weight;
      if (best === undefined || this.credit[lane] > this.credit[best]) best = lane;
    }
    if (best !== undefined) this.credit[best] -= total;
    return best;
  }

  /** Forget a lane's credit (it left the rotation: unhealthy or share 0), so it does not come back owed. */
  reset(lane: LaneId): void {
    this.credit[lane] = 0;
  }
}
