import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatencyAccumulator, updateProfile } from '../../../shared/core/profiles/accumulator.js';
import { DEFAULT_PROFILES } from '../../../shared/core/profiles/default-profiles.js';
import { fitLatencyModel } from '../../../shared/core/profiles/fit.js';
import { fitProfileSet } from '../../../shared/core/profiles/fit-profiles.js';
import { parseEdgeMeasurements, parseServerlessMeasurements } from '../../../shared/core/profiles/measurements.js';
import { parseProfiles, serialiseProfiles } from '../../../shared/core/profiles/profiles-format.js';
import { defaultCpuForMemory } from '../../../shared/core/profiles/serverless-cpu.js';
import { REPO_ROOT, DATA } from '../../support/paths.js';

const measurements = join(DATA, 'seed', 'measurements');

describe('measurement parsers', () => {
  it('reads the prototype files (CRLF) and takes infer_s for the edge', () => {
    const edge = parseEdgeMeasurements(readFileSync(join(measurements, 'fitting_orin.txt'), 'utf8'), 'fitting_orin.txt');
    expect(edge).toHaveLength(88);
    expect(edge[0]).toEqual({ batch: 1, memoryMb: 32768, latencyMs: 0.04954218864440918 * 1000 });
    const serverless = parseServerlessMeasurements(readFileSync(join(measurements, 'fitting_api_new.txt'), 'utf8'), 'fitting_api_new.txt');
    expect(serverless).toHaveLength(310);
    expect(new Set(serverless.map((s) => s.memoryMb))).toEqual(new Set([1024, 2048, 3072]));
  });

  it('names the file and line of a bad row', () => {
    expect(() => parseServerlessMeasurements('1 1024 0.5\n2 1024 abc\n', 'f.txt')).toThrow('f.txt line 2: Expected a number in column 3');
    expect(() => parseEdgeMeasurements('1 1024 0.5\n', 'o.txt')).toThrow('o.txt line 1: Expected 5 columns');
    expect(() => parseServerlessMeasurements('0 1024 0.5\n', 'f.txt')).toThrow(/batch size/);
    expect(() => parseServerlessMeasurements('\n\n', 'f.txt')).toThrow(/got none/);
  });
});

describe('latency fit', () => {
  it('recovers a noiseless line, with a tail equal to the mean', () => {
    const samples = [1, 2, 4, 8].map((batch) => ({ batch, latencyMs: 100 + 10 * batch }));
    const model = fitLatencyModel(samples);
    expect(model.mean.baseMs).toBeCloseTo(100, 9);
    expect(model.mean.perItemMs).toBeCloseTo(10, 9);
    expect(model.p99.baseMs).toBeCloseTo(100, 9);
    expect(model.rmseMs).toBeCloseTo(0, 9);
  });

  it('scales the tail by the residual quantile (relative residuals +-10%: p99 factor ~1.1)', () => {
    const samples = [1, 2, 3, 4].flatMap((batch) => [0.9, 1.1].map((f) => ({ batch, latencyMs: (50 + 5 * batch) * f })));
    const model = fitLatencyModel(samples);
    expect(model.mean.baseMs).toBeCloseTo(50, 9);
    expect(model.p99.baseMs / model.mean.baseMs).toBeCloseTo(1.1, 9);
    expect(model.rmseMs).toBeGreaterThan(0);
  });

  it('picks the default vCPU at 2 GB per vCPU within FC limits', () => {
    expect(defaultCpuForMemory(1024)).toBe(0.5);
    expect(defaultCpuForMemory(3072)).toBe(1.5);
    expect(defaultCpuForMemory(128)).toBe(0.05);
    expect(() => defaultCpuForMemory(1000)).toThrow(/multiple of 64/);
  });

  it('the shipped default profiles are what refitting data/seed/measurements gives', () => {
    const edge = parseEdgeMeasurements(readFileSync(join(measurements, 'fitting_orin.txt'), 'utf8'), 'fitting_orin.txt');
    const serverless = parseServerlessMeasurements(readFileSync(join(measurements, 'fitting_api_new.txt'), 'utf8'), 'fitting_api_new.txt');
    const refit = fitProfileSet(edge, serverless, 'fit of fitting_orin.txt (edge, infer_s) and fitting_api_new.txt (serverless)');
    const shipped = readFileSync(join(REPO_ROOT, 'shared', 'core', 'profiles', 'default-profiles.json'), 'utf8');
    expect(serialiseProfiles(refit)).toBe(shipped);
    expect(DEFAULT_PROFILES.serverless.map((o) => o.config.memoryMb)).toEqual([1024, 2048, 3072, 4096]);
    expect(DEFAULT_PROFILES.edge.p99.baseMs).toBeGreaterThan(DEFAULT_PROFILES.edge.mean.baseMs);
  });

  it("the default edge line grows like the Orin's GPU time: within 10% of the prototype's 8.2 ms per image", () => {
    // fitting_orin.txt's 4th column is the GPU time (the prototype's own fit: 42 + 8.2 b ms); its 5th, the
    // harness's per-call overhead, is flat in b. Fitting the wrong one gives about 2 ms per image.
    expect(DEFAULT_PROFILES.edge.mean.perItemMs).toBeGreaterThan(8.2 * 0.9);
    expect(DEFAULT_PROFILES.edge.mean.perItemMs).toBeLessThan(8.2 * 1.1);
    expect(DEFAULT_PROFILES.edge.mean.baseMs).toBeLessThan(150);
  });

  it('profiles files round-trip and reject bad fields by name', () => {
    expect(parseProfiles(serialiseProfiles(DEFAULT_PROFILES), 'p.json')).toEqual(DEFAULT_PROFILES);
    const broken = JSON.parse(serialiseProfiles(DEFAULT_PROFILES)) as { serverless: Array<{ config: { cpu: number } }> };
    broken.serverless[1]!.config.cpu = 3;
    expect(() => parseProfiles(JSON.stringify(broken), 'p.json')).toThrow('p.json: serverless[1].config: Expected memory(GB):vCPU between 1:1 and 1:4');
    expect(() => parseProfiles('{"format":"x"}', 'p.json')).toThrow(/format "edgebatch-profiles\/1"/);
  });
});

describe('online update', () => {
  it('moves from the prior to the new data and keeps residuals bounded', () => {
    const prior = fitLatencyModel([1, 2, 4, 8].map((batch) => ({ batch, latencyMs: 100 + 10 * batch })));
    const samples = [];
    for (let i = 0; i < 2000; i += 1) {
      const batch = 1 + (i % 16);
      samples.push({ batch, latencyMs: (200 + 20 * batch) * (i % 2 === 0 ? 0.95 : 1.05) });
    }
    const updated = updateProfile(prior, samples, { maxResiduals: 300 });
    expect(updated.mean.baseMs).toBeGreaterThan(195);
    expect(updated.mean.baseMs).toBeLessThan(202);
    expect(updated.mean.perItemMs).toBeCloseTo(20, 0);
    expect(updated.relativeResiduals).toHaveLength(300);
    expect(updated.p99.baseMs / updated.mean.baseMs).toBeGreaterThan(1.03);
  });

  it('seeding reproduces the model, and the record round-trips', () => {
    const prior = DEFAULT_PROFILES.edge;
    const accumulator = LatencyAccumulator.fromModel(prior);
    expect(accumulator.model().mean.baseMs).toBeCloseTo(prior.mean.baseMs, 6);
    expect(accumulator.model().rmseMs).toBeCloseTo(prior.rmseMs, 6);
    accumulator.add(10, 500);
    const copy = LatencyAccumulator.fromRecord(JSON.parse(JSON.stringify(accumulator.toRecord())));
    expect(copy.model()).toEqual(accumulator.model());
    expect(() => accumulator.add(0, 5)).toThrow(/batch size/);
  });
});
