import type { Check, Observation, Severity } from '../../types.js';
import { hitsOf, type LogHit } from '../../../signatures/log-index.js';
import { groupBy, hitEvidence, recoveryText, seenIn, whenOf } from '../../log-evidence.js';

const QUIC_FAILED = ['cloudflared.quic-dial-failed', 'cloudflared.quic-egress-blocked', 'cloudflared.fallback-protocol', 'cloudflared.precheck-quic-fail'];
const TCP_FAILED = ['cloudflared.http2-dial-failed', 'cloudflared.edge-dial-error', 'cloudflared.precheck-http2-fail'];
const DNS_FAILED = ['cloudflared.edge-dns', 'cloudflared.precheck-dns-fail'];
const REGISTERED = ['cloudflared.registered', 'cloudflared.registered-legacy'];
const STARTED = ['cloudflared.starting'];

type EdgeState = 'dns' | 'both' | 'tcp' | 'quic-only' | 'udp-blocked' | 'recovered';
const RANK: Record<EdgeState, number> = { dns: 0, both: 0, tcp: 0, 'quic-only': 0, 'udp-blocked': 1, recovered: 2 };

interface GroupVerdict {
  state?: EdgeState;
  failures: LogHit[];
  /** Registrations in the latest run (after the last start line). */
  registrations: LogHit[];
  /** Registrations that came after the last failure. */
  after: LogHit[];
}

const protocolOf = (h: LogHit) => h.captures.protocol?.toLowerCase();

/** One cloudflared (one log, one pod or container): what its latest lines say about reaching the edge. */
function judge(events: LogHit[]): GroupVerdict {
  const isOf = (ids: string[]) => (h: LogHit) => ids.includes(h.signature.id);
  const failures = events.filter(isOf([...QUIC_FAILED, ...TCP_FAILED, ...DNS_FAILED]));
  const lastFailure = failures.length ? failures[failures.length - 1]!.seq : -1;
  const lastStart = Math.max(-1, ...events.filter(isOf(STARTED)).map((h) => h.seq));
  const registrations = events.filter((h) => isOf(REGISTERED)(h) && h.seq > lastStart);
  const after = events.filter((h) => isOf(REGISTERED)(h) && h.seq > lastFailure);
  if (failures.length === 0) return { failures, registrations, after };
  if (after.length) {
    const quicFailed = failures.some(isOf(QUIC_FAILED));
    const viaQuic = after.some((h) => protocolOf(h) === 'quic');
    const viaHttp2 = after.some((h) => protocolOf(h) === 'http2');
    return { state: quicFailed && viaHttp2 && !viaQuic ? 'udp-blocked' : 'recovered', failures, registrations, after };
  }
  const sinceStart = failures.filter((h) => h.seq > lastStart);
  const recent = sinceStart.length ? sinceStart : failures;
  const state: EdgeState = recent.some(isOf(DNS_FAILED))
    ? 'dns'
    : recent.some(isOf(TCP_FAILED))
      ? recent.some(isOf(QUIC_FAILED))
        ? 'both'
        : 'tcp'
      : 'quic-only';
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
    const events = hitsOf(s, [...QUIC_FAILED, ...TCP_FAILED, ...DNS_FAILED, ...REGISTERED, ...STARTED]).sort((a, b) => a.log.localeCompare(b.log) || a.seq - b.seq);
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
          ...(lastAfter ? { recovery: recoveryText(lastAfter) } : {}),
        },
        evidence: [...hitEvidence(failures), ...(lastAfter ? hitEvidence([lastAfter]) : [])],
        data: {
          from: 'log',
          state,
          quicFailed: failures.some((h) => QUIC_FAILED.includes(h.signature.id)),
          tcpFailed: failures.some((h) => TCP_FAILED.includes(h.signature.id)),
          dnsFailed: failures.some((h) => DNS_FAILED.includes(h.signature.id)),
          errors: list(failures.map((h) => h.captures.error)).slice(-5),
          ...(seenIn(failures) ? { pods: seenIn(failures) } : {}),
        },
      };
      if (variant) obs.variant = variant;
      out.push(obs);
    }

    // Connected: cloudflareds whose latest word is a registration, counted per connection index.
    const connectedNow = verdicts.filter((v) => v.registrations.length && (v.state === undefined || v.state === 'udp-blocked' || v.state === 'recovered'));
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
