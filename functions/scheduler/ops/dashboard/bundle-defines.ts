/**
 * For the scheduler's esbuild bundle: `esbuild.build({ ..., define: { ...dashboardAssetDefines() } })`
 * inlines the dashboard's files (about 60 KB) so the bundle serves /dashboard without node_modules.
 */
import { DASHBOARD_ASSETS_DEFINE, readDashboardAssetsFromDisk } from './assets.js';

export function dashboardAssetDefines(): Record<string, string> {
  // esbuild's define takes a JS expression; a JSON string literal holding the JSON text is one.
  return { [DASHBOARD_ASSETS_DEFINE]: JSON.stringify(JSON.stringify(readDashboardAssetsFromDisk())) };
}
