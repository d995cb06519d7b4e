/**
 * Paced load for the integration suites: requests at a set total rate, spread round-robin over several
 * schedulers. Requests go out on schedule (from the start of the current rate), not one after another, so a slow
 * answer does not lower the rate, and a late timer catches up at once; the rate actually sent is measured from
 * the send times, which is the truth the schedulers' estimates are held to.
 */
import { infer } from './live.js';

export interface PacedLoad {
  /** Changes the total rate from now on (requests per second). */
  setRate(rateRps: number): void;
  /** Requests sent per second over [fromMs, toMs) (wall clock). */
  sentRate(fromMs: number, toMs: number): number;
  /** Statuses of the answers that were not 200, with their error. */
  readonly failures: readonly string[];
  readonly sent: number;
  /** Stops sending and waits for the answers in flight. */
  stop(): Promise<void>;
}

export function startPacedLoad(urls: readonly string[], image: Uint8Array<ArrayBuffer>, rateRps: number, tickMs = 20): PacedLoad {
  const sentAt: number[] = [];
  const failures: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let segment = { startMs: Date.now(), rateRps, sent: 0 };
  const send = () => {
    const url = urls[sentAt.length % urls.length]!;
    sentAt.push(Date.now());
    const answer = infer(url, image, 'image/jpeg')
      .then((reply) => {
        if (reply.status !== 200) failures.push(`${reply.status} ${reply.error?.message ?? ''}`);
      })
      .catch((error: unknown) => {
        failures.push(String(error));
      })
      .finally(() => inFlight.delete(answer));
    inFlight.add(answer);
  };
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - segment.startMs) * segment.rateRps) / 1000);
    while (segment.sent < due) {
      segment.sent += 1;
      send();
    }
  }, tickMs);
  return {
    setRate(next) {
      segment = { startMs: Date.now(), rateRps: next, sent: 0 };
    },
    sentRate(fromMs, toMs) {
      return (sentAt.filter((t) => t >= fromMs && t < toMs).length * 1000) / (toMs - fromMs);
    },
    failures,
    get sent() {
      return sentAt.length;
    },
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
  };
}
