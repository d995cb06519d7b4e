/**
 * Scale-out: three OS processes (as three scheduler instances would be) share one store and each add 50 to a
 * counter with read-modify-CAS. No update may be lost: the counter ends at 150 and its version at 150.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileStateStore } from '../../functions/scheduler/store/file-store.js';
import type { StateStore } from '../../functions/scheduler/store/state-store.js';
import { createTablestoreClient } from '../../functions/scheduler/store/tablestore-client.js';
import { TablestoreStateStore } from '../../functions/scheduler/store/tablestore-store.js';
import { startTablestoreStandin, type TablestoreStandin } from '../../functions/scheduler/store/tablestore-standin/server.js';
import { REPO_ROOT } from '../support/paths.js';

const WORKER = join(REPO_ROOT, 'test', 'store', 'support', 'increment-worker.ts');
const PROCESSES = 3;
const EACH = 50;

interface WorkerResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runWorker(args: string[]): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function runAll(args: string[]): Promise<number> {
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(args)));
  for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
  return results.reduce((sum, result) => sum + (JSON.parse(result.stdout) as { conflicts: number }).conflicts, 0);
}

async function expectCounter(store: StateStore): Promise<void> {
  const record = await store.get('detectors');
  expect(JSON.parse(record?.value ?? '{}')).toEqual({ count: PROCESSES * EACH });
  expect(record?.version).toBe(PROCESSES * EACH);
}

describe('three processes sharing one store lose no update', () => {
  it('file store directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgebatch-multi-'));
    try {
      await runAll(['file', dir, String(EACH)]);
      await expectCounter(await openFileStateStore({ dir }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('Tablestore adapter against the stand-in', () => {
    let standin: TablestoreStandin;
    beforeAll(async () => {
      standin = await startTablestoreStandin({ instanceName: 'multi' });
    });
    afterAll(async () => {
      await standin.close();
    });

    it('shared table', async () => {
      const client = createTablestoreClient({ endpoint: standin.endpoint, instanceName: 'multi', accessKeyId: 'ak', accessKeySecret: 'sk' });
      const store = new TablestoreStateStore({ client, scope: 'multi-process' });
      await store.ensureTable();
      await runAll(['tablestore', standin.endpoint, 'multi', 'multi-process', String(EACH)]);
      await expectCounter(store);
    });
  });
});
