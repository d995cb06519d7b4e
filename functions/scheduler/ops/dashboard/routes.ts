/**
 * `GET /dashboard` and its assets, as a Hono sub-app the scheduler mounts (`app.route('/', createDashboardRoutes())`).
 * The page polls `GET /v1/state` and `GET /v1/plan`, which the scheduler serves (shapes in http-schemas.ts).
 */
import { Hono } from 'hono';
import { loadDashboardAssets, type DashboardAssets } from './assets.js';

/** Everything from the scheduler itself: the page needs no other origin. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

export interface DashboardRoutesOptions {
  /** Injected for tests; default: loadDashboardAssets(). */
  readonly assets?: DashboardAssets;
}

export function createDashboardRoutes(options: DashboardRoutesOptions = {}): Hono {
  const assets = options.assets ?? loadDashboardAssets();
  const app = new Hono();
  const serve = (path: string, body: string, type: string, cache: string): void => {
    app.get(path, (c) =>
      c.body(body, 200, {
        'content-type': type,
        'cache-control': cache,
        'x-content-type-options': 'nosniff',
        'content-security-policy': CONTENT_SECURITY_POLICY,
      }),
    );
  };
  serve('/dashboard', assets.html, 'text/html; charset=utf-8', 'no-cache');
  // The page's URLs are relative to /dashboard; with a trailing slash they would resolve under /dashboard/.
  app.get('/dashboard/', (c) => c.redirect('../dashboard', 301));
  serve('/dashboard/assets/dashboard.js', assets.script, 'text/javascript; charset=utf-8', 'no-cache');
  serve('/dashboard/assets/dashboard.css', assets.css, 'text/css; charset=utf-8', 'no-cache');
  serve('/dashboard/assets/uplot.min.js', assets.uplotScript, 'text/javascript; charset=utf-8', 'public, max-age=86400');
  serve('/dashboard/assets/uplot.min.css', assets.uplotCss, 'text/css; charset=utf-8', 'public, max-age=86400');
  return app;
}
