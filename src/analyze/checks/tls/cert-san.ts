import type { Check } from '../../types.js';
import { CheckInputError } from '../../check-input.js';
import { certEvidence, hostsNeeded, serverCertOf } from '../../tls-inputs.js';
import { sanCovers } from '../../x509/rules.js';

// Anthropic connects to `<route>.<tunnel-domain>`: a SAN DNS name must cover each (the CN is not used).
export const certSan: Check = {
  id: 'tls.cert-san',
  layer: 'tls',
  title: 'a SAN of the server certificate covers *.<tunnel-domain>',
  needs: ['file:tlsCert'],
  emits: ['tls.san-mismatch'],
  run(s) {
    const cert = serverCertOf(s);
    if (!cert) return [];
    const domain = s.tunnelDomain;
    if (!domain) throw new CheckInputError('the tunnel domain is unknown: pass --tunnel-domain (the domain on the tunnel detail page)');
    if (domain.source.startsWith('certificate')) throw new CheckInputError('the tunnel domain was read from this certificate; pass --tunnel-domain to check the certificate against it');
    const { file, leaf } = cert;
    const dns = leaf.sans.dns;
    const wildcard = `*.${domain.value}`;
    const sans = dns.length ? dns.map((d) => `\`${d}\``).join(', ') : `no DNS name${leaf.commonName ? ` (the subject CN=${leaf.commonName} is not used for names)` : ''}`;
    const data = { file: file.path, domain: domain.value, found: dns, needed: wildcard };
    const ev = certEvidence(file, leaf, `SAN ${[...dns.map((d) => `DNS:${d}`), ...leaf.sans.ip.map((ip) => `IP:${ip}`)].join(', ') || '(none)'}; needed ${wildcard}`);
    if (dns.some((d) => d.toLowerCase().replace(/\.$/, '') === wildcard)) return [];
    const hosts = hostsNeeded(s, domain.value);
    const missing = hosts.filter((h) => !dns.some((d) => sanCovers(d, h)));
    if (hosts.length && missing.length === 0) return [];
    if (hosts.length && missing.length < hosts.length) {
      return [{ id: 'tls.san-mismatch', variant: 'routes', vars: { file: file.path, sans, domain: domain.value, missing: missing.join(', ') }, evidence: [ev], data: { ...data, missing } }];
    }
    return [{ id: 'tls.san-mismatch', vars: { file: file.path, sans, domain: domain.value }, evidence: [ev], data: { ...data, missing: hosts } }];
  },
};
