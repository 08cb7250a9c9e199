// The certificate rules of the MCP tunnels reference (deployment-facts.md, "Certificates"), as pure
// functions that return what is wrong in words. No rule here is stricter than the documented one.
import type { CertFacts, CertFile, PublicKeyFacts } from './parse.js';
import { signedBy } from './parse.js';
import { EKU_NAMES, OID, STRONG_CURVES, STRONG_HASHES } from './oids.js';

export const DAY_MS = 86_400_000;
/** A server certificate this close to its end is a warning (SPEC: tls.cert-expired). */
export const EXPIRY_WARNING_DAYS = 14;
/** A CA file is at most this big to be registered. */
export const MAX_CA_BYTES = 8 * 1024;

export function describeKey(k: PublicKeyFacts): string {
  if (k.type === 'rsa' || k.type === 'rsa-pss') return `RSA-${k.bits ?? '?'}`;
  if (k.type === 'ec') return `ECDSA ${curveName(k.curve)}`;
  return k.type;
}

function curveName(curve: string | undefined): string {
  return ({ prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', secp224r1: 'P-224', prime192v1: 'P-192' } as Record<string, string>)[curve ?? ''] ?? curve ?? '?';
}

/** RSA >= 2048 or ECDSA >= P-256. */
export function keyProblem(k: PublicKeyFacts): string | undefined {
  if (k.type === 'rsa' || k.type === 'rsa-pss') return (k.bits ?? 0) < 2048 ? `its key is ${describeKey(k)}, below RSA-2048` : undefined;
  if (k.type === 'ec') return STRONG_CURVES.has(k.curve ?? '') ? undefined : `its key is on the curve ${curveName(k.curve)}, below P-256`;
  return `its key is ${k.type}; only RSA (2048 bits or more) or ECDSA (P-256 or stronger) is accepted`;
}

/** SHA-256 or stronger. */
export function signatureProblem(c: CertFacts): string | undefined {
  return STRONG_HASHES.has(c.signature.hash) ? undefined : `it is signed with ${c.signature.name} (${c.signature.hash.toUpperCase()}); SHA-256 or stronger is required`;
}

export function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type ValidityState = { state: 'valid'; daysLeft: number } | { state: 'expiring'; daysLeft: number } | { state: 'expired'; daysAgo: number } | { state: 'not-yet-valid'; daysUntil: number };

export function validityOf(c: CertFacts, now: Date): ValidityState {
  const t = now.getTime();
  if (t < c.notBefore.getTime()) return { state: 'not-yet-valid', daysUntil: Math.ceil((c.notBefore.getTime() - t) / DAY_MS) };
  if (t > c.notAfter.getTime()) return { state: 'expired', daysAgo: Math.floor((t - c.notAfter.getTime()) / DAY_MS) };
  const left = c.notAfter.getTime() - t;
  const daysLeft = Math.ceil(left / DAY_MS); // 8.9 days left reads "9 days"
  return left < EXPIRY_WARNING_DAYS * DAY_MS ? { state: 'expiring', daysLeft } : { state: 'valid', daysLeft };
}

/** Server-certificate rules other than validity, SAN and chain: key, signature, EKU. */
export function serverCertProblems(c: CertFacts): string[] {
  const out: string[] = [];
  const key = keyProblem(c.publicKey);
  if (key) out.push(key);
  const sig = signatureProblem(c);
  if (sig) out.push(sig);
  if (c.extKeyUsage && !c.extKeyUsage.includes(OID.serverAuth)) {
    out.push(`its Extended Key Usage is ${c.extKeyUsage.map((o) => EKU_NAMES[o] ?? o).join(', ')}, without serverAuth`);
  }
  if (c.basicConstraints?.ca) out.push('it is a CA certificate (CA:TRUE), not a server certificate; the server certificate must come first in the file');
  return out;
}

/** The CA registration rules: one PEM cert, <= 8 kB, critical CA:TRUE, SKI, keyCertSign, valid now, key, signature. */
export function caProblems(file: CertFile, now: Date): string[] {
  const out: string[] = [];
  const ca = file.certs[0];
  if (!ca) return [file.problem ?? `${file.path} holds no certificate`];
  if (file.format === 'der') out.push('it is DER; register a PEM file (openssl x509 -inform der -in ca.der -out ca.crt)');
  if (file.certs.length > 1) out.push(`it holds ${file.certs.length} certificates; register exactly one`);
  if (file.size > MAX_CA_BYTES) out.push(`it is ${file.size} bytes, over the 8 kB limit`);
  if (!ca.basicConstraints?.ca) out.push(ca.basicConstraints ? 'its BasicConstraints say CA:FALSE' : 'it has no BasicConstraints extension (CA:TRUE is required)');
  else if (!ca.basicConstraints.critical) out.push('its BasicConstraints CA:TRUE is not marked critical');
  if (!ca.ski) out.push('it has no SubjectKeyIdentifier');
  if (!ca.keyUsage) out.push('it has no KeyUsage extension (keyCertSign is required)');
  else if (!ca.keyUsage.names.includes('keyCertSign')) out.push(`its KeyUsage (${ca.keyUsage.names.join(', ') || 'empty'}) lacks keyCertSign`);
  const v = validityOf(ca, now);
  if (v.state === 'expired') out.push(`it expired on ${iso(ca.notAfter)}`);
  if (v.state === 'not-yet-valid') out.push(`it is not valid until ${iso(ca.notBefore)}`);
  const key = keyProblem(ca.publicKey);
  if (key) out.push(key);
  const sig = signatureProblem(ca);
  if (sig) out.push(sig);
  return out;
}

/** Signed directly by the CA, AKI equal to the CA's SKI, no intermediates in between. */
export function chainProblems(server: CertFile, ca: CertFacts): string[] {
  const leaf = server.certs[0];
  if (!leaf) return [];
  const out: string[] = [];
  if (!signedBy(leaf, ca)) {
    const intermediate = server.certs.slice(1).find((c) => signedBy(leaf, c));
    if (intermediate && signedBy(intermediate, ca)) out.push(`it is signed by the intermediate "${intermediate.subject}", which the CA signed; the server certificate must be signed directly by the registered CA`);
    else if (intermediate) out.push(`it is signed by "${intermediate.subject}" (in the same file), not by the CA "${ca.subject}"`);
    else out.push(`it is issued by "${leaf.issuer}" and its signature does not verify with the key of the CA "${ca.subject}"`);
    return out;
  }
  if (!leaf.aki) out.push('it has no AuthorityKeyIdentifier (it must equal the CA\'s SubjectKeyIdentifier)');
  else if (ca.ski && leaf.aki !== ca.ski) out.push(`its AuthorityKeyIdentifier ${leaf.aki} differs from the CA's SubjectKeyIdentifier ${ca.ski}`);
  const extras = server.certs.slice(1).filter((c) => c.fingerprint256 !== ca.fingerprint256);
  if (extras.length) out.push(`the file also holds ${extras.map((c) => `"${c.subject}"`).join(', ')}: no intermediates are used; keep the server certificate (and at most the CA) only`);
  return out;
}

/** Does a SAN DNS name cover a host (RFC 6125: `*` is one whole left-most label)? */
export function sanCovers(san: string, host: string): boolean {
  const a = san.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (a === h) return true;
  if (!a.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === a.slice(2);
}
