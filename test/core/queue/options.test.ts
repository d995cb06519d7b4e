import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_OPTIONS, VirtualQueue, resolveQueueOptions } from '../../../shared/core/queue/index.js';

describe('queue options', () => {
  it('documents its defaults', () => {
    expect(DEFAULT_QUEUE_OPTIONS).toEqual({ maxQueued: 10_000, lowPriorityMaxFraction: 0.8, noLaneRetryAfterMs: 1000 });
    expect(new VirtualQueue().options).toEqual(DEFAULT_QUEUE_OPTIONS);
    expect(resolveQueueOptions({ maxQueued: 5 })).toEqual({ ...DEFAULT_QUEUE_OPTIONS, maxQueued: 5 });
  });

  it.each([
    [{ maxQueued: 0 }, 'Expected maxQueued to be an integer >= 1, got 0'],
    [{ maxQueued: 2.5 }, 'Expected maxQueued to be an integer >= 1, got 2.5'],
    [{ lowPriorityMaxFraction: 1.5 }, 'Expected lowPriorityMaxFraction to be a number from 0 to 1, got 1.5'],
    [{ lowPriorityMaxFraction: Number.NaN }, 'Expected lowPriorityMaxFraction to be a number from 0 to 1, got null'],
    [{ noLaneRetryAfterMs: -1 }, 'Expected noLaneRetryAfterMs to be a finite number >= 0, got -1'],
  ])('refuses %j', (options, message) => {
    expect(() => new VirtualQueue(options)).toThrow(message);
  });
});
