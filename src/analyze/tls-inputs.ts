// What the tls checks look at: the server certificate (the config's tls.cert_file, mapped to the host),
// the CA registered for the tunnel (--ca, else data/ca.crt), the tunnel domain and the names routes need.
import type { Snapshot } from '../snapshot/types.js';
import { certFileAt, type CertFacts, type CertFile } from './x509/parse.js';
import { CheckInputError } from './check-input.js';
import { evidence } from './evidence.js';
import { proxyConfigViews, routeEntries } from './proxy-config.js';
import type { Evidence } from './types.js';
import { describeKey, iso } from './x509/rules.js';

export interface ServerCert {
  file: CertFile;
  leaf: CertFacts;
}

/** The server certificate, or undefined when no cert file was gathered. Throws when the file holds none. */
export function serverCertOf(s: Snapshot): ServerCert | undefined {
  const file = certFileAt(s, s.deployment.paths.tlsCert);
  if (!file) {
    const path = s.deployment.paths.tlsCert;
    const err = path ? s.files[path]?.error : undefined;
    if (path && err) throw new CheckInputError(`cannot read ${path} (${err})`);
    if (path && s.files[path]?.withheld) throw new CheckInputError(`${path} was withheld (it holds a private key); point tls.cert_file at a certificate file`);
    return undefined;
  }
  const leaf = file.certs[0];
  if (!leaf) throw new CheckInputError(file.problem ?? `${file.path} holds no certificate`);
  return { file, leaf };
}

export function caFileOf(s: Snapshot): CertFile | undefined {
  const path = s.deployment.paths.caCert;
  const file = certFileAt(s, path);
  if (!file && path && s.files[path]?.error) throw new CheckInputError(`cannot read the CA ${path} (${s.files[path]?.error})`);
  return file;
}

export function nowOf(s: Snapshot): Date {
  return new Date(s.createdAt);
}

/** A certificate fact as evidence, pointing at the certificate's BEGIN line in its file. */
export function certEvidence(file: CertFile, cert: CertFacts, text: string): Evidence {
  return evidence(file.path, text, cert.line ? { line: cert.line } : {});
}

export function certSummary(cert: CertFacts): string {
  const sans = [...cert.sans.dns, ...cert.sans.ip];
  return `subject ${cert.subject || '(empty)'}; issuer ${cert.issuer}; SAN ${sans.length ? sans.join(', ') : '(none)'}; valid ${iso(cert.notBefore)} to ${iso(cert.notAfter)}; ${describeKey(cert.publicKey)}, ${cert.signature.name}`;
}

/** The hosts Anthropic will ask for: `<route>.<domain>` for each route (a key that is already a full name stays). */
export function hostsNeeded(s: Snapshot, domain: string): string[] {
  const hosts = new Set<string>();
  for (const view of proxyConfigViews(s)) {
    if (view.yaml.error) continue;
    for (const route of routeEntries(view)) {
      const key = route.name.toLowerCase();
      hosts.add(key === domain || key.endsWith(`.${domain}`) ? key : `${key}.${domain}`);
    }
  }
  return [...hosts];
}
