import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../functions/scheduler/lanes/circuit-breaker.js';

describe('CircuitBreaker', () => {
  const options = { failureThreshold: 3, openMs: 1000, maxOpenMs: 4000 };

  it('opens after consecutive failures and lets one trial through after the open time', () => {
    const breaker = new CircuitBreaker(options);
    breaker.failure(0);
    breaker.failure(10);
    expect(breaker.state(10)).toBe('closed');
    breaker.failure(20);
    expect(breaker.state(20)).toBe('open');
    expect(breaker.canCall(1019)).toBe(false);
    expect(breaker.state(1020)).toBe('half-open');
    expect(breaker.canCall(1020)).toBe(true);
    breaker.begin(1020);
    expect(breaker.canCall(1021)).toBe(false); // one trial at a time
    breaker.success();
    expect(breaker.state(1022)).toBe('closed');
  });

  it('doubles the open time after a failed trial, up to the maximum', () => {
    const breaker = new CircuitBreaker(options);
    for (let i = 0; i < 3; i++) breaker.failure(0);
    let now = 1000;
    for (const expectedOpen of [2000, 4000, 4000]) {
      breaker.begin(now);
      breaker.failure(now);
      expect(breaker.state(now + expectedOpen - 1)).toBe('open');
      expect(breaker.state(now + expectedOpen)).toBe('half-open');
      now += expectedOpen;
    }
  });

  it('a success resets the failure count', () => {
    const breaker = new CircuitBreaker(options);
    breaker.failure(0);
    breaker.failure(0);
    breaker.success();
    breaker.failure(0);
    expect(breaker.state(0)).toBe('closed');
  });
});
