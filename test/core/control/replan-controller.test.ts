import { describe, expect, it } from 'vitest';
import { ReplanController, type ControllerPlanRequest } from '../../../shared/core/control/index.js';
import type { Plan } from '../../../shared/core/types.js';
import { drive, recordingPlanner } from './controller-drive.js';

describe('ReplanController', () => {
  it('plans first, then re-plans promptly on a real rate change and estimates the new rate', () => {
    const { planner } = recordingPlanner();
    const controller = new ReplanController({ planner });
    const replans = drive(controller, 240, (s) => (s < 120 ? 20 : 60), () => 10);
    expect(replans[0]).toEqual({ second: 0, reason: 'initial' });
    const afterChange = replans.filter((r) => r.second >= 120);
    expect(afterChange[0]?.reason).toBe('rate-change');
    expect(afterChange[0]!.second).toBeLessThan(130);
    expect(Math.abs(controller.estimates.rateRps - 60)).toBeLessThan(5);
    expect(controller.estimates.lastChangepointMs.rate).toBeGreaterThanOrEqual(115_000);
    // Before the change (once the first-second estimate has been corrected by drift): no re-plan for nothing.
    expect(replans.filter((r) => r.second > 15 && r.second < 120)).toEqual([]);
  });

  it('re-plans on a bandwidth drop and follows the new level', () => {
    const { planner } = recordingPlanner();
    const controller = new ReplanController({ planner });
    const replans = drive(controller, 200, () => 30, (s) => (s < 100 ? 12 : 3));
    const change = replans.find((r) => r.second >= 100);
    expect(change?.reason).toBe('bandwidth-change');
    expect(change!.second).toBeLessThan(110);
    expect(controller.estimates.bandwidthMbps.serverless).toBeGreaterThan(2.5);
    expect(controller.estimates.bandwidthMbps.serverless).toBeLessThan(3.5);
  });

  it('re-plans at most rarely over a long stationary series', () => {
    const { planner } = recordingPlanner();
    const controller = new ReplanController({ planner });
    const replans = drive(controller, 1800, () => 45, () => 8, 5);
    expect(replans.length).toBeLessThanOrEqual(3);
  });

  it('skips a re-plan whose plan equals the current one', () => {
    const calls: ControllerPlanRequest[] = [];
    const constant = (request: ControllerPlanRequest): Plan => {
      calls.push(request);
      return { ...recordingPlanner().planner({ ...request, rateRps: 20, bandwidthMbps: { edge: 100, serverless: 10 } }) };
    };
    const controller = new ReplanController({ planner: constant });
    const replans = drive(controller, 240, (s) => (s < 120 ? 20 : 60), () => 10);
    expect(replans.map((r) => r.reason)).toEqual(['initial']);
    expect(calls.length).toBeGreaterThan(1); // it did consult the planner after the change
  });

  it('re-plans when a lane changes health', () => {
    const { planner, calls } = recordingPlanner();
    const controller = new ReplanController({ planner });
    drive(controller, 10, () => 20, () => 10);
    controller.setLaneHealth('serverless', false);
    const decided = controller.decide(11_000);
    expect(decided?.reason).toBe('lane-health');
    expect(calls[calls.length - 1]!.lanesHealthy).toEqual({ edge: true, serverless: false });
  });

  it('resumes exactly from its JSON record', () => {
    const a = new ReplanController({ planner: recordingPlanner().planner });
    drive(a, 150, (s) => (s < 100 ? 20 : 50), () => 10, 3);
    const record = JSON.parse(JSON.stringify(a.toRecord()));
    const b = ReplanController.fromRecord(record, { planner: recordingPlanner().planner });
    const rest = (c: ReplanController) => drive(c, 150, (s) => (s < 200 ? 50 : 15), (s) => (s < 220 ? 10 : 2), 9, 150);
    expect(rest(b)).toEqual(rest(a));
    expect(b.estimates).toEqual(a.estimates);
  });

  it('takes its settings from the options, not from the record: a changed configuration applies on restore', () => {
    const a = new ReplanController({ planner: recordingPlanner().planner, rateRule: { threshold: 0.5 }, rateDetector: { expectedSegmentLength: 250 } });
    drive(a, 60, () => 20, () => 10);
    const options = { planner: recordingPlanner().planner, rateRule: { threshold: 0.8 }, bandwidthRule: { threshold: 0.95 }, rateDetector: { expectedSegmentLength: 100 } };
    const b = ReplanController.fromRecord(JSON.parse(JSON.stringify(a.toRecord())), options).toRecord();
    expect([b.rate.rule.threshold, b.bandwidth.edge.rule.threshold, b.bandwidth.serverless.rule.threshold]).toEqual([0.8, 0.95, 0.95]);
    expect(b.rate.detector.options.expectedSegmentLength).toBe(100);
    // The state itself carries over.
    expect(b.rate.detector.steps).toBe(a.toRecord().rate.detector.steps);
    expect(b.rate.segment).toEqual(a.toRecord().rate.segment);
  });

  it('refuses bad observations with a clear message', () => {
    const controller = new ReplanController({ planner: recordingPlanner().planner });
    expect(() => controller.observeArrivals(-1, 1000, 0)).toThrow(/Expected a count >= 0/);
    expect(() => controller.observeBandwidth('edge', Number.NaN, 0)).toThrow(/Expected a bandwidth sample/);
    expect(() => ReplanController.fromRecord({ version: 2 } as never, { planner: recordingPlanner().planner })).toThrow(/version 1/);
  });
});
