// Events -> the watch state: counts per hop and per route, the last outcome at each hop (its own line, or a
// later hop's line, which proves the request came through it), failures of the tunnel's state that no
// later line has recovered, severities and findings seen, and cloudflared's own numbers. Pure.
import type { FindingId } from '../analyze/catalog.js';
import type { HopId } from '../report/path.js';
import { signatureById } from '../signatures/catalog.js';
import { TIMELINE_KEPT, type FollowerInfo, type MetricsSample, type WatchEvent, type WatchState } from './types.js';

/** The request's path in order; a line at one hop proves the hops before it passed. */
export const HOP_ORDER: readonly HopId[] = ['claude', 'edge', 'cloudflared', 'proxy', 'routes'];

const tally = () => ({ ok: 0, failed: 0 });

export function initialWatch(since: string, followers: FollowerInfo[] = []): WatchState {
  return {
    since,
    events: [],
    total: 0,
    hops: { claude: tally(), edge: tally(), cloudflared: tally(), proxy: tally(), routes: tally() },
    routes: {},
    logged: {},
    reached: {},
    standing: {},
    bySeverity: { error: 0, warning: 0, info: 0, ok: 0 },
    byFinding: {},
    followers,
    notes: [],
  };
}

/** Whether `later` recovers `standing`: the catalog says so, or a request passed that hop since. */
function recovers(standing: WatchEvent, later: WatchEvent): boolean {
  const sig = signatureById(standing.signature);
  if (sig?.recoveredBy?.includes(later.signature)) return true;
  if (later.request && later.outcome !== 'failed') return HOP_ORDER.indexOf(later.hop) >= HOP_ORDER.indexOf(standing.hop);
  return later.request && HOP_ORDER.indexOf(later.hop) > HOP_ORDER.indexOf(standing.hop);
}

export function addEvent(state: WatchState, e: WatchEvent): WatchState {
  const events = state.events.length >= TIMELINE_KEPT ? [...state.events.slice(1 - TIMELINE_KEPT), e] : [...state.events, e];
  const next: WatchState = { ...state, events, total: state.total + 1, bySeverity: { ...state.bySeverity, [e.severity]: state.bySeverity[e.severity] + 1 } };
  if (e.finding) next.byFinding = { ...state.byFinding, [e.finding]: (state.byFinding[e.finding as FindingId] ?? 0) + 1 };

  // The tunnel's state: a failure stands until something recovers it.
  const standing = { ...state.standing };
  for (const [hop, s] of Object.entries(standing)) if (s && recovers(s, e)) delete standing[hop as HopId];
  if (!e.request && e.outcome === 'failed') standing[e.hop] = e;
  next.standing = standing;

  if (e.request) {
    const hops = { ...state.hops, [e.hop]: { ...state.hops[e.hop] } };
    if (e.outcome === 'failed') hops[e.hop].failed++;
    else hops[e.hop].ok++;
    next.hops = hops;
    const l = { ...(state.logged[e.source] ?? tally()) };
    if (e.outcome === 'failed') l.failed++;
    else l.ok++;
    next.logged = { ...state.logged, [e.source]: l };
    if (e.route) {
      const r = { ...(state.routes[e.route] ?? tally()) };
      if (e.outcome === 'failed') r.failed++;
      else r.ok++;
      next.routes = { ...state.routes, [e.route]: r };
    }
    // This hop's outcome, and every hop before it passed (a request reaches a hop only through them).
    const reached = { ...state.reached };
    const at = HOP_ORDER.indexOf(e.hop);
    HOP_ORDER.forEach((hop, i) => {
      if (i < at) reached[hop] = { seq: e.seq, outcome: 'ok', event: e };
      else if (i === at) reached[hop] = { seq: e.seq, outcome: e.outcome, event: e };
    });
    next.reached = reached;
    if (e.outcome === 'failed') next.lastFailure = e;
  } else if (e.outcome === 'ok') {
    // The tunnel's state going well says so for its own hop only: a registered connection for the edge,
    // `route configured` for the proxy (it runs); neither says anything of the hops around it.
    const hop = e.hop === 'routes' ? 'proxy' : e.hop;
    next.reached = { ...state.reached, [hop]: { seq: e.seq, outcome: 'ok', event: e } };
  }
  return next;
}

export function addEvents(state: WatchState, events: readonly WatchEvent[]): WatchState {
  return events.reduce(addEvent, state);
}

export function addMetrics(state: WatchState, sample: MetricsSample): WatchState {
  return { ...state, metrics: sample, metricsBase: state.metricsBase ?? sample, metricsNote: undefined };
}

export function metricsUnavailable(state: WatchState, why: string): WatchState {
  return state.metricsNote === why ? state : { ...state, metricsNote: why };
}

export function addNote(state: WatchState, text: string): WatchState {
  return { ...state, notes: [...state.notes, text].slice(-20) };
}

export function setFollowers(state: WatchState, followers: FollowerInfo[]): WatchState {
  return { ...state, followers };
}

export function ended(state: WatchState, reason: string, at: string): WatchState {
  return state.ended ? state : { ...state, ended: { reason, at } };
}

/** SPEC's exit code for a watch: 1 when an event of severity error was seen. */
export function watchExitCode(state: WatchState): number {
  return state.bySeverity.error > 0 ? 1 : 0;
}

/** Changes since watch began (a counter that went down means cloudflared restarted: then the value itself). */
export function metricsDelta(state: WatchState): { requests?: number; errors?: number; responses: Record<string, number> } {
  const now = state.metrics;
  const base = state.metricsBase;
  if (!now) return { responses: {} };
  const diff = (a?: number, b?: number) => (a === undefined ? undefined : b === undefined || a < b ? a : a - b);
  const responses: Record<string, number> = {};
  for (const [code, n] of Object.entries(now.responses)) {
    const d = diff(n, base?.responses[code]) ?? 0;
    if (d > 0) responses[code] = d;
  }
  const out: { requests?: number; errors?: number; responses: Record<string, number> } = { responses };
  const requests = diff(now.totalRequests, base?.totalRequests);
  const errors = diff(now.requestErrors, base?.requestErrors);
  if (requests !== undefined) out.requests = requests;
  if (errors !== undefined) out.errors = errors;
  return out;
}
