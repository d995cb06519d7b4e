/**
 * Sends batches over HTTP (`POST <url>`, the batch wire format, HMAC-signed) to a pool of targets that speak
 * `/v1/batch`: the edge agents, or a local inference server. Each target has a circuit breaker and a concurrency
 * limit; a batch goes to the healthy target with the fewest batches in flight. Agents can join at run time
 * (they announce their batch URL in telemetry) and are dropped from rotation when their heartbeats stop.
 */
import { EngineError } from '../../../shared/core/errors.js';
import { signRequest } from '../../../shared/protocol/auth.js';
import { BATCH_CONTENT_TYPE, encodeBatchParts, parseBatchResponse } from '../../../shared/protocol/batch.js';
import { blamesLane, type BatchDispatch, type BatchOutcome, type BatchRunner } from './batch-runner.js';
import { CircuitBreaker, DEFAULT_BREAKER, type CircuitBreakerOptions } from './circuit-breaker.js';
import { HttpPoster } from './http-post.js';

export interface HttpTargetOptions {
  /** Batches one target runs at once (the edge GPU runs one; the agent queues a few more). */
  readonly concurrency: number;
  /** Shared secret for signing; undefined sends unsigned (a local inference server on loopback). */
  readonly secret?: string;
  readonly breaker?: CircuitBreakerOptions;
  /** A target that sent telemetry before but has been silent this long is taken out of rotation. */
  readonly heartbeatTimeoutMs: number;
  readonly now: () => number;
}

interface Target {
  readonly url: string;
  readonly parsed: URL;
  readonly breaker: CircuitBreaker;
  inFlight: number;
  /** Last telemetry from this target; undefined for statically configured targets that never reported. */
  lastHeartbeatMs?: number;
}

export interface TargetStatus {
  readonly url: string;
  readonly state: 'closed' | 'open' | 'half-open' | 'silent';
  readonly inFlight: number;
  readonly lastHeartbeatMs?: number;
}

export class HttpBatchRunner implements BatchRunner {
  private readonly targets = new Map<string, Target>();
  private readonly poster = new HttpPoster();

  constructor(
    urls: readonly string[],
    private readonly options: HttpTargetOptions,
  ) {
    for (const url of urls) this.addTarget(url);
  }

  addTarget(url: string): void {
    if (!this.targets.has(url)) {
      this.targets.set(url, { url, parsed: new URL(url), breaker: new CircuitBreaker(this.options.breaker ?? DEFAULT_BREAKER), inFlight: 0 });
    }
  }

  /** Records a heartbeat (telemetry) from the agent serving `url`, adding it if new. */
  heartbeat(url: string, nowMs: number): void {
    this.addTarget(url);
    const target = this.targets.get(url)!;
    // Back after missing reports (restarted, reconnected): a trial batch at once, not after the breaker's backoff
    // (up to maxOpenMs). An agent that kept reporting while its batches failed waits the backoff out.
    const silentMs = target.lastHeartbeatMs === undefined ? 0 : nowMs - target.lastHeartbeatMs;
    if (silentMs > this.options.heartbeatTimeoutMs / 3) target.breaker.retryNow(nowMs);
    target.lastHeartbeatMs = nowMs;
  }

  private isSilent(target: Target, nowMs: number): boolean {
    return target.lastHeartbeatMs !== undefined && nowMs - target.lastHeartbeatMs > this.options.heartbeatTimeoutMs;
  }

  /** The agent has reported (telemetry) within the heartbeat timeout. */
  private reporting(target: Target, nowMs: number): boolean {
    return target.lastHeartbeatMs !== undefined && nowMs - target.lastHeartbeatMs <= this.options.heartbeatTimeoutMs;
  }

  private usable(target: Target, nowMs: number): boolean {
    return !this.isSilent(target, nowMs) && target.breaker.canCall(nowMs);
  }

  /** Whether any target can take traffic now. */
  healthy(nowMs: number): boolean {
    for (const target of this.targets.values()) if (this.usable(target, nowMs)) return true;
    return false;
  }

  /** Batches the pool can take right now. */
  freeSlots(nowMs: number): number {
    let free = 0;
    for (const target of this.targets.values()) {
      if (this.usable(target, nowMs)) free += Math.max(0, this.options.concurrency - target.inFlight);
    }
    return free;
  }

  status(nowMs: number): TargetStatus[] {
    return [...this.targets.values()].map((target) => ({
      url: target.url,
      state: this.isSilent(target, nowMs) ? 'silent' : target.breaker.state(nowMs),
      inFlight: target.inFlight,
      ...(target.lastHeartbeatMs === undefined ? {} : { lastHeartbeatMs: target.lastHeartbeatMs }),
    }));
  }

  private pick(nowMs: number): Target | undefined {
    let best: Target | undefined;
    for (const target of this.targets.values()) {
      if (!this.usable(target, nowMs) || target.inFlight >= this.options.concurrency) continue;
      if (!best || target.inFlight < best.inFlight) best = target;
    }
    return best;
  }

  async run(dispatch: BatchDispatch): Promise<BatchOutcome> {
    const startMs = this.options.now();
    const target = this.pick(startMs);
    if (!target) throw new EngineError('lane_failed', 'No healthy target with a free slot', undefined, true);
    const body = encodeBatchParts(dispatch.batchId, startMs, dispatch.items);
    const path = target.parsed.pathname;
    const headers: Record<string, string> = {
      'content-type': BATCH_CONTENT_TYPE,
      ...(this.options.secret ? signRequest(this.options.secret, 'POST', path, body, startMs) : {}),
    };
    target.inFlight += 1;
    target.breaker.begin(startMs);
    const budgetMs = Math.max(1, dispatch.deadlineMs - startMs);
    try {
      const response = await this.poster.post(target.parsed, headers, body, budgetMs);
      if (response.status < 200 || response.status >= 300) {
        const text = response.body.toString('utf8');
        // A 4xx means the target refused this batch itself (not its health); anything else counts against it. A
        // 401 or 403 refuses the scheduler's own credentials, which is no fault of the client's input.
        if (response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 401 && response.status !== 403) {
          target.breaker.success(this.options.now());
          throw new EngineError('invalid_input', `${target.url} refused the batch: ${response.status} ${text.slice(0, 200)}`);
        }
        // 429: the target is alive and busy (its own batch queue is full). Worth a try on the other lane, and no
        // mark against its health: it answered at once.
        if (response.status === 429) {
          const retryAfterS = Number(response.header('retry-after'));
          throw new EngineError('throttled', `${target.url} is busy: ${text.slice(0, 200)}`, Number.isFinite(retryAfterS) ? retryAfterS * 1000 : undefined, true);
        }
        throw new EngineError('lane_failed', `${target.url} answered ${response.status}`, undefined, true);
      }
      const parsed = parseBatchResponse(JSON.parse(response.body.toString('utf8')), dispatch.items.map((item) => item.id));
      target.breaker.success(this.options.now());
      return { response: parsed, roundTripMs: this.options.now() - startMs, bytesSent: body.reduce((sum, part) => sum + part.byteLength, 0), target: target.url };
    } catch (error) {
      if (error instanceof EngineError && error.code === 'invalid_input') throw error;
      const name = (error as Error).name;
      const mapped =
        error instanceof EngineError
          ? error
          : name === 'TimeoutError' || name === 'AbortError'
            ? new EngineError('deadline_exceeded', `${target.url} did not answer within ${budgetMs} ms`, undefined, true)
            : new EngineError('lane_failed', `${target.url}: ${(error as Error).message}`, undefined, true);
      if (mapped.code === 'throttled' || !blamesLane(mapped, dispatch, budgetMs)) target.breaker.neutral();
      // An agent still reporting is slow, not broken (its link in a dip): the planner and the queue route around a
      // slow lane, while an open circuit would flap with every dip. A silent agent's timeouts still count.
      else if (mapped.code === 'deadline_exceeded' && this.reporting(target, this.options.now())) target.breaker.neutral();
      else if (mapped.code === 'deadline_exceeded') target.breaker.timedOut(startMs - budgetMs, this.options.now());
      else target.breaker.failure(this.options.now());
      throw mapped;
    } finally {
      target.inFlight -= 1;
    }
  }
}
