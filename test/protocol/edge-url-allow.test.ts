import { describe, expect, it } from 'vitest';
import { loadSchedulerConfig } from '../../shared/protocol/config-load.js';
import { edgeUrlEntryProblem, edgeUrlMatcher } from '../../shared/protocol/edge-url-allow.js';

describe('edge URL allowlist', () => {
  it('matches exact URLs after normalisation, and host patterns label by label', () => {
    const allowed = edgeUrlMatcher(['http://10.0.0.7:9200/v1/batch', 'https://edge-*.example.com/v1/batch', 'http://10.0.1.*:9200/v1/batch']);
    const cases: [string, boolean][] = [
      ['http://10.0.0.7:9200/v1/batch', true],
      ['HTTP://10.0.0.7:9200/v1/batch', true],
      ['http://10.0.0.7:9201/v1/batch', false],
      ['https://edge-1.example.com/v1/batch', true],
      ['https://edge-jetson-orin.example.com:443/v1/batch', true],
      ['https://Edge-2.Example.COM/v1/batch', true],
      ['https://edge-.example.com/v1/batch', false],
      ['https://edge-1.example.com.attacker.net/v1/batch', false],
      ['https://x.edge-1.example.com/v1/batch', false],
      ['https://edge-1.example.com/v1/batch/', false],
      ['https://edge-1.example.com/v1/batch#x', false],
      ['https://u:p@edge-1.example.com/v1/batch', false],
      ['http://edge-1.example.com/v1/batch', false],
      ['http://10.0.1.23:9200/v1/batch', true],
      ['http://10.0.1.23.attacker.net:9200/v1/batch', false],
      ['http://10.0.2.23:9200/v1/batch', false],
      ['not a url', false],
    ];
    for (const [url, expected] of cases) expect([url, allowed(url)]).toEqual([url, expected]);
    expect(edgeUrlMatcher([])('https://edge-1.example.com/v1/batch')).toBe(false);
  });

  it('explains what is wrong with an entry', () => {
    expect(edgeUrlEntryProblem('https://edge-*.example.com/v1/batch')).toBeUndefined();
    expect(edgeUrlEntryProblem('http://10.0.0.*:9200/v1/batch')).toBeUndefined();
    expect(edgeUrlEntryProblem('edge-*.example.com')).toMatch(/^Expected an http\(s\) batch URL, exact or with \* in the host .*, got "edge-\*\.example\.com"$/);
    expect(edgeUrlEntryProblem('ftp://edge.example.com/v1/batch')).toMatch(/^Expected an http:\/\/ or https:\/\/ URL/);
    expect(edgeUrlEntryProblem('https://*.com/v1/batch')).toMatch(/^Expected at least two host labels without \*/);
    expect(edgeUrlEntryProblem('https://*/v1/batch')).toMatch(/^Expected at least two host labels without \*/);
    expect(edgeUrlEntryProblem('http://10.*.*.*:9200/v1/batch')).toMatch(/^Expected at least two host labels without \*/);
    expect(edgeUrlEntryProblem('https://edge.example.com/v1/*')).toMatch(/^Expected \* only in the host name/);
    expect(edgeUrlEntryProblem('https://edge-*.example.com/v1/batch?k=v')).toMatch(/^Expected a URL without user, query or fragment/);
    expect(edgeUrlEntryProblem('https://me@edge.example.com/v1/batch')).toMatch(/^Expected a URL without user, query or fragment/);
  });

  it('is configured by EDGE_URL_ALLOW, with errors that name the variable', () => {
    const ok = loadSchedulerConfig({ env: { HOST: '127.0.0.1', EDGE_URL_ALLOW: 'https://edge-*.example.com/v1/batch, http://10.0.0.7:9200/v1/batch' } });
    expect(ok.ok && ok.config.lanes.edge.allow).toEqual(['https://edge-*.example.com/v1/batch', 'http://10.0.0.7:9200/v1/batch']);
    const bad = loadSchedulerConfig({ env: { HOST: '127.0.0.1', EDGE_URL_ALLOW: 'https://edge-1.example.com/v1/batch,https://*.com/v1/batch' } });
    expect(bad.ok ? [] : bad.errors).toEqual([
      'lanes.edge.allow[1] (env EDGE_URL_ALLOW): Expected at least two host labels without * (e.g. https://edge-*.example.com/v1/batch), got "https://*.com/v1/batch"',
    ]);
    const defaults = loadSchedulerConfig({ env: { HOST: '127.0.0.1' } });
    expect(defaults.ok && defaults.config.lanes.edge.allow).toEqual([]);
  });

  it('keeps the grace period for summing counts within what the store keeps', () => {
    const ok = loadSchedulerConfig({ env: { HOST: '127.0.0.1', COUNT_INTERVAL_MS: '250', COUNT_GRACE_MS: '800' } });
    expect(ok.ok && ok.config.planner.countGraceMs).toBe(800);
    const bad = loadSchedulerConfig({ env: { HOST: '127.0.0.1', COUNT_INTERVAL_MS: '100', COUNT_GRACE_MS: '5000' } });
    expect(bad.ok ? [] : bad.errors).toEqual(['planner.countGraceMs (env COUNT_GRACE_MS): Expected at most 32 counting intervals (3200 ms), got 5000']);
  });
});
