import type { Check, Observation, Severity } from '../../types.js';
import { EDGE_WORKS } from '../../../signatures/catalog.js';
import { hitsOf, type LogHit } from '../../../signatures/log-index.js';
import { groupBy, hitEvidence, recoveryText, seenIn, whenOf } from '../../log-evidence.js';

const QUIC_FAILED = ['cloudflared.quic-dial-failed', 'cloudflared.quic-timeout', 'cloudflared.quic-egress-blocked', 'cloudflared.fallback-protocol', 'cloudflared.precheck-quic-fail'];
const TCP_FAILED = ['cloudflared.http2-dial-failed', 'cloudflared.edge-dial-error', 'cloudflared.precheck-http2-fail'];
const DNS_FAILED = ['cloudflared.edge-dns', 'cloudflared.precheck-dns-fail'];
const DROPPED = ['cloudflared.connection-lost'];
const FAILED = [...QUIC_FAILED, ...TCP_FAILED, ...DNS_FAILED, ...DROPPED];
const REGISTERED = ['cloudflared.registered', 'cloudflared.registered-legacy'];
const STARTED = ['cloudflared.starting'];
const NO_INGRESS = ['cloudflared.no-ingress'];

type EdgeState = 'dns' | 'both' | 'tcp' | 'quic-only' | 'udp-blocked' | 'dropped' | 'recovered' | 'reached';
const RANK: Record<EdgeState, number> = { dns: 0, both: 0, tcp: 0, 'quic-only': 0, 'udp-blocked': 1, dropped: 1, recovered: 2, reached: 2 };

interface GroupVerdict {
  state?: EdgeState;
  failures: LogHit[];
  /** Registrations in the latest run (after the last start line). */
  registrations: LogHit[];
  /** Lines after the last failure that show the edge reached cloudflared (registrations, requests, ...). */
  after: LogHit[];
}

const protocolOf = (h: LogHit) => h.captures.protocol?.toLowerCase();

/** One hit per log line: a line can match several signatures (a QUIC dial failure is also a QUIC timeout). */
function byLine(hits: LogHit[]): LogHit[] {
  const seen = new Set<unknown>();
  return hits.filter((h) => !seen.has(h.record) && Boolean(seen.add(h.record)));
}

/** One cloudflared (one log, one pod or container): what its latest lines say about reaching the edge. */
function judge(events: LogHit[]): GroupVerdict {
  const isOf = (ids: string[]) => (h: LogHit) => ids.includes(h.signature.id);
  const failures = byLine(events.filter(isOf(FAILED)));
  const lastFailure = failures.length ? failures[failures.length - 1]!.seq : -1;
  const lastStart = Math.max(-1, ...events.filter(isOf(STARTED)).map((h) => h.seq));
  const registrations = events.filter((h) => isOf(REGISTERED)(h) && h.seq > lastStart);
  // A request through the tunnel, a config push or /ready also proves the edge reached cloudflared then. So
  // does `No ingress rules were defined` from its second time since the start on: without a token it is also
  // logged once at start, but every other time it answers a request (ingress/origin_proxy.go).
  const perRequest = events.filter((h) => isOf(NO_INGRESS)(h) && h.seq > lastStart).slice(1);
  const after = byLine([...events.filter(isOf(EDGE_WORKS)), ...perRequest].filter((h) => h.seq > lastFailure).sort((a, b) => a.seq - b.seq));
  if (failures.length === 0) return { failures, registrations, after };
  if (after.length) {
    const registeredAfter = after.filter(isOf(REGISTERED));
    const quicFailed = failures.some(isOf(QUIC_FAILED));
    const viaQuic = registeredAfter.some((h) => protocolOf(h) === 'quic');
    const viaHttp2 = registeredAfter.some((h) => protocolOf(h) === 'http2');
    const state: EdgeState = quicFailed && viaHttp2 && !viaQuic ? 'udp-blocked' : registeredAfter.length ? 'recovered' : 'reached';
    return { state, failures, registrations, after };
  }
  const sinceStart = failures.filter((h) => h.seq > lastStart);
  const recent = sinceStart.length ? sinceStart : failures;
  // A DNS failure only explains the state when no dial came after it (with --edge or cached addresses,
  // cloudflared dials on, and the dials are what fail).
  const lastDns = Math.max(-1, ...recent.filter(isOf(DNS_FAILED)).map((h) => h.seq));
  const dials = recent.filter((h) => h.seq > lastDns && !isOf(DNS_FAILED)(h));
  const tcp = dials.some(isOf(TCP_FAILED));
  const quic = dials.some(isOf(QUIC_FAILED));
  const state: EdgeState = lastDns >= 0 && !tcp && !quic ? 'dns' : tcp ? (quic ? 'both' : 'tcp') : quic ? 'quic-only' : dials.some(isOf(DROPPED)) ? 'dropped' : 'both';
  return { state, failures, registrations, after };
}

const list = (items: (string | undefined)[]) => [...new Set(items.filter((x): x is string => Boolean(x)))];

// QUIC failing then HTTP/2 connecting is a warning (UDP 7844 blocked); an error only when nothing connects.
export const connectionLog: Check = {
  id: 'edge.connection-log',
  layer: 'edge',
  title: 'cloudflared reaches the edge and registers connections (logs)',
  needs: ['logs:cloudflared'],
  emits: ['edge.unreachable', 'edge.connected'],
  run(s) {
    const events = hitsOf(s, [...FAILED, ...new Set([...REGISTERED, ...EDGE_WORKS]), ...STARTED, ...NO_INGRESS]).sort((a, b) => a.log.localeCompare(b.log) || a.seq - b.seq);
    const verdicts = [...groupBy(events, (h) => `${h.log}\u0000${h.record.origin ?? ''}`).values()].map(judge);
    const out: Observation[] = [];

    const failing = verdicts.filter((v) => v.state !== undefined);
    if (failing.length) {
      const worst = Math.min(...failing.map((v) => RANK[v.state!]));
      const chosen = failing.filter((v) => RANK[v.state!] === worst);
      const state = chosen[0]!.state!;
      const failures = chosen.flatMap((v) => v.failures);
      const after = chosen.flatMap((v) => v.after);
      const severity: Severity = worst === 0 ? 'error' : worst === 1 ? 'warning' : 'info';
      const variant = state === 'both' ? undefined : state;
      const lastAfter = after[after.length - 1];
      const obs: Observation = {
        id: 'edge.unreachable',
        severity,
        vars: {
          count: failures.length,
          last: whenOf(failures[failures.length - 1]!),
          protocol: list(after.map(protocolOf)).join(' and ') || 'the edge',
          ...(lastAfter ? { recovery: NO_INGRESS.includes(lastAfter.signature.id) ? `a request it answered without ingress at ${whenOf(lastAfter)}` : recoveryText(lastAfter) } : {}),
        },
        evidence: [...hitEvidence(failures), ...(lastAfter ? hitEvidence([lastAfter]) : [])],
        data: {
          from: 'log',
          state,
          quicFailed: failures.some((h) => QUIC_FAILED.includes(h.signature.id)),
          tcpFailed: failures.some((h) => TCP_FAILED.includes(h.signature.id)),
          dnsFailed: failures.some((h) => DNS_FAILED.includes(h.signature.id)),
          dropped: failures.some((h) => DROPPED.includes(h.signature.id)),
          errors: list(failures.map((h) => h.captures.error)).slice(-5),
          ...(seenIn(failures) ? { pods: seenIn(failures) } : {}),
        },
      };
      if (variant) obs.variant = variant;
      out.push(obs);
    }

    // Connected: cloudflareds whose latest word is a registration, counted per connection index.
    const connectedNow = verdicts.filter((v) => v.registrations.length && (v.state === undefined || v.state === 'udp-blocked' || v.state === 'recovered' || v.state === 'reached'));
    if (connectedNow.length) {
      const regs = connectedNow.flatMap((v) => v.registrations);
      const connections = new Set(regs.map((h) => `${h.log}/${h.record.origin ?? ''}/${h.captures.connIndex ?? `line${h.record.line}`}`)).size;
      const protocols = list(regs.map(protocolOf));
      const locations = list(regs.map((h) => h.captures.location));
      out.push({
        id: 'edge.connected',
        vars: {
          count: connections,
          protocol: protocols.length ? protocols.map((p) => (p === 'http2' ? 'HTTP/2' : p.toUpperCase())).join(' and ') : 'a protocol it did not log',
          locations: locations.length ? `at ${locations.join(', ')}` : 'locations not logged',
        },
        evidence: hitEvidence(regs),
        data: { connections, protocols, locations, ...(seenIn(regs) ? { pods: seenIn(regs) } : {}) },
      });
    }
    return out;
  },
};
