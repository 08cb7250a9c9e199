// The tunnel's domain as each source tells it, and whether it is settled (STYLE: facts carry their source).
// Authoritative: the operator (--tunnel-domain, a wizard answer), setup (data/tunnel-domain), or Anthropic
// (the host it really sent, in the proxy's `no route for host` lines of the current run). Inferred: the
// certificate's SAN, a bundle's manifest, a host whose route part is a guess. A fix writes only a settled
// value: the operator's, or what every authoritative source agrees on. When they disagree, nothing is
// picked: the finding shows them all and asks (the flag on the command line, a field in the wizard).
import { isIP } from 'node:net';
import type { DomainFact, Snapshot } from '../snapshot/types.js';
import { domainFromCertificate, isDomainName } from '../snapshot/tunnel-domain.js';
import { hitsOf, type LogHit } from '../signatures/log-index.js';
import { splitByRun } from './log-runs.js';
import { readableProxyConfigs, routeEntries } from './proxy-config.js';

export const hostOf = (h: LogHit): string | undefined => h.captures.host?.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');

/** Anthropic always asks for `<route>.<tunnel-domain>`: an address, a bare word or no host at all came from elsewhere. */
export function namesAHost(h: LogHit): boolean {
  const host = hostOf(h);
  return host !== undefined && isIP(host) === 0 && isDomainName(host);
}

/** `<route>.<8 characters>.tunnel.anthropic.com`: the documented shape, so the domain part is not a guess. */
const DOCUMENTED_SHAPE = /^[^.]+\.[a-z0-9-]+\.tunnel\.anthropic\.com$/;

/**
 * The host the proxy received names the tunnel domain it expects: with routes keyed by bare names,
 * `<route>.<tunnel_domain>`. Which route name is meant: one of the config's routes that starts the host,
 * else the first label. `sure` when a route confirmed it or the host has the documented shape (the domain
 * is then what Anthropic really sent); a guess otherwise. Never from an address or an empty host.
 */
export function impliedTunnelDomain(host: string, routeNames: readonly string[]): { route: string; implied: string; sure: boolean } | undefined {
  if (!host || isIP(host) !== 0 || !isDomainName(host)) return undefined;
  const byRoute = [...routeNames].sort((a, b) => b.length - a.length).find((r) => host.startsWith(`${r.toLowerCase()}.`));
  const route = byRoute ?? host.split('.')[0]!;
  const implied = host.slice(route.length + 1);
  if (!implied.includes('.') || !isDomainName(implied)) return undefined;
  return { route, implied, sure: byRoute !== undefined || DOCUMENTED_SHAPE.test(host) };
}

export interface DomainFacts {
  /** The domain a fix may write: the operator's word, or the one value every authoritative source gives. */
  settled?: DomainFact;
  /** Authoritative sources that name different domains: nothing is picked, the operator is asked. */
  conflict?: DomainFact[];
  /** Every source that names a domain, the snapshot's choice first. */
  all: DomainFact[];
}

const OPERATOR = new Set(['--tunnel-domain', 'your answer in the wizard']);

/** What the current runs of the proxy received: the domains Anthropic's requests name. */
function fromRequests(s: Snapshot): DomainFact[] {
  const { current } = splitByRun(s, hitsOf(s, ['proxy.no-route']));
  const view = readableProxyConfigs(s)[0];
  const routes = view ? routeEntries(view).map((r) => r.name) : [];
  const byDomain = new Map<string, { fact: DomainFact; count: number }>();
  for (const h of current.filter(namesAHost)) {
    const host = hostOf(h)!;
    const implied = impliedTunnelDomain(host, routes);
    if (!implied) continue;
    const seen = byDomain.get(implied.implied);
    if (seen) {
      seen.count++;
      if (implied.sure) seen.fact.confidence = 'authoritative';
      continue;
    }
    byDomain.set(implied.implied, { fact: { value: implied.implied, source: `the host the proxy received (\`${host}\`, logs/${h.log})`, confidence: implied.sure ? 'authoritative' : 'inferred' }, count: 1 });
  }
  return [...byDomain.values()].sort((a, b) => b.count - a.count).map((x) => x.fact);
}

const cache = new WeakMap<Snapshot, DomainFacts>();

export function domainFacts(s: Snapshot): DomainFacts {
  const cached = cache.get(s);
  if (cached) return cached;
  const all: DomainFact[] = [];
  const add = (f: DomainFact | undefined) => {
    if (f && !all.some((x) => x.value === f.value && x.source === f.source)) all.push(f);
  };
  add(s.tunnelDomain);
  const file = s.deployment.paths.tunnelDomain;
  const written = file ? s.files[file]?.text?.trim().toLowerCase() : undefined;
  if (file && written && isDomainName(written)) add({ value: written, source: file, confidence: 'authoritative' });
  for (const f of fromRequests(s)) add(f);
  add(domainFromCertificate(s));

  const out: DomainFacts = { all };
  if (s.tunnelDomain && OPERATOR.has(s.tunnelDomain.source)) {
    out.settled = s.tunnelDomain; // the operator's word settles it
  } else {
    const sure = all.filter((f) => f.confidence === 'authoritative');
    const values = [...new Set(sure.map((f) => f.value))];
    if (values.length === 1) out.settled = sure[0];
    else if (values.length > 1) out.conflict = values.map((v) => sure.find((f) => f.value === v)!);
  }
  cache.set(s, out);
  return out;
}

/** In words, why the domain is not settled (for a finding that asks for it); undefined when it is. */
export function domainDoubt(s: Snapshot): string | undefined {
  const facts = domainFacts(s);
  if (facts.settled) return undefined;
  if (facts.conflict) return `The sources disagree on the tunnel's domain: ${facts.conflict.map((f) => `${f.source} says \`${f.value}\``).join('; ')}.`;
  const guesses = facts.all.filter((f) => f.confidence === 'inferred');
  if (guesses.length) return `The tunnel's domain is only guessed: ${guesses.map((f) => `\`${f.value}\` from ${f.source}`).join('; ')}.`;
  return 'No source names the tunnel\'s domain (no data/tunnel-domain, no --tunnel-domain).';
}

/**
 * For an observation whose fix would write the domain: when it is not settled, the words that ask for it
 * (the catalog's ASK_WORDS, filled with `doubt`) and `data.ask`, which the wizard answers with a field.
 */
export function askForDomain(s: Snapshot): { vars: { doubt: string }; data: { ask: 'tunnelDomain' } } | undefined {
  const doubt = domainDoubt(s);
  return doubt ? { vars: { doubt }, data: { ask: 'tunnelDomain' } } : undefined;
}
