import { describe, expect, it } from 'vitest';
import { ServiceTally } from '../../functions/scheduler/ops/service-tally.js';

describe('ServiceTally', () => {
  it('measures attainment over every request that ended, since start and over the recent intervals', () => {
    const tally = new ServiceTally(2);
    expect(tally.sinceStart()).toEqual({ requests: 0, withinSlo: 0, attainment: null });
    tally.answered(400, 1000);
    tally.answered(1200, 1000); // late: a miss
    tally.failed(); // an error or a refusal: a miss too
    tally.closeInterval();
    tally.answered(1000, 1000); // exactly at the SLO counts as within
    tally.closeInterval();
    tally.answered(10, 1000);
    expect(tally.sinceStart()).toEqual({ requests: 5, withinSlo: 3, attainment: 0.6 });
    expect(tally.recent()).toEqual({ requests: 5, withinSlo: 3, attainment: 0.6 }); // two closed intervals and the open one
    tally.closeInterval(); // the first interval leaves the window
    expect(tally.recent()).toEqual({ requests: 2, withinSlo: 2, attainment: 1 });
    expect(tally.sinceStart()).toEqual({ requests: 5, withinSlo: 3, attainment: 0.6 });
  });

  it('counts hedges per lane and their extra cost', () => {
    const tally = new ServiceTally();
    tally.hedgeSent('serverless', 3);
    tally.hedgeSent('edge', 1);
    tally.hedgeWon('serverless');
    tally.hedgeCost(0.0001);
    tally.hedgeCost(-1); // not a cost
    expect(tally.hedges()).toEqual({ sent: { edge: 1, serverless: 3 }, won: { edge: 0, serverless: 1 }, costUsd: 0.0001 });
  });
});
