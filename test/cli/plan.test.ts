import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';

const bin = join(REPO_ROOT, 'bin', 'edgebatch.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'plan', ...args], { encoding: 'utf8', cwd: REPO_ROOT });

describe('edgebatch plan', () => {
  it('prints a JSON plan for the edge link that reaches the SLO target', () => {
    const result = run('--rps', '48', '--bandwidth', '20', '--slo', '2', '--json');
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout) as { policy: string; sloMs: number; sloTarget: number; bandwidthMbps: { edge: number; serverless: number }; lanes: { edge: { share: number } }; predicted: { attainment: number } };
    expect(plan.policy).toBe('ours');
    expect(plan.sloMs).toBe(2000);
    expect(plan.sloTarget).toBe(0.999);
    // --bandwidth is the edge's link; FC is in the scheduler's region.
    expect(plan.bandwidthMbps).toEqual({ edge: 20, serverless: 1000 });
    expect(plan.lanes.edge.share).toBe(1);
    expect(plan.predicted.attainment).toBeGreaterThanOrEqual(0.999);
  });

  it('on a slow edge link splits the traffic, and honours --target', () => {
    const result = run('--rps', '48', '--bandwidth', '2', '--json');
    const plan = JSON.parse(result.stdout) as { lanes: { edge: { share: number } }; warmInstances: number; predicted: { attainment: number } };
    expect(plan.lanes.edge.share).toBeGreaterThan(0);
    expect(plan.lanes.edge.share).toBeLessThan(1);
    expect(plan.predicted.attainment).toBeGreaterThanOrEqual(0.999);
    const table = run('--rps', '48', '--bandwidth', '2', '--target', '0.99');
    expect(table.stdout).toMatch(/predicted \d+\.\d{2}% of requests within 1 s \(target 99\.00%\)/);
    expect(run('--rps', '48', '--bandwidth', '2', '--target', '1.5').status).toBe(2);
  });

  it('keeps FC instances warm where the load reaches its peak pool too seldom to keep it alive', () => {
    // An edge link too slow for one image in time: FC takes every request, at 0.5 req/s.
    const plan = JSON.parse(run('--rps', '0.5', '--bandwidth', '0.05', '--json').stdout) as { lanes: { serverless: { share: number } }; warmInstances: number };
    expect(plan.lanes.serverless.share).toBe(1);
    expect(plan.warmInstances).toBeGreaterThan(0);
  });

  it('shows the seed policy as a table', () => {
    const result = run('--rps', '200', '--bandwidth', '20', '--policy', 'seed');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/policy seed/);
    expect(result.stdout).toMatch(/edge\s+50\s+400 ms\s+50\.0%/);
  });

  it('prints the best-effort plan with its predicted attainment when no plan reaches the target', () => {
    // The prototype's topology overloaded: a LAN Orin carries about 125 req/s, the FC uplink a few.
    const args = ['--rps', '160', '--bandwidth', '0.9', '--traced-lane', 'serverless', '--slo', '1', '--best-effort'];
    const result = run(...args, '--json');
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout) as { sloMs: number; bandwidthMbps: { edge: number; serverless: number }; lanes: { edge: { share: number }; serverless: { share: number } }; predicted: { attainment: number } };
    expect(plan.sloMs).toBe(1000);
    expect(plan.bandwidthMbps).toEqual({ edge: 100, serverless: 0.9 });
    expect(plan.lanes.edge.share + plan.lanes.serverless.share).toBeCloseTo(1, 9);
    expect(plan.predicted.attainment).toBeGreaterThan(0.5);
    expect(plan.predicted.attainment).toBeLessThan(0.999);
    expect(run(...args).stdout).toMatch(/best effort: no plan reaches 99\.90%; predicted \d+\.\d{2}% of requests within 1 s/);
  });

  it('exits 1 naming the smallest latency that reaches the target, and 2 on bad usage', () => {
    const infeasible = run('--rps', '48', '--bandwidth', '20', '--slo', '0.2');
    expect(infeasible.status).toBe(1);
    expect(infeasible.stderr).toMatch(/the smallest latency at which 99\.90% can be reached is \d+\.\d{3} s/);
    const bad = run('--rps', 'fast', '--bandwidth', '20');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--rps: Expected a number');
    expect(run('--bandwidth', '20').status).toBe(2);
    expect(run('--rps', '1', '--bandwidth', '20', '--profiles', '/nonexistent.json').status).toBe(3);
  });
});
