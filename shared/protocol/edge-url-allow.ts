/**
 * Which edge batch URLs a telemetry report may register. A valid signature only proves the sender holds the
 * edge secret; without this list, anyone holding it could point the scheduler's batches (the users' images) at
 * any URL. The operator lists the agents' URLs (EDGE_URLS, always allowed) and may allow more (EDGE_URL_ALLOW):
 *
 * - an exact batch URL: `https://edge-7.example.com/v1/batch` (compared after URL normalisation: the host's
 *   case and a default port do not matter);
 * - a host pattern: `*` in the host name stands for one or more characters within one DNS label, e.g.
 *   `https://edge-*.example.com/v1/batch` or `http://10.0.0.*:9200/v1/batch`. Scheme, port and path must match
 *   exactly, and at least two labels of the host must be spelt out, so that no pattern can allow a whole
 *   top-level domain or every address.
 *
 * Neither may carry a user, query or fragment, and a reported URL that does is refused by patterns.
 */
import { expected } from '../core/errors.js';

const EXAMPLE = 'e.g. https://edge-*.example.com/v1/batch';

/** Why `entry` is not a valid allowlist entry, or undefined when it is. */
export function edgeUrlEntryProblem(entry: string): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return expected(`an http(s) batch URL, exact or with * in the host (${EXAMPLE})`, entry);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return expected(`an http:// or https:// URL (${EXAMPLE})`, entry);
  if (url.username || url.password || url.search || url.hash || entry.includes('?') || entry.includes('#')) {
    return expected('a URL without user, query or fragment', entry);
  }
  const wildcards = (entry.match(/\*/g) ?? []).length;
  if (wildcards === 0) return undefined;
  if ((url.hostname.match(/\*/g) ?? []).length !== wildcards) return expected(`* only in the host name (${EXAMPLE})`, entry);
  const spelt = url.hostname.split('.').filter((label) => !label.includes('*')).length;
  if (spelt < 2) return expected(`at least two host labels without * (${EXAMPLE})`, entry);
  return undefined;
}

/** A predicate over reported batch URLs: true when an entry allows it. Entries must have passed edgeUrlEntryProblem. */
export function edgeUrlMatcher(entries: readonly string[]): (url: string) => boolean {
  const exact = new Set(entries.filter((entry) => !entry.includes('*')).map((entry) => new URL(entry).href));
  const patterns = entries.filter((entry) => entry.includes('*')).map((entry) => hostPattern(new URL(entry)));
  return (reported: string) => {
    let url: URL;
    try {
      url = new URL(reported);
    } catch {
      return false;
    }
    if (exact.has(url.href)) return true;
    if (url.username || url.password || url.search || url.hash) return false;
    return patterns.some((pattern) => pattern(url));
  };
}

function hostPattern(pattern: URL): (url: URL) => boolean {
  // Each label: its fixed characters literally, each * as one or more characters that are not a dot.
  const labels = pattern.hostname
    .split('.')
    .map((label) => label.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^.]+'));
  const host = new RegExp(`^${labels.join('\\.')}$`);
  return (url) => url.protocol === pattern.protocol && url.port === pattern.port && url.pathname === pattern.pathname && host.test(url.hostname);
}
