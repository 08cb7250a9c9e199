// Where the tunnel's domain comes from, best first: the flag (the domain shown on the tunnel's page),
// data/tunnel-domain written by setup, the bundle's manifest. Certificates are consulted by the tls checks.
import type { Snapshot } from './types.js';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isDomainName(text: string): boolean {
  return DOMAIN.test(text);
}

export function resolveTunnelDomain(s: Snapshot, fromManifest?: string): Snapshot['tunnelDomain'] {
  if (s.inputs.tunnelDomain) return { value: s.inputs.tunnelDomain, source: '--tunnel-domain' };
  const path = s.deployment.paths.tunnelDomain;
  const written = path ? s.files[path]?.text?.trim() : undefined;
  if (path && written && isDomainName(written)) return { value: written.toLowerCase(), source: path };
  if (fromManifest && isDomainName(fromManifest)) return { value: fromManifest.toLowerCase(), source: 'manifest.json' };
  return undefined;
}
