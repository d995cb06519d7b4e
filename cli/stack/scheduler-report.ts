/** What the scheduler itself says at the end of a run: re-plans and their reasons, and its estimated spend. */
export interface SchedulerReport {
  readonly replans: number;
  readonly replanReasons: Readonly<Record<string, number>>;
  readonly costUsd: Readonly<Record<string, number>>;
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

export async function fetchSchedulerReport(schedulerUrl: string): Promise<SchedulerReport> {
  const metrics = await (await fetch(new URL('/metrics', schedulerUrl))).text();
  const replanReasons = sumByLabel(metrics, 'edgebatch_replans_total', 'reason');
  return {
    replans: Object.values(replanReasons).reduce((a, b) => a + b, 0),
    replanReasons,
    costUsd: sumByLabel(metrics, 'edgebatch_cost_usd_total', 'lane'),
  };
}
