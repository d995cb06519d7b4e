/** The scheduler's replanController applies a runtime config patch to its detectors' rules, keeping their state. */
import { describe, expect, it } from 'vitest';
import { LiveReplanController } from '../../../functions/scheduler/planning/live-replan-controller.js';
import { applyConfigPatch } from '../../../shared/protocol/config-patch.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';
import { SchedulerConfigSchema } from '../../../shared/protocol/config.js';

describe('LiveReplanController.configure', () => {
  it('takes a patched change threshold into the rate and bandwidth rules', () => {
    const config = SchedulerConfigSchema.parse({ server: { host: '127.0.0.1' }, planner: { changeThreshold: 0.5 } });
    let inputs = { config, profiles: DEFAULT_PROFILES };
    const replanController = new LiveReplanController(() => inputs);
    for (let i = 1; i <= 20; i++) replanController.observeArrivals(20, 1000, i * 1000);
    const before = replanController.toRecord();
    inputs = { ...inputs, config: applyConfigPatch(config, { planner: { changeThreshold: 0.8 } }) };
    replanController.configure();
    const after = replanController.toRecord();
    expect([before.rate.rule.threshold, after.rate.rule.threshold, after.bandwidth.edge.rule.threshold]).toEqual([0.5, 0.8, 0.8]);
    expect(after.rate.detector.steps).toBe(before.rate.detector.steps);
  });
});
