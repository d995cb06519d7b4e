/**
 * The live system end to end: inference function, edge agent behind a shaped link and scheduler, each its own
 * process on loopback (startLocalStack, as `npm start` runs them), real JPEG/PNG images, the real ONNX model.
 * The link is shaped to a fast constant rate: bandwidth adaptation is not this file's subject.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as calibrate } from '../../cli/commands/calibrate.js';
import { startLocalStack, type LocalStack } from '../../cli/stack/local-stack.js';
import { bandwidthTrace } from '../../shared/core/traces/index.js';
import { getModelRunner } from '../../shared/model/runner.js';
import type { ItemResult } from '../../shared/protocol/batch.js';
import { REPO_ROOT, DATA } from '../support/paths.js';
import { getPlan, infer, putConfig, type InferReply } from './support/live.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'images');
// Generous: the model runs on a shared CPU, and the point here is correctness of answers, not attainment.
const SLO_MS = 5000;

interface TestImage {
  readonly name: string;
  readonly data: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
}

async function realImages(): Promise<TestImage[]> {
  const hello = readFileSync(join(FIXTURES, 'text-hello.jpg'));
  const images: TestImage[] = [
    { name: 'text-hello.jpg', data: hello, contentType: 'image/jpeg' },
    { name: 'text-fox.png', data: readFileSync(join(FIXTURES, 'text-fox.png')), contentType: 'image/png' },
    { name: 'seed-1.jpg', data: readFileSync(join(DATA, 'seed', 'images', '1.jpg')), contentType: 'image/jpeg' },
    { name: 'seed-crop.jpg', data: readFileSync(join(FIXTURES, 'seed-crop.jpg')), contentType: 'image/jpeg' },
    // Upside-down text: the classifier's other label, so agreement is not just "always 0".
    { name: 'text-hello-180.png', data: new Uint8Array(await sharp(hello).rotate(180).png().toBuffer()), contentType: 'image/png' },
  ];
  return images;
}

/** Sends `count` requests spread evenly over `spreadMs` (0: all at once), cycling through the images. */
function burst(url: string, images: readonly TestImage[], count: number, spreadMs = 0): Promise<Array<{ image: TestImage; reply: InferReply }>> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const image = images[index % images.length]!;
      if (spreadMs > 0) await new Promise((resolve) => setTimeout(resolve, (index * spreadMs) / count));
      return { image, reply: await infer(url, image.data, image.contentType) };
    }),
  );
}

describe('live system over loopback HTTP with the real model', () => {
  let stack: LocalStack;
  let images: TestImage[];
  const workDir = mkdtempSync(join(tmpdir(), 'edgebatch-live-'));

  beforeAll(async () => {
    images = await realImages();
    stack = await startLocalStack({
      stateDir: workDir,
      // As `npm start` does: measure both lanes first, so the planner's profiles are this machine's.
      prepare: async ({ edgeDirectUrl, inferenceUrl, secret }) => {
        const out = join(workDir, 'profiles.json');
        const code = await calibrate.run(['--edge', edgeDirectUrl, '--serverless', inferenceUrl, '--secret', secret, '--batches', '1,4,16', '--repeats', '2', '--out', out]);
        if (code !== 0) throw new Error(`calibrate exited ${code}`);
        return out;
      },
      edgeLink: bandwidthTrace([0], [1000], 60_000),
      sloMs: SLO_MS,
      // Plans change here only when the test asks (config) or the rate detector sees the bursts; no periodic re-plan.
      schedulerEnv: { MIN_REPLAN_INTERVAL_MS: '0' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('answers each image with what the model gives when run directly on it', async () => {
    const runner = getModelRunner();
    const direct = await runner.runBatch({
      batchId: 'direct',
      sentAtMs: 0,
      items: images.map((image) => ({ id: image.name, contentType: image.contentType, data: image.data })),
    });
    const expected = new Map(direct.results.map((result: ItemResult) => [result.id, result]));
    // Three copies of each, at once, so they travel in shared batches on either lane.
    const replies = await burst(stack.schedulerUrl, images, images.length * 3);
    for (const { image, reply } of replies) {
      expect(reply.status, `${image.name}: ${JSON.stringify(reply.error)}`).toBe(200);
      const want = expected.get(image.name)!;
      if (!want.ok) throw new Error(`direct run failed on ${image.name}: ${want.error.message}`);
      const got = reply.answer!.result.labels;
      expect(got.map((label) => label.label), image.name).toEqual(want.labels.map((label) => label.label));
      got.forEach((label, index) => expect(label.score, `${image.name} ${label.label}`).toBeCloseTo(want.labels[index]!.score, 4));
    }
    // The upright and upside-down text really are told apart (the comparison is not between constant answers).
    const top = (name: string) => (expected.get(name) as Extract<ItemResult, { ok: true }>).labels[0]!.label;
    expect(top('text-hello.jpg')).not.toBe(top('text-hello-180.png'));
  });

  it('answers every request exactly once, and every member of a served batch with that batch', async () => {
    const count = 80;
    const replies = await burst(stack.schedulerUrl, images, count, 4000);
    const answers = replies.map(({ reply }) => reply);
    // Each request got one HTTP answer (burst awaits each exactly once): a result, or an honest error when
    // this shared 2-core machine falls behind (never a dropped connection or an unknown status).
    for (const reply of answers) expect([200, 503, 504], JSON.stringify(reply.error)).toContain(reply.status);
    const served = answers.filter((reply) => reply.status === 200).map((reply) => reply.answer!);
    // 20 requests a second is well within what the two lanes serve: nearly all are.
    expect(served.length).toBeGreaterThanOrEqual(count * 0.9);
    expect(new Set(served.map((answer) => answer.id)).size).toBe(served.length);
    // No request was counted in two batches and no member of a served batch was left out: a batch of size b
    // has exactly b answers here (this test's requests are the only traffic).
    const perBatch = new Map<string, { size: number; answers: number }>();
    for (const { batchId, batchSize } of served) {
      const entry = perBatch.get(batchId) ?? { size: batchSize, answers: 0 };
      entry.answers += 1;
      expect(entry.size, `batch ${batchId}`).toBe(batchSize);
      perBatch.set(batchId, entry);
    }
    for (const [batchId, entry] of perBatch) expect(entry.answers, `batch ${batchId}`).toBe(entry.size);
    for (const answer of served) {
      expect(answer.timings.totalMs).toBeGreaterThanOrEqual(answer.timings.queueMs);
      expect(['edge', 'serverless']).toContain(answer.placement);
    }
  });

  it('applies signed config changes live: the plan changes and later answers follow its batch bounds', async () => {
    const refused = await putConfig(stack.schedulerUrl, 'not-the-secret-0123456789', { planner: { bounds: { maxEdgeBatch: 1 } } });
    expect(refused.status).toBe(401);
    const largest = async () => Math.max(...(await burst(stack.schedulerUrl, images, 30)).map(({ reply }) => reply.answer?.batchSize ?? 0));

    // No batching at all: every answer travels alone.
    const before = await getPlan(stack.schedulerUrl);
    const single = await putConfig(stack.schedulerUrl, stack.secret, { planner: { bounds: { maxEdgeBatch: 1, maxServerlessBatch: 1 } } });
    expect(single.status, JSON.stringify(single.body)).toBe(200);
    const unbatched = await getPlan(stack.schedulerUrl);
    expect(unbatched.plan.reason).toBe('config-change');
    expect(unbatched.plan.createdAtMs).toBeGreaterThanOrEqual(before.plan.createdAtMs);
    expect([unbatched.plan.lanes.edge.batchSize, unbatched.plan.lanes.serverless.batchSize]).toEqual([1, 1]);
    expect(await largest()).toBe(1);

    // A lower SLO and the bounds raised again: the plan is made for the new SLO, and answers stay within it.
    const raised = await putConfig(stack.schedulerUrl, stack.secret, { slo: { latencyMs: 3000 }, planner: { bounds: { maxEdgeBatch: 16, maxServerlessBatch: 8 } } });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    const replanned = await getPlan(stack.schedulerUrl);
    expect(replanned.plan.reason).toBe('config-change');
    expect(replanned.plan.sloMs).toBe(3000);
    expect(replanned.plan.createdAtMs).toBeGreaterThanOrEqual(unbatched.plan.createdAtMs);
    const { edge, serverless } = replanned.plan.lanes;
    expect(edge.batchSize).toBeLessThanOrEqual(16);
    expect(serverless.batchSize).toBeLessThanOrEqual(8);
    expect(edge.timeoutMs).toBeLessThanOrEqual(3000);
    const largestAfter = await largest();
    expect(largestAfter).toBeLessThanOrEqual(Math.max(edge.batchSize, serverless.batchSize));
  });
});
