import { describe, expect, it } from 'vitest';
import { bandwidthAt, bandwidthTrace, meanBandwidth, perSecondBandwidth, transferEndMs } from '../../../shared/core/traces/bandwidth-trace.js';
import { parseBandwidth } from '../../../shared/core/traces/bandwidth.js';
import { readDataText } from '../../support/data.js';

const read = readDataText;

describe('parseBandwidth on the real traces', () => {
  it('reads a Ghent log: bytes*8/interval_ms/1000 per step', () => {
    const { trace, format } = parseBandwidth(read('seed/bandwidth/report_car_0001.log'));
    expect(format).toBe('ghent');
    expect(trace.mbps.length).toBe(468);
    expect(trace.mbps[1]).toBeCloseTo((4805592 * 8) / 1000 / 1000, 9);
    expect(bandwidthAt(trace, 741 + 500)).toBeCloseTo(38.444736, 5);
    expect(trace.periodMs).toBe(467742);
  });

  it('reads a Mahimahi uplink: opportunities per second * 0.012 Mbit/s', () => {
    const text = read('traces/bandwidth/mahimahi/ATT-LTE-driving.up.gz');
    const { trace, format } = parseBandwidth(text);
    expect(format).toBe('mahimahi');
    const times = text.trim().split('\n').map(Number);
    const inSecond5 = times.filter((ms) => ms >= 5000 && ms < 6000).length;
    expect(bandwidthAt(trace, 5500)).toBeCloseTo(inSecond5 * 0.012, 9);
    expect(trace.periodMs).toBe(Math.ceil((times[times.length - 1]! + 1) / 1000) * 1000);
    const overall = (times.length * 0.012) / (trace.periodMs / 1000);
    expect(overall).toBeGreaterThan(0.5);
    expect(overall).toBeLessThan(3); // README: AT&T LTE uplink about 1-2 Mbit/s
  });

  it('reads Pensieve time/Mbit/s steps', () => {
    const { trace, format } = parseBandwidth(read('traces/bandwidth/pensieve/train/bus.ljansbakken-oslo-report.2010-09-28_1407CEST.log'));
    expect(format).toBe('pensieve');
    expect(bandwidthAt(trace, 1500)).toBeCloseTo(1.35911287129, 9);
    expect(bandwidthAt(trace, 0)).toBeCloseTo(2.29085714286, 9);
  });

  it('reads the prototype bandwidth.json in MB/s (2^20 bytes)', () => {
    const text = read('seed/bandwidth/bandwidth.json');
    const { trace, format } = parseBandwidth(text);
    expect(format).toBe('mbytes-json');
    const first = (JSON.parse(text) as number[])[0]!;
    expect(trace.mbps[0]).toBeCloseTo((first * 1048576 * 8) / 1e6, 9);
  });

  it('reads plain Mbit/s lines and windows', () => {
    const { trace, format } = parseBandwidth('1.5\n2.5\n3.5\n4.5\n', { window: { startS: 1, endS: 3 } });
    expect(format).toBe('mbps-lines');
    expect(Array.from(trace.mbps)).toEqual([2.5, 3.5]);
    expect(trace.periodMs).toBe(2000);
  });

  it('names bad lines', () => {
    expect(() => parseBandwidth('0.0 1.0\n1.0 x\n', { source: 'p.log' })).toThrow(/p\.log line 2: Expected Mbit\/s, got "x"/);
    expect(() => parseBandwidth('0\n0\n0\n', { format: 'mbps-lines' })).toThrow(/delivers nothing/);
  });
});

describe('transfers against a time-varying link', () => {
  // 1 Mbit/s for a second, 10 Mbit/s for a second, then repeat.
  const link = bandwidthTrace([0, 1000], [1, 10], 2000);

  it('integrates bits over the steps: a transfer starting slow stays slow', () => {
    // 2 Mbit from t=0: 1 Mbit in the first second, the rest at 10 Mbit/s takes 100 ms.
    expect(transferEndMs(link, 0, 2e6)).toBeCloseTo(1100, 9);
    // Starting at 900 ms: 0.1 Mbit by 1000, then 1.9 Mbit at 10 Mbit/s = 190 ms.
    expect(transferEndMs(link, 900, 2e6)).toBeCloseTo(1190, 9);
  });

  it('repeats the trace past its period', () => {
    expect(transferEndMs(link, 4000, 2e6)).toBeCloseTo(5100, 9);
    // 11 Mbit per period; 23 Mbit from 0 → two periods (22) plus 1 Mbit at 1 Mbit/s.
    expect(transferEndMs(link, 0, 23e6)).toBeCloseTo(5000, 9);
  });

  it('waits through a dead second', () => {
    const dead = bandwidthTrace([0, 1000], [0, 8], 2000);
    expect(transferEndMs(dead, 200, 8e6)).toBeCloseTo(2000, 9);
  });

  it('averages per second', () => {
    expect(meanBandwidth(link, 500, 1500)).toBeCloseTo(5.5, 9);
    expect(Array.from(perSecondBandwidth(link, 3))).toEqual([1, 10, 1]);
  });
});
