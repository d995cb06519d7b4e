import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'esbuild';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardRoutes } from '../../functions/scheduler/ops/dashboard/routes.js';
import { dashboardAssetDefines } from '../../functions/scheduler/ops/dashboard/bundle-defines.js';
import { REPO_ROOT } from '../support/paths.js';
import { listen } from './serve.js';

const require = createRequire(import.meta.url);
const UPLOT_JS = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
const UPLOT_CSS = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');

/** src= and href= of the page, as written. */
function pageLinks(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((link) => !link.startsWith('data:'));
}

describe('dashboard routes (from source)', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await listen(createDashboardRoutes());
  });
  afterAll(() => server.close());

  it('serves the page and every asset it links, from the scheduler itself (no other origin)', async () => {
    const page = await fetch(`${server.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    const links = pageLinks(html);
    expect(links.sort()).toEqual(['dashboard/assets/dashboard.css', 'dashboard/assets/dashboard.js', 'dashboard/assets/uplot.min.css', 'dashboard/assets/uplot.min.js']);
    for (const link of links) {
      const asset = await fetch(new URL(link, `${server.url}/dashboard`));
      expect(asset.status, link).toBe(200);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(await (await fetch(`${server.url}/dashboard/assets/uplot.min.js`)).text()).toBe(UPLOT_JS);
    expect(await (await fetch(`${server.url}/dashboard/assets/uplot.min.css`)).text()).toBe(UPLOT_CSS);
  });

  it('redirects /dashboard/ so relative asset URLs keep working', async () => {
    const response = await fetch(`${server.url}/dashboard/`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(new URL(response.headers.get('location')!, `${server.url}/dashboard/`).pathname).toBe('/dashboard');
  });

  it('the browser script is valid JavaScript that polls the two API routes', async () => {
    const script = await (await fetch(`${server.url}/dashboard/assets/dashboard.js`)).text();
    expect(() => new Script(script, { filename: 'dashboard.js' })).not.toThrow();
    expect(script).toContain("new URL('v1/state', document.baseURI)");
    expect(script).toContain("new URL('v1/plan', document.baseURI)");
  });
});

describe('dashboard in an esbuild bundle (as deployed to FC: no node_modules, no source files)', () => {
  it('serves the same assets, inlined at build time through define', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'edgebatch-dashboard-bundle-'));
    const entry = join(outdir, 'entry.ts');
    writeFileSync(entry, `export { createDashboardRoutes } from ${JSON.stringify(join(REPO_ROOT, 'functions/scheduler/ops/dashboard/routes.ts'))};\n`);
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: join(outdir, 'bundle.mjs'),
      define: dashboardAssetDefines(),
      logLevel: 'silent',
    });
    const bundled = (await import(pathToFileURL(join(outdir, 'bundle.mjs')).href)) as { createDashboardRoutes: () => Hono };
    const app = bundled.createDashboardRoutes();
    const page = await app.request('/dashboard');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(readFileSync(join(REPO_ROOT, 'functions/scheduler/ops/dashboard/page.html'), 'utf8'));
    expect(await (await app.request('/dashboard/assets/uplot.min.js')).text()).toBe(UPLOT_JS);
    // The bundle lives outside the repo: had it tried to read files, it would have failed above.
    expect(readFileSync(join(outdir, 'bundle.mjs'), 'utf8')).not.toContain('__EDGEBATCH_DASHBOARD_ASSETS__');
  }, 30_000);
});
