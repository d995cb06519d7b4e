/** The agent's one timer: on every tick probe if the link has been idle, then report. */
import type { LoopStalls } from './loop-stalls.js';
import { BandwidthProber } from './prober.js';
import { TelemetryReporter, type UpstreamClock } from './reporter.js';
import type { TelemetryBuffer } from './telemetry-buffer.js';

export interface TelemetryLoopOptions {
  readonly config: {
    readonly schedulerUrl: string;
    readonly secret: string;
    readonly reportIntervalMs: number;
    readonly probeIntervalMs: number;
    readonly probeBytes: number;
  };
  readonly identity: { readonly agentId: string; readonly batchUrl: string };
  readonly telemetry: TelemetryBuffer;
  readonly clock: UpstreamClock;
  readonly logger: { warn(message: string): void };
  /** Stalls of the event loop, across which a probe's timing is no sample (loop-stalls.ts). */
  readonly loopStalls?: LoopStalls;
}

export function startTelemetryLoop(options: TelemetryLoopOptions): { stop(): Promise<void> } {
  const { config, telemetry, clock, logger } = options;
  const upstream = { schedulerUrl: config.schedulerUrl, secret: config.secret, clock, logger };
  const reporter = new TelemetryReporter(telemetry, options.identity, upstream);
  const prober = new BandwidthProber(telemetry, { probeBytes: config.probeBytes, idleMs: config.probeIntervalMs }, { ...upstream, ...(options.loopStalls ? { loopStalls: options.loopStalls } : {}) });
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = prober.probeIfIdle().then(() => reporter.flush());
  };
  const timer = setInterval(tick, config.reportIntervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      // One last report so the samples of the final seconds are not lost on a clean shutdown.
      await reporter.flush();
    },
  };
}
