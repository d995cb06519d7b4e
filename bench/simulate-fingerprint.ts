/**
 * A fingerprint of the simulator's results, for checking that a speed-up changed nothing: `ours`, `periodic` and
 * `oracle` on the simulate bench's three edge links (SLO 1 s, 99.9%), each run's result row, its re-plan instants
 * and a SHA-256 of every answered request's latency (sorted) and of the per-second series. Run it before and after a change and
 * diff the two outputs: any difference in any request's latency shows.
 *
 * Usage: npx tsx bench/simulate-fingerprint.ts [policy ...] > fingerprint.json   (default: ours periodic oracle)
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_PRICES } from '../shared/core/pricing/index.js';
import { DEFAULT_PROFILES } from '../shared/core/profiles/default-profiles.js';
import { defaultPlanners, simulate } from '../shared/core/sim/index.js';
import { readArrivals, readBandwidth } from '../cli/traces-files.js';
import { ARRIVALS, DATA, LINKS } from './simulate-traces.js';

const policies = process.argv.length > 2 ? process.argv.slice(2) : ['ours', 'periodic', 'oracle'];

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex').slice(0, 16);
const arrivals = readArrivals(join(DATA, ARRIVALS), { seed: 1 });
const out: Record<string, unknown> = {};
for (const [link, path] of Object.entries(LINKS)) {
  const bandwidth = readBandwidth(join(DATA, path));
  for (const policy of policies) {
    const started = performance.now();
    const result = simulate({
      arrivalsMs: arrivals.timesMs,
      durationMs: arrivals.durationMs,
      bandwidth: bandwidth.trace,
      profiles: DEFAULT_PROFILES,
      sloMs: 1000,
      sloTarget: 0.999,
      policies: [policy],
      planners: defaultPlanners(DEFAULT_PRICES),
      // Every answered latency in the CDF (not thinned), so the hash covers each request.
      options: { seed: 1, tracedLane: 'edge', latencySamples: arrivals.timesMs.length },
    });
    const wallS = (performance.now() - started) / 1000;
    const run = result.runs[0]!;
    out[`${link}/${policy}`] = {
      result: run.result,
      replanEvents: run.replanEvents,
      changepointsMs: run.changepointsMs,
      latenciesSha: sha(new Uint8Array(Float64Array.from(run.latencyCdfMs).buffer)),
      seriesSha: sha(JSON.stringify(run.series)),
    };
    console.error(`${link}/${policy}: ${wallS.toFixed(1)} s, ${(arrivals.timesMs.length / wallS).toFixed(0)} simulated requests/s`);
  }
}
console.log(JSON.stringify(out, null, 1));
