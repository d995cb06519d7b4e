import { DEFAULT_PRICES } from '../../shared/core/pricing/prices.js';
import { DEFAULT_BOUNDS, DEFAULT_PAYLOAD_BYTES, DEFAULT_SLO_TARGET, InfeasibleSloError, type PlannerInput } from '../../shared/core/planner/input.js';
import { planBestEffort } from '../../shared/core/planner/best-effort.js';
import { plan } from '../../shared/core/planner/plan.js';
import { planSeed } from '../../shared/core/planner/seed.js';
import { DEFAULT_TRACED_LANE, laneBandwidths, topologyLinks } from '../../shared/core/topology.js';
import type { LaneId, Plan } from '../../shared/core/types.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { readProfiles } from '../profiles-file.js';

const usage = `Usage: edgebatch plan --rps R --bandwidth MBITS [options]

Prints one plan: per lane batch size, timeout and traffic share; the serverless configuration and its warm
instances; the predicted fraction of requests within the SLO's latency (queue wait, transfer, service and round
trip counted) and the expected cost per million requests. The plan is the cheapest predicted to reach the SLO's
target. Exit 1 when none is (the message names the smallest latency at which the target can be reached), unless
--best-effort: then the plan the scheduler runs in that case, the one answering the most requests in time.

  --rps R              arrival rate, requests/s
  --bandwidth MBITS    bandwidth of the traced lane's link, Mbit/s: the edge's (default topology)
  --rtt MS             round trip over that link, ms (default: edge 50, a cellular hop; prototype 40)
  --traced-lane L      edge (default: the product, scheduler and inference function in one FC region, the
                       Jetson behind its own link) or serverless (the prototype's topology, to compare with it:
                       the scheduler beside the Jetson, FC behind the uplink)
  --fixed-bandwidth M  bandwidth of the other lane, Mbit/s (default: 1000 to FC in-region; 100 on the
                       prototype's LAN)
  --fixed-rtt MS       round trip to the other lane, ms (default: 30 to FC in-region; 2 on the LAN)
  --slo S              the SLO's latency in seconds (default 1, as the prototype)
  --target F           the SLO's target: the fraction of requests within the latency (default 0.999)
  --payload-kb K       request size in KB (default 23.6: the prototype's 24,178-byte JPEG)
  --profiles FILE      latency profiles from \`edgebatch fit --out\` (default: built-in fit)
  --policy P           ours (default) or seed (the prototype's algorithm)
  --edge-down          plan as if the edge were unhealthy
  --best-effort        when no plan reaches the target, print the goodput-best plan (exit 0)
  --json               print the plan as JSON

Examples:
  edgebatch plan --rps 48 --bandwidth 20 --slo 1
  edgebatch plan --rps 48 --bandwidth 0.9 --slo 1 --best-effort`;

function table(result: Plan): string {
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const lines = [`policy ${result.policy}: ${result.rateRps} req/s, SLO ${result.sloMs / 1000} s, bandwidth edge ${result.bandwidthMbps.edge} / serverless ${result.bandwidthMbps.serverless} Mbit/s`];
  lines.push('lane        batch  timeout    share   p99 (pred.)');
  for (const lane of ['edge', 'serverless'] as const) {
    const l = result.lanes[lane];
    const used = l.share > 0;
    lines.push(
      `${lane.padEnd(10)} ${String(l.batchSize).padStart(6)} ${ms(l.timeoutMs).padStart(8)} ${(l.share * 100).toFixed(1).padStart(7)}%   ${used ? ms(result.predicted.p99LatencyMs[lane]) : '-'}`,
    );
  }
  lines.push(`serverless config: ${result.serverless.memoryMb} MB, ${result.serverless.cpu} vCPU, ${result.warmInstances} warm instance${result.warmInstances === 1 ? '' : 's'}`);
  lines.push(`edge utilisation: ${(result.predicted.edgeUtilisation * 100).toFixed(1)}%`);
  lines.push(`expected cost: USD ${result.predicted.costPerMillionUsd.toFixed(2)} per million requests (edge amortised + serverless CU)`);
  const attainment = `predicted ${(result.predicted.attainment * 100).toFixed(2)}% of requests within ${result.sloMs / 1000} s`;
  lines.push(result.predicted.attainment >= result.sloTarget ? `${attainment} (target ${(result.sloTarget * 100).toFixed(2)}%)` : `best effort: no plan reaches ${(result.sloTarget * 100).toFixed(2)}%; ${attainment}`);
  return lines.join('\n');
}

export const command: Command = {
  summary: 'one plan (batch sizes, timeouts, split, memory) for a rate, bandwidth and SLO',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      rps: { type: 'string' },
      bandwidth: { type: 'string' },
      rtt: { type: 'string' },
      'traced-lane': { type: 'string' },
      'fixed-bandwidth': { type: 'string' },
      'fixed-rtt': { type: 'string' },
      slo: { type: 'string' },
      target: { type: 'string' },
      'payload-kb': { type: 'string' },
      profiles: { type: 'string' },
      policy: { type: 'string' },
      'edge-down': { type: 'boolean' },
      'best-effort': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (values.rps === undefined || values.bandwidth === undefined) throw new UsageError('--rps and --bandwidth are required.');
    const policy = values.policy ?? 'ours';
    if (policy !== 'ours' && policy !== 'seed') throw new UsageError(`--policy: Expected "ours" or "seed", got "${policy}".`);
    const tracedLane = values['traced-lane'] ?? DEFAULT_TRACED_LANE;
    if (tracedLane !== 'edge' && tracedLane !== 'serverless') throw new UsageError(`--traced-lane: Expected "edge" or "serverless", got "${tracedLane}".`);
    const links = topologyLinks(tracedLane);
    const otherLane = tracedLane === 'edge' ? 'serverless' : 'edge';
    const input: PlannerInput = {
      rateRps: numberOption('rps', values.rps, 0, 0),
      bandwidthMbps: laneBandwidths(
        tracedLane,
        numberOption('bandwidth', values.bandwidth, 0, 1e-6),
        numberOption('fixed-bandwidth', values['fixed-bandwidth'], links.fixedLaneMbps, 1e-6),
      ),
      rttMs: {
        [tracedLane]: numberOption('rtt', values.rtt, links.rttMs[tracedLane], 0),
        [otherLane]: numberOption('fixed-rtt', values['fixed-rtt'], links.rttMs[otherLane], 0),
      } as Record<LaneId, number>,
      payloadBytes: numberOption('payload-kb', values['payload-kb'], DEFAULT_PAYLOAD_BYTES / 1024, 0) * 1024,
      sloMs: numberOption('slo', values.slo, 1, 1e-3, 3600) * 1000,
      sloTarget: numberOption('target', values.target, DEFAULT_SLO_TARGET, 0.5, 0.999999),
      profiles: readProfiles(values.profiles),
      prices: DEFAULT_PRICES,
      bounds: { ...DEFAULT_BOUNDS, edgeHealthy: !values['edge-down'] },
      nowMs: 0,
      reason: 'manual',
    };
    try {
      const result = policy === 'seed' ? planSeed(input) : values['best-effort'] ? planBestEffort(input) : plan(input);
      console.log(values.json ? JSON.stringify(result, null, 2) : table(result));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof InfeasibleSloError) {
        console.error(`edgebatch plan: ${error.message} (--best-effort prints the plan that answers the most requests in time)`);
        if (values.json) console.log(JSON.stringify({ error: { code: error.code, message: error.message, minFeasibleSloMs: error.minFeasibleSloMs, bestAttainment: error.bestAttainment } }));
        return EXIT.failed;
      }
      throw error;
    }
  },
};
