// Where the tunnel's domain comes from, best first: the flag (the domain shown on the tunnel's page),
// data/tunnel-domain written by setup (both authoritative), the bundle's manifest, and last the server
// certificate's wildcard SAN (both inferred: a guess, never written by a fix; the SAN check cannot use a
// domain taken from the certificate it checks).
import type { Snapshot } from './types.js';
import { certFileAt } from '../analyze/x509/parse.js';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isDomainName(text: string): boolean {
  return DOMAIN.test(text);
}

/** `*.abcd1234.tunnel.anthropic.com` on the server certificate -> `abcd1234.tunnel.anthropic.com`. */
export function domainFromCertificate(s: Snapshot): Snapshot['tunnelDomain'] {
  const path = s.deployment.paths.tlsCert;
  const leaf = certFileAt(s, path)?.certs[0];
  const wildcards = (leaf?.sans.dns ?? []).filter((d) => d.startsWith('*.')).map((d) => d.slice(2).toLowerCase().replace(/\.$/, ''));
  const pick = wildcards.find((d) => d.endsWith('.tunnel.anthropic.com')) ?? (wildcards.length === 1 ? wildcards[0] : undefined);
  return pick && isDomainName(pick) ? { value: pick, source: `certificate ${path} (its SAN *.${pick})`, confidence: 'inferred' } : undefined;
}

export function resolveTunnelDomain(s: Snapshot, fromManifest?: string): Snapshot['tunnelDomain'] {
  if (s.inputs.tunnelDomain) return { value: s.inputs.tunnelDomain, source: '--tunnel-domain', confidence: 'authoritative' };
  const path = s.deployment.paths.tunnelDomain;
  const written = path ? s.files[path]?.text?.trim() : undefined;
  if (path && written && isDomainName(written)) return { value: written.toLowerCase(), source: path, confidence: 'authoritative' };
  if (fromManifest && isDomainName(fromManifest)) return { value: fromManifest.toLowerCase(), source: 'manifest.json', confidence: 'inferred' };
  return domainFromCertificate(s);
}
