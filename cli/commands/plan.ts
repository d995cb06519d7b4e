import { DEFAULT_PRICES } from '../../shared/core/pricing/prices.js';
import { DEFAULT_BOUNDS, DEFAULT_PAYLOAD_BYTES, InfeasibleSloError, type PlannerInput } from '../../shared/core/planner/input.js';
import { planBestEffort } from '../../shared/core/planner/best-effort.js';
import { plan } from '../../shared/core/planner/plan.js';
import { planSeed } from '../../shared/core/planner/seed.js';
import type { Plan } from '../../shared/core/types.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { readProfiles } from '../profiles-file.js';

const usage = `Usage: edgebatch plan --rps R --bandwidth MBITS [options]

Prints one plan: per lane batch size, timeout and traffic share; the serverless configuration; predicted
p99 latency of a batch's first request and expected cost per million requests. Exit 1 when no plan meets
the SLO (the message names the smallest SLO that can be met), unless --best-effort: then the plan the scheduler
runs in that case, the one answering the most requests within the SLO, with its predicted attainment.

  --rps R              arrival rate, requests/s
  --bandwidth MBITS    bandwidth to the serverless lane, Mbit/s
  --rtt MS             round trip to the serverless lane, ms (default 30)
  --edge-bandwidth M   bandwidth to the edge, Mbit/s (default 100: a LAN)
  --edge-rtt MS        round trip to the edge, ms (default 2)
  --slo S              latency SLO in seconds (default 1, as the prototype)
  --payload-kb K       request size in KB (default 23.6: the prototype's 24,178-byte JPEG)
  --profiles FILE      latency profiles from \`edgebatch fit --out\` (default: built-in fit)
  --policy P           ours (default) or seed (the prototype's algorithm)
  --edge-down          plan as if the edge were unhealthy
  --best-effort        when the SLO's tail cannot be promised, print the goodput-best plan (exit 0)
  --json               print the plan as JSON

Examples:
  edgebatch plan --rps 48 --bandwidth 20 --slo 1
  edgebatch plan --rps 48 --bandwidth 0.9 --slo 1 --best-effort`;

function table(result: Plan): string {
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const lines = [`policy ${result.policy}: ${result.rateRps} req/s, SLO ${result.sloMs / 1000} s, serverless bandwidth ${result.bandwidthMbps.serverless} Mbit/s`];
  lines.push('lane        batch  timeout    share   p99 (pred.)');
  for (const lane of ['edge', 'serverless'] as const) {
    const l = result.lanes[lane];
    const used = l.share > 0;
    lines.push(
      `${lane.padEnd(10)} ${String(l.batchSize).padStart(6)} ${ms(l.timeoutMs).padStart(8)} ${(l.share * 100).toFixed(1).padStart(7)}%   ${used ? ms(result.predicted.p99LatencyMs[lane]) : '-'}`,
    );
  }
  lines.push(`serverless config: ${result.serverless.memoryMb} MB, ${result.serverless.cpu} vCPU`);
  lines.push(`edge utilisation: ${(result.predicted.edgeUtilisation * 100).toFixed(1)}%`);
  lines.push(`expected cost: USD ${result.predicted.costPerMillionUsd.toFixed(2)} per million requests (edge amortised + serverless CU)`);
  const attainment = result.predicted.attainment;
  if (attainment !== undefined) lines.push(`best effort: the SLO's p99 cannot be promised; predicted ${(attainment * 100).toFixed(1)}% of requests within the SLO`);
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
      'edge-bandwidth': { type: 'string' },
      'edge-rtt': { type: 'string' },
      slo: { type: 'string' },
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
    const input: PlannerInput = {
      rateRps: numberOption('rps', values.rps, 0, 0),
      bandwidthMbps: {
        edge: numberOption('edge-bandwidth', values['edge-bandwidth'], 100, 1e-6),
        serverless: numberOption('bandwidth', values.bandwidth, 0, 1e-6),
      },
      rttMs: { edge: numberOption('edge-rtt', values['edge-rtt'], 2, 0), serverless: numberOption('rtt', values.rtt, 30, 0) },
      payloadBytes: numberOption('payload-kb', values['payload-kb'], DEFAULT_PAYLOAD_BYTES / 1024, 0) * 1024,
      sloMs: numberOption('slo', values.slo, 1, 1e-3, 3600) * 1000,
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
        if (values.json) console.log(JSON.stringify({ error: { code: error.code, message: error.message, minFeasibleSloMs: error.minFeasibleSloMs } }));
        return EXIT.failed;
      }
      throw error;
    }
  },
};
