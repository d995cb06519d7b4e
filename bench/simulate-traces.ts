/** The traces the simulate bench and its fingerprint check run on: the Twitter hour and three real edge links. */
import { join } from 'node:path';

export const DATA = join(import.meta.dirname, '..', 'data');
export const ARRIVALS = 'seed/workload/TW_may25_15-16.gz';
export const LINKS = {
  att: 'traces/bandwidth/mahimahi/ATT-LTE-driving.up.gz',
  bus: 'traces/bandwidth/pensieve/train/bus.ljansbakken-oslo-report.2010-09-30_1114CEST.log',
  fcc: 'traces/bandwidth/pensieve/train/trace_866_http---www.amazon.com',
};
