/**
 * The dashboard's files: our page, script and styles beside this module, and uPlot from node_modules (served
 * by the scheduler itself: no CDN). Two ways to get them:
 *
 * - from source (tsx, vitest): read from disk, next to this module and through Node's module resolution;
 * - from an esbuild bundle (the FC scheduler has no node_modules nor these files): the build passes
 *   `define: dashboardAssetDefines()` (bundle-defines.ts), which replaces DASHBOARD_ASSETS_DEFINE below by
 *   the files' text at build time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface DashboardAssets {
  readonly html: string;
  readonly script: string;
  readonly css: string;
  readonly uplotScript: string;
  readonly uplotCss: string;
}

/** The identifier esbuild replaces (a JSON string of DashboardAssets). */
export const DASHBOARD_ASSETS_DEFINE = '__EDGEBATCH_DASHBOARD_ASSETS__';
declare const __EDGEBATCH_DASHBOARD_ASSETS__: string | undefined;

/** Reads the files from disk (source layout). */
export function readDashboardAssetsFromDisk(): DashboardAssets {
  const own = (name: string): string => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
  const require = createRequire(import.meta.url);
  const uplot = (file: string): string => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
  return {
    html: own('page.html'),
    script: own('dashboard.js'),
    css: own('dashboard.css'),
    uplotScript: uplot('uPlot.iife.min.js'),
    uplotCss: uplot('uPlot.min.css'),
  };
}

let cached: DashboardAssets | undefined;

/** The assets, inlined by the bundler when built, else read once from disk. */
export function loadDashboardAssets(): DashboardAssets {
  if (cached) return cached;
  cached =
    typeof __EDGEBATCH_DASHBOARD_ASSETS__ === 'string'
      ? (JSON.parse(__EDGEBATCH_DASHBOARD_ASSETS__) as DashboardAssets)
      : readDashboardAssetsFromDisk();
  return cached;
}
