import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';

const bin = join(REPO_ROOT, 'bin', 'edgebatch.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'plan', ...args], { encoding: 'utf8', cwd: REPO_ROOT });

describe('edgebatch plan', () => {
  it('prints a JSON plan whose lanes are within the SLO', () => {
    const result = run('--rps', '48', '--bandwidth', '20', '--slo', '2', '--json');
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout) as { policy: string; sloMs: number; lanes: { edge: { share: number } }; predicted: { p99LatencyMs: { edge: number } } };
    expect(plan.policy).toBe('ours');
    expect(plan.sloMs).toBe(2000);
    expect(plan.lanes.edge.share).toBe(1);
    expect(plan.predicted.p99LatencyMs.edge).toBeLessThanOrEqual(2000);
  });

  it('shows the seed policy as a table', () => {
    const result = run('--rps', '200', '--bandwidth', '20', '--policy', 'seed');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/policy seed/);
    expect(result.stdout).toMatch(/edge\s+50\s+400 ms\s+50\.0%/);
  });

  it('prints the best-effort plan with its predicted attainment when the p99 cannot be promised', () => {
    const result = run('--rps', '48', '--bandwidth', '0.9', '--slo', '1', '--best-effort', '--json');
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout) as { sloMs: number; lanes: { edge: { share: number }; serverless: { share: number } }; predicted: { attainment: number } };
    expect(plan.sloMs).toBe(1000);
    expect(plan.lanes.edge.share + plan.lanes.serverless.share).toBeCloseTo(1, 9);
    expect(plan.predicted.attainment).toBeGreaterThan(0.5);
    expect(plan.predicted.attainment).toBeLessThan(1);
    const table = run('--rps', '48', '--bandwidth', '0.9', '--slo', '1', '--best-effort');
    expect(table.stdout).toMatch(/best effort: .* predicted \d+\.\d% of requests within the SLO/);
  });

  it('exits 1 naming the smallest feasible SLO, and 2 on bad usage', () => {
    const infeasible = run('--rps', '48', '--bandwidth', '20', '--slo', '0.5');
    expect(infeasible.status).toBe(1);
    expect(infeasible.stderr).toMatch(/smallest SLO that can be met is \d+\.\d{3} s/);
    const bad = run('--rps', 'fast', '--bandwidth', '20');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--rps: Expected a number');
    expect(run('--bandwidth', '20').status).toBe(2);
    expect(run('--rps', '1', '--bandwidth', '20', '--profiles', '/nonexistent.json').status).toBe(3);
  });
});
