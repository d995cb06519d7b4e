/**
 * Measures the link from the scheduler when no batch has crossed it for a while, so that the bandwidth
 * detector keeps seeing data while the edge is idle.
 *
 * What the scheduler must offer: `GET /v1/probe?bytes=N` (16 KiB <= N <= 1 MiB) answering exactly N bytes of
 * incompressible (random) data as application/octet-stream with `cache-control: no-store` and no content
 * encoding, and requiring the same HMAC signature as telemetry over method GET, path `/v1/probe` (the path
 * without the query string) and an empty body. Unsigned or bad requests: 401; N out of range: 400.
 */
import { readTimedBody } from './body.js';
import type { BodyTiming } from './transfer-pool.js';
import { signRequest } from '../shared/protocol/auth.js';
import type { BandwidthSample } from '../shared/protocol/telemetry.js';
import type { LoopStalls } from './loop-stalls.js';
import type { UpstreamOptions } from './reporter.js';
import type { TelemetryBuffer } from './telemetry-buffer.js';

export class BandwidthProber {
  private lastProbeAtMs = -Infinity;
  private probing = false;

  constructor(
    private readonly buffer: TelemetryBuffer,
    private readonly settings: { readonly probeBytes: number; readonly idleMs: number },
    private readonly options: UpstreamOptions & { readonly loopStalls?: LoopStalls },
  ) {}

  /** Probes if the link has been idle for the probe interval and no probe ran within it; the sample or undefined. */
  async probeIfIdle(): Promise<BandwidthSample | undefined> {
    const now = this.options.clock.wallNow();
    const idleSince = Math.max(this.buffer.lastTransferAtMs, this.lastProbeAtMs);
    if (this.settings.idleMs <= 0 || this.probing || now - idleSince < this.settings.idleMs) return undefined;
    return this.probe();
  }

  /** One probe; failures are logged and give no sample (a scheduler without the endpoint, a cut link). */
  async probe(): Promise<BandwidthSample | undefined> {
    const { schedulerUrl, secret, clock, timeoutMs = 5_000 } = this.options;
    this.probing = true;
    this.lastProbeAtMs = clock.wallNow();
    const url = new URL(`${schedulerUrl}/v1/probe?bytes=${this.settings.probeBytes}`);
    try {
      const response = await (this.options.fetch ?? fetch)(url, {
        headers: { 'cache-control': 'no-store', ...signRequest(secret, 'GET', url.pathname, new Uint8Array(0), clock.wallNow()) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        this.options.logger?.warn(`Bandwidth probe failed: scheduler answered ${response.status}`);
        return undefined;
      }
      let timing: BodyTiming | undefined;
      await readTimedBody(response.body, this.settings.probeBytes + 1024, () => clock.now(), (read) => (timing = read));
      if (!timing || !(timing.bytes > 0 && timing.endMs > timing.startMs) || this.options.loopStalls?.stalledSince(timing.startMs) === true) return undefined;
      const sample: BandwidthSample = { atMs: clock.wallNow(), bytes: timing.bytes, ms: timing.endMs - timing.startMs, kind: 'probe' };
      this.buffer.addBandwidth(sample);
      return sample;
    } catch (error) {
      this.options.logger?.warn(`Bandwidth probe failed: ${(error as Error).message}`);
      return undefined;
    } finally {
      this.probing = false;
    }
  }
}
