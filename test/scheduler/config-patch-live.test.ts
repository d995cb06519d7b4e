/**
 * What PUT /v1/config answers as the new effective settings must be what the running scheduler then uses: a
 * patched default priority reaches the next request that does not name one.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScheduler, type SchedulerInstance } from '../../functions/scheduler/create-scheduler.js';
import type { SubmitInput } from '../../functions/scheduler/engine/scheduler-engine.js';
import { signRequest } from '../../shared/protocol/auth.js';
import { SchedulerConfigSchema } from '../../shared/protocol/config.js';
import { seedCropJpeg } from '../model/support.js';

const CONFIG_SECRET = 'patch-config-secret-0123456789abcdef';

describe('a runtime config patch takes effect', () => {
  let scheduler: SchedulerInstance;
  beforeAll(async () => {
    const config = SchedulerConfigSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      store: { kind: 'memory' },
      logging: { level: 'silent' },
      slo: { defaultPriority: 'low' },
      security: { configSecret: CONFIG_SECRET },
    });
    scheduler = await createScheduler(config);
  }, 60_000);
  afterAll(async () => {
    await scheduler?.close();
  });

  async function priorityOfNextRequest(): Promise<string> {
    const submitted: SubmitInput[] = [];
    const spy = vi.spyOn(scheduler.engine, 'submit').mockImplementation(async (input) => {
      submitted.push(input);
      throw new Error('not served in this test');
    });
    try {
      await scheduler.app.request('/v1/infer', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(seedCropJpeg()) });
    } finally {
      spy.mockRestore();
    }
    expect(submitted).toHaveLength(1);
    return submitted[0]!.priority;
  }

  it('uses a patched default priority for requests that do not say', async () => {
    expect(await priorityOfNextRequest()).toBe('low');
    const body = new TextEncoder().encode(JSON.stringify({ slo: { defaultPriority: 'high' } }));
    const headers = { 'content-type': 'application/json', ...signRequest(CONFIG_SECRET, 'PUT', '/v1/config', body, Date.now()) };
    const answer = await scheduler.app.request('/v1/config', { method: 'PUT', headers, body });
    expect(answer.status, await answer.clone().text()).toBe(200);
    expect(((await answer.json()) as { slo: { defaultPriority: string } }).slo.defaultPriority).toBe('high');
    expect(await priorityOfNextRequest()).toBe('high');
  });
});
