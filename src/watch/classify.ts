// A log line -> a watch event: which signature of the catalog it matched (src/signatures, the scanner's own
// matching; no pattern lives here), which hop of the drawn path that puts it on, whether it is about one
// request or about the tunnel's state, and how it went. Requests cannot be tied across the two logs (the
// proxy does not see cloudflared's ray id, and cloudflared does not log it), so each line counts at its
// own hop; the drawing infers only what the path's order proves (a line from the proxy about a request
// means that request came through the edge and cloudflared).
import type { Severity } from '../analyze/types.js';
import { hopOfFindingId, type HopId } from '../report/path.js';
import type { LogSource } from '../snapshot/types.js';
import type { LogRecord, SignatureMatch } from '../signatures/types.js';
import { shownLine } from './line.js';
import { NO_ROUTE, type Outcome, type WatchEvent } from './types.js';

/** Signatures that have no finding, or whose hop is not their finding's: where they land. */
const HOP_OF_SIGNATURE: Record<string, HopId> = {
  'cloudflared.starting': 'cloudflared',
  'cloudflared.metrics-server': 'cloudflared',
  'cloudflared.request': 'cloudflared',
  'cloudflared.origin-response': 'proxy',
  'proxy.route-configured': 'routes',
  'proxy.request-routed': 'routes',
};

/** Signatures logged once per request (the rest are about the tunnel's state: connections, starts, crashes). */
const PER_REQUEST = new Set([
  'cloudflared.request',
  'cloudflared.origin-response',
  'cloudflared.origin-unreachable',
  'cloudflared.no-ingress',
  'proxy.tls-handshake-failed',
  'proxy.no-route',
  'proxy.ip-not-private',
  'proxy.request-routed',
]);

/** What cloudflared answers the edge when it fails a request itself. */
const STATUS_TO_EDGE: Record<string, number> = { 'cloudflared.origin-unreachable': 502, 'cloudflared.no-ingress': 503 };

const OUTCOME: Record<Severity, Outcome> = { error: 'failed', warning: 'warn', info: 'info', ok: 'ok' };
const RANK: Record<Severity, number> = { error: 0, warning: 1, ok: 2, info: 3 };

export interface ClassifyContext {
  /** The proxy's route names, in file order. */
  routes: readonly string[];
  tunnelDomain?: string;
}

/** The route a host goes to, the proxy's way: the exact host first, then with the tunnel domain stripped. */
export function routeOfHost(host: string | undefined, ctx: ClassifyContext): string | undefined {
  if (!host) return undefined;
  const h = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (ctx.routes.includes(h)) return h;
  const domain = ctx.tunnelDomain?.toLowerCase();
  if (domain && h.endsWith(`.${domain}`)) {
    const name = h.slice(0, -(domain.length + 1));
    if (ctx.routes.includes(name)) return name;
  }
  return undefined;
}

function statusOf(text: string | undefined): number | undefined {
  if (!text || !/^\d{3}$/.test(text)) return undefined;
  return Number(text);
}

function hopOf(m: SignatureMatch): HopId | undefined {
  return HOP_OF_SIGNATURE[m.signature.id] ?? (m.signature.finding ? hopOfFindingId(m.signature.finding) : undefined);
}

/**
 * Classifies the lines of one run of watch, in the order they arrive. It remembers one thing: cloudflared
 * logs a failed request twice (the proxy's error with originService=, then `failed to serve incoming
 * request` wrapping the same error), and the second is the same request, not another.
 */
export class Classifier {
  private seq = 0;
  private lastOriginError = new Map<string, number>();

  constructor(private readonly ctx: ClassifyContext) {}

  /** `now` (ms) stands in for a line without a time of its own. */
  classify(record: LogRecord, matches: readonly SignatureMatch[], source: LogSource, now: number): WatchEvent | undefined {
    const placed = matches.filter((m) => hopOf(m) !== undefined).sort((a, b) => RANK[a.signature.severity] - RANK[b.signature.severity]);
    const m = placed[0];
    if (!m) return undefined;
    const sig = m.signature;
    const c = m.captures;
    const origin = record.origin ?? source;
    if (sig.id === 'cloudflared.origin-unreachable') {
      // The wrapper line has no originService= of its own: an echo of the line just before it.
      if (c.origin) this.lastOriginError.set(origin, now);
      else if (now - (this.lastOriginError.get(origin) ?? -Infinity) < 2_000) return undefined;
    }
    const hop = hopOf(m)!;
    let outcome = OUTCOME[sig.severity];
    let route: string | undefined;
    let status = statusOf(c.status) ?? STATUS_TO_EDGE[sig.id];
    const host = c.host;
    switch (sig.id) {
      case 'proxy.no-route':
        route = NO_ROUTE;
        break;
      case 'proxy.ip-not-private':
      case 'proxy.request-routed':
      case 'proxy.route-configured':
        route = (c.route && this.ctx.routes.includes(c.route) ? c.route : undefined) ?? routeOfHost(host, this.ctx) ?? c.route;
        if (sig.id === 'proxy.request-routed' && status !== undefined && status >= 500) outcome = 'failed';
        break;
      case 'cloudflared.origin-response':
        // The proxy answered: a 5xx is its upstream failing (its own line says which); still, it answered.
        if (status !== undefined && status >= 500) outcome = 'warn';
        break;
      case 'cloudflared.no-ingress':
        status = statusOf(c.status) ?? 503;
        break;
    }
    if (route === undefined && hop === 'routes' && host) route = routeOfHost(host, this.ctx);
    const line = sig.id === 'cloudflared.request'
      ? shownLine(`${c.method ?? 'request'} ${c.path ?? c.url ?? ''}${host ? ` host=${host}` : ''}`)
      : shownLine(record.text || record.display);
    const event: WatchEvent = {
      seq: ++this.seq,
      time: record.time ?? new Date(now).toISOString(),
      source: record.source ?? source,
      signature: sig.id,
      severity: outcome === 'failed' ? 'error' : outcome === 'warn' && (sig.severity === 'ok' || sig.severity === 'info') ? 'warning' : sig.severity,
      hop,
      request: PER_REQUEST.has(sig.id),
      outcome,
      line,
    };
    if (record.origin) event.origin = record.origin;
    if (sig.finding) event.finding = sig.finding;
    if (route) event.route = route;
    if (host) event.host = host;
    if (status !== undefined) event.status = status;
    if (hop === 'routes' && !route && this.ctx.routes.length === 1) event.route = this.ctx.routes[0];
    return event;
  }
}
