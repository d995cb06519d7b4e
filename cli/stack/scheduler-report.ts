/** What the scheduler itself says at the end of a run: re-plans and their reasons, its estimated spend, cold starts. */
export interface SchedulerReport {
  readonly replans: number;
  readonly replanReasons: Readonly<Record<string, number>>;
  readonly costUsd: Readonly<Record<string, number>>;
  /**
   * Serverless calls the scheduler counted as cold starts (`edgebatch_serverless_cold_starts_total`): a call
   * answered by an FC instance it had not seen before. An HTTP inference lane (the local stack's) reports no
   * instance, so this stays 0 there.
   */
  readonly coldStarts: number;
  /** Batches dispatched per lane (`edgebatch_batch_size` histogram count). */
  readonly batches: Readonly<Record<string, number>>;
}

/** Sums a Prometheus counter's samples by one label. */
function sumByLabel(metricsText: string, name: string, label: string): Record<string, number> {
  const sums: Record<string, number> = {};
  const pattern = new RegExp(`^${name}\\{([^}]*)\\} ([0-9.eE+-]+)$`, 'gm');
  for (const match of metricsText.matchAll(pattern)) {
    const value = new RegExp(`${label}="([^"]*)"`).exec(match[1]!)?.[1] ?? '';
    sums[value] = (sums[value] ?? 0) + Number(match[2]);
  }
  return sums;
}

/** An unlabelled counter's value (0 when absent). */
function counter(metricsText: string, name: string): number {
  const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(metricsText);
  return match ? Number(match[1]) : 0;
}

export async function fetchSchedulerReport(schedulerUrl: string): Promise<SchedulerReport> {
  const metrics = await (await fetch(new URL('/metrics', schedulerUrl))).text();
  const replanReasons = sumByLabel(metrics, 'edgebatch_replans_total', 'reason');
  return {
    replans: Object.values(replanReasons).reduce((a, b) => a + b, 0),
    replanReasons,
    costUsd: sumByLabel(metrics, 'edgebatch_cost_usd_total', 'lane'),
    coldStarts: counter(metrics, 'edgebatch_serverless_cold_starts_total'),
    batches: sumByLabel(metrics, 'edgebatch_batch_size_count', 'lane'),
  };
}
