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
  it('counts a timed-out call as a failure only when nothing succeeded since aliveSinceMs', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 1000, maxOpenMs: 1000 });
    breaker.success(500);
    breaker.timedOut(400, 900); // an answer came at 500, after 400: alive, only slow
    expect(breaker.state(900)).toBe('closed');
    breaker.timedOut(501, 1200); // nothing since 501: stalled
    expect(breaker.state(1200)).toBe('open');
  });

  it('frees a half-open trial that timed out while the target answered others, without closing the circuit', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 1000, maxOpenMs: 1000 });
    breaker.failure(0);
    breaker.begin(1000); // the half-open trial
    expect(breaker.canCall(1000)).toBe(false);
    breaker.success(1100); // an earlier call answered meanwhile: closes the circuit
    breaker.timedOut(900, 1300);
    expect(breaker.state(1300)).toBe('closed');
    expect(breaker.canCall(1300)).toBe(true);
  });
});
