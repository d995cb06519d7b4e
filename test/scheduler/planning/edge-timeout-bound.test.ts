/**
 * An edge call that ran out of its time bounds the edge's link from above: on a link too slow for the load the
 * agent never reads a byte of an abandoned batch, so this bound is the only measurement the scheduler gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type SchedulerInstance } from '../../../functions/scheduler/create-scheduler.js';
import { createLogger } from '../../../functions/scheduler/ops/logger.js';
import { SchedulerConfigSchema } from '../../../shared/protocol/config.js';

describe('PlanningService.observeEdgeTimeout', () => {
  let scheduler: SchedulerInstance;

  beforeAll(async () => {
    const config = SchedulerConfigSchema.parse({ server: { host: '127.0.0.1', port: 0 }, store: { kind: 'memory' }, lanes: { edge: { urls: ['http://127.0.0.1:9/v1/batch'] } } });
    scheduler = await createScheduler(config, { logger: createLogger({ level: 'error', destination: { write: () => {} } }) });
  });
  afterAll(() => scheduler.close());

  const edgeMbps = () => scheduler.engine.state.current.links.edge.bandwidthMbps;

  it('lowers the edge estimate to bits over the time they had, when that is slower than the estimate', () => {
    const before = edgeMbps();
    expect(before).toBe(20); // the configured start
    // 24 KB that had not been answered after 1 s: the link carried it at 0.19 Mbit/s at most.
    scheduler.planning.observeEdgeTimeout(24_000 * 8, 1_000, Date.now());
    expect(edgeMbps()).toBeCloseTo(0.192, 3);
  });

  it('ignores a bound above the estimate (a call can time out for reasons other than the link)', () => {
    const before = edgeMbps();
    scheduler.planning.observeEdgeTimeout(10_000_000 * 8, 1_000, Date.now());
    expect(edgeMbps()).toBe(before);
  });
});
