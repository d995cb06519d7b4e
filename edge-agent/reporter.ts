/**
 * Sends the agent's samples upstream: a signed TelemetryReport to `<scheduler>/v1/telemetry` every few
 * seconds, also when there is nothing new (the scheduler counts reports as heartbeats). A failed report keeps
 * its samples for the next one; nothing here ever throws into the agent.
 */
import { signRequest } from '../shared/protocol/auth.js';
import type { TelemetryReport } from '../shared/protocol/telemetry.js';
import type { TelemetryBuffer } from './telemetry-buffer.js';

export interface UpstreamClock {
  /** Wall-clock ms since the epoch (signatures and sample times). */
  wallNow(): number;
  /** Monotonic ms (durations). */
  now(): number;
}

export interface UpstreamOptions {
  readonly schedulerUrl: string;
  readonly secret: string;
  readonly clock: UpstreamClock;
  readonly fetch?: typeof fetch;
  /** A report or probe that takes longer is abandoned (ms). */
  readonly timeoutMs?: number;
  readonly logger?: { warn(message: string): void };
}

export type ReportOutcome = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly reason: string };

export class TelemetryReporter {
  private inFlight: Promise<ReportOutcome> | undefined;
  private failures = 0;

  constructor(
    private readonly buffer: TelemetryBuffer,
    private readonly identity: { readonly agentId: string; readonly batchUrl: string },
    private readonly options: UpstreamOptions,
  ) {}

  /** Reports once; concurrent calls share the report in flight. */
  flush(): Promise<ReportOutcome> {
    this.inFlight ??= this.send().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async send(): Promise<ReportOutcome> {
    const { schedulerUrl, secret, clock, timeoutMs = 5_000 } = this.options;
    const snapshot = this.buffer.snapshot();
    const report: TelemetryReport = { ...this.identity, sentAtMs: clock.wallNow(), bandwidth: snapshot.bandwidth, batches: snapshot.batches };
    const url = new URL(`${schedulerUrl}/v1/telemetry`);
    const body = new TextEncoder().encode(JSON.stringify(report));
    try {
      const response = await (this.options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signRequest(secret, 'POST', url.pathname, body, clock.wallNow()) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => {});
      if (!response.ok) return this.failed(`scheduler answered ${response.status}`);
      this.buffer.acknowledge(snapshot);
      if (this.failures > 0) this.options.logger?.warn(`Telemetry delivered again after ${this.failures} failed report(s)`);
      this.failures = 0;
      return { ok: true, status: response.status };
    } catch (error) {
      return this.failed((error as Error).message);
    }
  }

  private failed(reason: string): ReportOutcome {
    // Log the first failure and then every tenth, so that a scheduler outage does not flood the log.
    if (this.failures++ % 10 === 0) this.options.logger?.warn(`Telemetry report failed (${reason}); samples kept for the next report`);
    return { ok: false, reason };
  }
}
