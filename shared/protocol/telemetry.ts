/**
 * What an edge agent reports upstream (`POST /v1/telemetry`, HMAC-signed): bandwidth samples from real
 * transfers and idle probes, and the latency of the batches it ran.
 */
import { z } from 'zod';

export const BandwidthSampleSchema = z
  .object({
    /** Agent clock (ms since epoch) when the transfer finished. */
    atMs: z.number().finite().nonnegative(),
    /** Bytes received. */
    bytes: z.number().int().positive().max(1e10),
    /** How long receiving them took (ms). */
    ms: z.number().positive().max(3_600_000),
    /** A real batch transfer, or a probe the agent made while idle. */
    kind: z.enum(['transfer', 'probe']),
  })
  .strict();

export const BatchLatencySampleSchema = z
  .object({
    atMs: z.number().finite().nonnegative(),
    batchSize: z.number().int().min(1).max(1024),
    preprocessMs: z.number().nonnegative().max(3_600_000),
    inferMs: z.number().nonnegative().max(3_600_000),
    totalMs: z.number().nonnegative().max(3_600_000),
  })
  .strict();

export const TelemetryReportSchema = z
  .object({
    /** Stable id of the agent (its public URL is a good choice). */
    agentId: z.string().min(1).max(200),
    /** The URL the scheduler should send this agent's batches to. */
    batchUrl: z.string().url().max(2000),
    sentAtMs: z.number().finite().nonnegative(),
    bandwidth: z.array(BandwidthSampleSchema).max(10_000),
    batches: z.array(BatchLatencySampleSchema).max(10_000),
  })
  .strict();

export type BandwidthSample = z.infer<typeof BandwidthSampleSchema>;
export type BatchLatencySample = z.infer<typeof BatchLatencySampleSchema>;
export type TelemetryReport = z.infer<typeof TelemetryReportSchema>;

/** Mbit/s of one sample. */
export function sampleMbps(sample: Pick<BandwidthSample, 'bytes' | 'ms'>): number {
  return (sample.bytes * 8) / (sample.ms * 1000);
}
