import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseProfiles } from '../../shared/core/profiles/profiles-format.js';
import { parseEdgeMeasurements, parseServerlessMeasurements } from '../../shared/core/profiles/measurements.js';
import { DEFAULT_PROFILES } from '../../shared/core/profiles/default-profiles.js';
import { RequestVerifier } from '../../shared/protocol/auth.js';
import { getModelRunner } from '../../shared/model/runner.js';
import { createEdgeAgentApp } from '../../edge-agent/app.js';
import { TelemetryBuffer } from '../../edge-agent/telemetry-buffer.js';
import { createInferenceApp } from '../../functions/inference/local-app.js';
import { command } from '../../cli/commands/calibrate.js';
import { EXIT } from '../../cli/command.js';
import { REPO_ROOT } from '../support/paths.js';
import { SECRET, listen, type Running } from './support.js';

describe('edgebatch calibrate against a live edge agent and local inference function', () => {
  let agent: Running;
  let inference: Running;
  const telemetry = new TelemetryBuffer();

  beforeAll(async () => {
    const model = getModelRunner();
    await model.load();
    const clock = { now: () => performance.now(), wallNow: () => Date.now() };
    const limits = { maxBatchBytes: 8 * 1024 * 1024, concurrency: 1, maxQueuedBatches: 4, minTransferSampleBytes: 64 * 1024 };
    agent = await listen(createEdgeAgentApp({ model, verifier: new RequestVerifier(SECRET), clock, telemetry, limits }).app.fetch);
    inference = await listen(createInferenceApp({ model, maxBodyBytes: 8 * 1024 * 1024 }).fetch);
  });
  afterAll(async () => {
    await agent.close();
    await inference.close();
  });

  it('sends signed batches of each size, fits both lanes and writes a profiles file and raw measurements', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calibrate-'));
    const out = join(dir, 'profiles.json');
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    let code: number;
    try {
      code = await command.run([
        '--edge', agent.url, '--serverless', `${inference.url}/v1/batch`, '--images', join(REPO_ROOT, 'test', 'fixtures', 'images'),
        '--batches', '1,3', '--repeats', '2', '--warmup', '0', '--secret', SECRET, '--memory', '1024', '--out', out, '--measurements', dir,
      ]);
    } finally {
      log.mockRestore();
    }
    expect(code).toBe(EXIT.ok);
    const profiles = parseProfiles(readFileSync(out, 'utf8'), 'profiles.json');
    expect(profiles.edge.samples).toBe(4);
    expect(profiles.edge.mean.perItemMs).toBeGreaterThanOrEqual(0);
    expect(profiles.serverless.map((option) => option.config.memoryMb)).toEqual([1024]);
    expect(profiles.source).toMatch(/^edgebatch calibrate of edge http:\/\/127\.0\.0\.1:\d+\/v1\/batch and serverless .* as 1024 MB$/);
    // The agent saw 2 batches of each size and kept one latency sample per batch.
    expect(telemetry.snapshot().batches.map((sample) => sample.batchSize)).toEqual([1, 1, 3, 3]);
    // The raw samples read back with the prototype-format parsers `edgebatch fit` uses.
    const edge = parseEdgeMeasurements(readFileSync(join(dir, 'edge.txt'), 'utf8'), 'edge.txt');
    expect(edge.map((sample) => sample.batch)).toEqual([1, 1, 3, 3]);
    const serverless = parseServerlessMeasurements(readFileSync(join(dir, 'serverless.txt'), 'utf8'), 'serverless.txt');
    expect(serverless.map((sample) => [sample.batch, sample.memoryMb])).toEqual([[1, 1024], [1, 1024], [3, 1024], [3, 1024]]);
    expect(printed.at(-1)!.endsWith(`\nwrote ${out}`)).toBe(true);
  });

  it('keeps the built-in profile of a lane it did not measure', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'calibrate-')), 'p.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await command.run(['--edge', agent.url, '--batches', '1,2', '--repeats', '2', '--warmup', '0', '--secret', SECRET, '--out', out])).toBe(EXIT.ok);
    } finally {
      log.mockRestore();
    }
    const profiles = parseProfiles(readFileSync(out, 'utf8'), 'p.json');
    expect(profiles.serverless).toEqual(DEFAULT_PROFILES.serverless);
    expect(profiles.source).toContain(`serverless from ${DEFAULT_PROFILES.source}`);
  });

  it('stops with the agent\'s own reason when it refuses the batches', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await expect(command.run(['--edge', agent.url, '--batches', '1,2', '--repeats', '2', '--secret', 'not-the-right-secret'])).rejects.toThrow(
        /answered 401: Signature does not match$/,
      );
      await expect(command.run(['--edge', 'ftp://x', '--batches', '1,2'])).rejects.toThrow('--edge: Expected an http(s) URL, got "ftp://x".');
      await expect(command.run(['--edge', agent.url, '--batches', '4,4'])).rejects.toThrow(/--batches: Expected at least two distinct batch sizes/);
    } finally {
      log.mockRestore();
    }
  });
});
