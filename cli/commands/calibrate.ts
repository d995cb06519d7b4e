import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_PROFILES } from '../../shared/core/profiles/default-profiles.js';
import { fitLatencyModel } from '../../shared/core/profiles/fit.js';
import { fitServerlessOptions } from '../../shared/core/profiles/fit-profiles.js';
import { serialiseProfiles } from '../../shared/core/profiles/profiles-format.js';
import type { ProfileSet } from '../../shared/core/types.js';
import { quantileSorted } from '../../shared/core/stats/quantile-sorted.js';
import { signRequest } from '../../shared/protocol/auth.js';
import { BATCH_CONTENT_TYPE, encodeBatch, NO_LINK_SAMPLE_HEADER, parseBatchResponse, type BatchItem } from '../../shared/protocol/batch.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { BUNDLED_IMAGES_DIR } from '../bundled-assets.js';
import { EXIT, InputError, UsageError, type Command } from '../command.js';
import { profilesTable } from './fit.js';

const DEFAULT_IMAGES = [BUNDLED_IMAGES_DIR];
const IMAGE_TYPES: Readonly<Record<string, string>> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

const usage = `Usage: edgebatch calibrate --edge URL [--serverless URL] [options]

Measures a lane's batch latency over a range of batch sizes by sending real signed batches of real images,
fits the latency profile (mean and p99 lines in batch size) and writes the profiles file that plan,
simulate and the scheduler take. The prototype's "test the GPU" step as one command.

  --edge URL          an edge agent (its base URL or its /v1/batch URL)
  --serverless URL    the inference function served over HTTP (npm run inference)
  --images DIR        images to send, cycled to fill each batch (default: data/seed/images, the
                      prototype's request image)
  --batches LIST      batch sizes (default 1,2,4,8,16,32)
  --repeats N         timed batches per size (default 5), after --warmup N untimed ones (default 1)
  --secret S          HMAC secret for the edge agent (default: EDGE_SECRET; unsigned when neither is set)
  --memory MB         the memory size the serverless samples stand for (default 2048)
  --out FILE          write the profiles file (JSON, edgebatch-profiles/1); a lane not measured keeps the
                      built-in profile
  --measurements DIR  also write the raw samples in the prototype's formats (edge.txt, serverless.txt),
                      which \`edgebatch fit\` reads
  --timeout-ms MS     give up on a batch after this long (default 60000)

The fitted latency is the lane's service time (the agent's or function's time from receiving the whole batch
to answering it); the round trip, which adds the transfer, is printed beside it.

Example:
  EDGE_SECRET=... edgebatch calibrate --edge http://10.0.0.5:9200 --batches 1,4,16,32 --out profiles.json`;

interface Sample {
  readonly batch: number;
  readonly serviceMs: number;
  readonly roundTripMs: number;
}

function batchUrl(raw: string, option: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--${option}: Expected an http(s) URL, got "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--${option}: Expected an http(s) URL, got "${raw}".`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/batch';
  return url.toString();
}

function batchSizes(raw: string | undefined): number[] {
  const text = raw ?? '1,2,4,8,16,32';
  const sizes = text.split(',').map((part) => Number(part.trim()));
  if (sizes.length < 2 || sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 1024) || new Set(sizes).size !== sizes.length) {
    throw new UsageError(`--batches: Expected at least two distinct batch sizes from 1 to 1024, comma-separated, got "${text}".`);
  }
  return sizes;
}

function readImages(dir: string | undefined): { items: Omit<BatchItem, 'id'>[]; from: string } {
  const candidates = dir ? [dir] : DEFAULT_IMAGES;
  for (const folder of candidates) {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      if (dir) throw new InputError(`--images: cannot read folder ${folder}`);
      continue;
    }
    const items = names
      .filter((name) => IMAGE_TYPES[extname(name).toLowerCase()] && statSync(join(folder, name)).isFile())
      .map((name) => ({ contentType: IMAGE_TYPES[extname(name).toLowerCase()]!, data: new Uint8Array(readFileSync(join(folder, name))) }));
    if (items.length > 0) return { items, from: folder };
    if (dir) throw new InputError(`--images: no .jpg, .jpeg, .png or .webp files in ${folder}`);
  }
  throw new InputError(`No images found in ${candidates.join(' or ')}; pass --images DIR`);
}

/** Sends one batch and times it; throws with the lane's own error message when it refuses. */
async function sendBatch(url: string, items: readonly BatchItem[], secret: string | undefined, timeoutMs: number, batchId: string): Promise<Sample> {
  const body = encodeBatch(batchId, Date.now(), items);
  // Calibration times the lanes' service, often by a path that bypasses the edge's real link: not a link sample.
  const headers: Record<string, string> = { 'content-type': BATCH_CONTENT_TYPE, [NO_LINK_SAMPLE_HEADER]: '1' };
  if (secret) Object.assign(headers, signRequest(secret, 'POST', new URL(url).pathname, body, Date.now()));
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new InputError(`${url}: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}`);
  }
  const text = await response.text();
  const roundTripMs = performance.now() - started;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`${url} answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) {
    const error = (json as { error?: { message?: string } }).error;
    throw new InputError(`${url} answered ${response.status}: ${error?.message ?? text.slice(0, 200)}`);
  }
  const parsed = parseBatchResponse(json, items.map((item) => item.id));
  const failed = parsed.results.find((result) => !result.ok);
  if (failed && !failed.ok) throw new InputError(`${url}: image ${failed.id} failed: ${failed.error.message}`);
  return { batch: items.length, serviceMs: parsed.timings.totalMs, roundTripMs };
}

async function measureLane(name: string, url: string, images: readonly Omit<BatchItem, 'id'>[], sizes: readonly number[], options: { repeats: number; warmup: number; secret: string | undefined; timeoutMs: number }): Promise<Sample[]> {
  const samples: Sample[] = [];
  let sequence = 0;
  console.log(`${name}: ${url}`);
  console.log(`  ${'batch'.padStart(5)} ${'service mean'.padStart(13)} ${'p50'.padStart(8)} ${'max'.padStart(8)} ${'round trip mean'.padStart(16)}`);
  for (const size of sizes) {
    const items = Array.from({ length: size }, (_, index) => ({ id: `img-${index}`, ...images[index % images.length]! }));
    for (let i = 0; i < options.warmup; i++) await sendBatch(url, items, options.secret, options.timeoutMs, `calibrate-${name}-${sequence++}`);
    const timed: Sample[] = [];
    for (let i = 0; i < options.repeats; i++) timed.push(await sendBatch(url, items, options.secret, options.timeoutMs, `calibrate-${name}-${sequence++}`));
    samples.push(...timed);
    const service = timed.map((sample) => sample.serviceMs).sort((a, b) => a - b);
    const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const f = (value: number) => value.toFixed(1).padStart(8);
    console.log(`  ${String(size).padStart(5)} ${f(mean(service)).padStart(13)} ${f(quantileSorted(service, 0.5))} ${f(service.at(-1)!)} ${f(mean(timed.map((s) => s.roundTripMs))).padStart(16)}   ms`);
  }
  return samples;
}

export const command: Command = {
  summary: 'measure a lane\'s batch latency with real images and write a profiles file',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      edge: { type: 'string' },
      serverless: { type: 'string' },
      images: { type: 'string' },
      batches: { type: 'string' },
      repeats: { type: 'string' },
      warmup: { type: 'string' },
      secret: { type: 'string' },
      memory: { type: 'string' },
      out: { type: 'string' },
      measurements: { type: 'string' },
      'timeout-ms': { type: 'string' },
    });
    if (!values.edge && !values.serverless) throw new UsageError('--edge URL (and/or --serverless URL) is required.');
    const sizes = batchSizes(values.batches);
    const repeats = numberOption('repeats', values.repeats, 5, 2, 1000);
    const warmup = numberOption('warmup', values.warmup, 1, 0, 100);
    const memoryMb = numberOption('memory', values.memory, 2048, 128, 32768);
    if (memoryMb % 64 !== 0) throw new UsageError(`--memory: Expected a multiple of 64 MB, got "${values.memory}".`);
    const timeoutMs = numberOption('timeout-ms', values['timeout-ms'], 60_000, 1);
    const edgeUrl = values.edge ? batchUrl(values.edge, 'edge') : undefined;
    const serverlessUrl = values.serverless ? batchUrl(values.serverless, 'serverless') : undefined;
    const { items: images, from } = readImages(values.images);
    console.log(`images: ${images.length} from ${from}; batch sizes ${sizes.join(', ')}; ${repeats} timed (+${warmup} warm-up) per size`);

    const secret = values.secret ?? process.env.EDGE_SECRET ?? undefined;
    const common = { repeats, warmup, timeoutMs };
    const edge = edgeUrl ? await measureLane('edge', edgeUrl, images, sizes, { ...common, secret }) : [];
    const serverless = serverlessUrl ? await measureLane('serverless', serverlessUrl, images, sizes, { ...common, secret: undefined }) : [];

    const measured: string[] = [];
    let set: ProfileSet = DEFAULT_PROFILES;
    if (edge.length > 0) {
      set = { ...set, edge: fitLatencyModel(edge.map((s) => ({ batch: s.batch, latencyMs: s.serviceMs }))) };
      measured.push(`edge ${edgeUrl}`);
    }
    if (serverless.length > 0) {
      const fitted = fitServerlessOptions(serverless.map((s) => ({ batch: s.batch, memoryMb, latencyMs: s.serviceMs })), { extrapolateMemoryMb: [] });
      set = { ...set, serverless: fitted.options };
      measured.push(`serverless ${serverlessUrl} as ${memoryMb} MB`);
    }
    const kept = [edge.length === 0 ? 'edge' : '', serverless.length === 0 ? 'serverless' : ''].filter(Boolean);
    set = { ...set, source: `edgebatch calibrate of ${measured.join(' and ')}${kept.length > 0 ? `; ${kept.join(' and ')} from ${DEFAULT_PROFILES.source}` : ''}` };

    if (values.measurements) {
      mkdirSync(values.measurements, { recursive: true });
      const s = (ms: number) => (ms / 1000).toFixed(6);
      // The prototype's formats: edge "batch memoryMB total_s infer_s other_s" (memory a placeholder, 32768 as in fitting_orin.txt), serverless "batch memoryMB latency_s".
      if (edge.length > 0) writeFileSync(join(values.measurements, 'edge.txt'), edge.map((x) => `${x.batch} 32768 ${s(x.roundTripMs)} ${s(x.serviceMs)} ${s(Math.max(0, x.roundTripMs - x.serviceMs))}`).join('\n') + '\n');
      if (serverless.length > 0) writeFileSync(join(values.measurements, 'serverless.txt'), serverless.map((x) => `${x.batch} ${memoryMb} ${s(x.serviceMs)}`).join('\n') + '\n');
    }
    if (values.out) writeFileSync(values.out, serialiseProfiles(set));
    console.log(`\n${profilesTable(set)}${values.out ? `\nwrote ${values.out}` : ''}`);
    return EXIT.ok;
  },
};
