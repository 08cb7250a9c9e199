// Each route's upstream with the addresses the proxy would dial: an IP literal as written, otherwise what
// gather resolved (Compose service address, Kubernetes clusterIP, the host's resolver) into state.resolved.
import type { Snapshot } from '../snapshot/types.js';
import { routeEntries, type ProxyConfigView } from './proxy-config.js';
import { parseUpstream } from './upstream-url.js';
import { isIP } from './net.js';

export interface Upstream {
  route: string;
  url: string;
  host: string;
  line?: number;
  /** Addresses known for the host (empty when it was not resolved). */
  addresses: string[];
  via?: string;
  resolveError?: string;
}

export function upstreamsOf(s: Snapshot, view: ProxyConfigView): Upstream[] {
  const out: Upstream[] = [];
  for (const route of routeEntries(view)) {
    const parsed = parseUpstream(route.url);
    if (!parsed.ok) continue;
    const host = parsed.url.host;
    const base = { route: route.name, url: route.url, host, line: route.line };
    if (isIP(host)) {
      out.push({ ...base, addresses: [host], via: 'IP address in the route' });
      continue;
    }
    const resolved = s.state.resolved?.[host];
    out.push({ ...base, addresses: resolved?.addresses ?? [], via: resolved?.via, resolveError: resolved?.error });
  }
  return out;
}
