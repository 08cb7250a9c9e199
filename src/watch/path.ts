// The drawn request path (src/report/path.ts), alive: each hop shows the last outcome at or past it, ✗ with
// the line that says so; hops after the last failure that nothing has reached since are drawn as not
// reached; a failure of the tunnel's state (a crash, no edge connection) stands until it is recovered.
import type { Finding, Layer } from '../analyze/types.js';
import type { Hop, HopId, HopStatus, PathModel } from '../report/path.js';
import { HOP_ORDER } from './reduce.js';
import { NO_ROUTE, type Outcome, type WatchEvent, type WatchState } from './types.js';

const LABELS: Record<Exclude<HopId, 'routes'>, [string, string]> = {
  claude: ['Claude', 'Claude'],
  edge: ['tunnel edge', 'edge'],
  cloudflared: ['cloudflared', 'cloudflared'],
  proxy: ['mcp-proxy (inner TLS)', 'proxy'],
};

const LAYER: Record<HopId, Layer> = { claude: 'setup', edge: 'edge', cloudflared: 'edge', proxy: 'tls', routes: 'routing' };

/** The event as the path's under-line shows it: its line, under the hop it broke. */
function asFinding(e: WatchEvent): Finding {
  return { id: (e.finding ?? e.signature) as Finding['id'], severity: 'error', layer: LAYER[e.hop], title: e.line, detail: '', evidence: [], fixes: [] };
}

function statusOf(outcome: Outcome): HopStatus {
  return outcome === 'failed' ? 'failing' : outcome === 'warn' ? 'warn' : 'ok';
}

/** The last request event at each route, from the timeline (newest wins). */
function lastPerRoute(state: WatchState): Map<string, WatchEvent> {
  const out = new Map<string, WatchEvent>();
  for (const e of state.events) if (e.request && e.route) out.set(e.route, e);
  return out;
}

export function watchPathModel(state: WatchState, routeNames: readonly string[]): PathModel {
  const failure = state.lastFailure;
  const failAt = failure ? HOP_ORDER.indexOf(failure.hop) : -1;
  /** A hop after the last failure that nothing reached since was not reached by the latest request. */
  const stale = (hop: HopId, seq: number) => failure !== undefined && HOP_ORDER.indexOf(hop) > failAt && seq < failure.seq;
  // A request came from Claude: the first hop is lit by requests only (a registration is not one).
  const anyRequest = Object.values(state.hops).some((t) => t.ok + t.failed > 0);

  const hop = (id: Exclude<HopId, 'routes'>): Hop => {
    const [label, short] = LABELS[id];
    const standing = state.standing[id];
    const reached = state.reached[id];
    let status: HopStatus = 'unknown';
    let failing: Finding[] = [];
    if (standing) {
      status = 'failing';
      failing = [asFinding(standing)];
    } else if (id === 'claude') {
      status = anyRequest ? 'ok' : 'unknown';
    } else if (reached && !stale(id, reached.seq)) {
      status = statusOf(reached.outcome);
      if (status === 'failing') failing = [asFinding(reached.event)];
    }
    return { key: id, label, short, status, failing };
  };

  const last = lastPerRoute(state);
  const standingRoutes = state.standing.routes;
  const names = [...routeNames, ...[...last.keys()].filter((r) => !routeNames.includes(r) && r !== NO_ROUTE), ...(last.has(NO_ROUTE) ? [NO_ROUTE] : [])];
  const routeHop = (name: string): Hop => {
    const label = name === NO_ROUTE ? 'no route' : name;
    if (standingRoutes) return { key: `route:${name}`, label, short: label, status: 'failing', failing: [asFinding(standingRoutes)] };
    const e = last.get(name);
    if (!e || stale('routes', e.seq)) return { key: `route:${name}`, label, short: label, status: 'unknown', failing: [] };
    const status = statusOf(e.outcome);
    return { key: `route:${name}`, label, short: label, status, failing: status === 'failing' ? [asFinding(e)] : [] };
  };
  const routes = names.length ? names.map(routeHop) : [{ key: 'routes', label: 'routes', short: 'routes', status: standingRoutes ? 'failing' : 'unknown', failing: standingRoutes ? [asFinding(standingRoutes)] : [] } as Hop];
  return { hops: [hop('claude'), hop('edge'), hop('cloudflared'), hop('proxy'), ...routes], routes };
}

/**
 * Requests per log, one line's worth: each program logs a line per request it saw (cloudflared at info
 * level only those it failed), and the proxy's by route: `cloudflared 1 (1 ✗) · mcp-proxy 2: wiki 1, no route 1 (1 ✗)`.
 */
export function countParts(state: WatchState, routeNames: readonly string[]): { label: string; ok: number; failed: number; route?: boolean }[] {
  const parts: { label: string; ok: number; failed: number; route?: boolean }[] = [];
  for (const source of ['cloudflared', 'mcp-proxy'] as const) {
    const t = state.logged[source] ?? { ok: 0, failed: 0 };
    parts.push({ label: source, ok: t.ok, failed: t.failed });
  }
  const names = [...routeNames, ...Object.keys(state.routes).filter((r) => !routeNames.includes(r))];
  for (const name of names) {
    const t = state.routes[name] ?? { ok: 0, failed: 0 };
    parts.push({ label: name === NO_ROUTE ? 'no route' : name, ok: t.ok, failed: t.failed, route: true });
  }
  return parts;
}
