// Certificates as the rules need them: validity, SANs, key, signature algorithm, and the extensions
// node:crypto does not expose (BasicConstraints and its criticality, KeyUsage bits, SKI, AKI, EKU).
// PEM bundles, DER and broken PEM all come back as data: a CertFile with a one-line `problem`, never a throw.
import { X509Certificate, type KeyObject } from 'node:crypto';
import type { Snapshot, SnapshotFile } from '../../snapshot/types.js';
import { bytesOf, children, fromDer, isContext, oidOf, timeOf, Type, type Asn1 } from './der.js';
import { HASH_OIDS, OID, SIGNATURE_ALGORITHMS } from './oids.js';

export interface PublicKeyFacts {
  type: string; // rsa | ec | ed25519 | rsa-pss ...
  bits?: number;
  curve?: string;
  spkiPem: string;
}

export interface CertFacts {
  /** 0-based position in its file. */
  index: number;
  /** 1-based line of its BEGIN marker (PEM). */
  line?: number;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  sans: { dns: string[]; ip: string[] };
  commonName?: string;
  signature: { oid: string; name: string; hash: string };
  publicKey: PublicKeyFacts;
  basicConstraints?: { ca: boolean; critical: boolean; pathLen?: number };
  keyUsage?: { critical: boolean; names: string[] };
  extKeyUsage?: string[];
  ski?: string;
  aki?: string;
  fingerprint256: string;
  x509: X509Certificate;
}

export interface CertFile {
  path: string;
  format: 'pem' | 'der' | 'none';
  certs: CertFacts[];
  /** Size in bytes of the file as stored. */
  size: number;
  /** Other PEM blocks in the file (a private key shows as withheld). */
  otherBlocks: string[];
  /** Why (part of) the file could not be read as certificates: one line. */
  problem?: string;
}

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

function hex(buf: Buffer): string {
  return buf.toString('hex').toUpperCase();
}

function keyFacts(key: KeyObject): PublicKeyFacts {
  const d = key.asymmetricKeyDetails ?? {};
  return {
    type: key.asymmetricKeyType ?? 'unknown',
    ...(d.modulusLength ? { bits: d.modulusLength } : {}),
    ...(d.namedCurve ? { curve: d.namedCurve } : {}),
    spkiPem: key.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function signatureOf(alg: Asn1): CertFacts['signature'] {
  const oid = oidOf(children(alg)[0]) ?? '?';
  const known = SIGNATURE_ALGORITHMS[oid] ?? { name: oid, hash: 'unknown' };
  if (oid !== OID.rsaPss) return { oid, ...known };
  // RSASSA-PSS-params: [0] hashAlgorithm, SHA-1 when absent.
  const params = children(children(alg)[1]);
  const hashField = params.find((p) => isContext(p, 0));
  const hashOid = oidOf(children(children(hashField)[0])[0]);
  const hash = hashOid ? (HASH_OIDS[hashOid] ?? hashOid) : 'sha1';
  return { oid, name: `RSASSA-PSS with ${hash}`, hash };
}

function extensionsOf(tbs: Asn1[]): Map<string, { critical: boolean; value: Asn1 }> {
  const out = new Map<string, { critical: boolean; value: Asn1 }>();
  const wrapper = tbs.find((n) => isContext(n, 3));
  for (const ext of children(children(wrapper)[0])) {
    const parts = children(ext);
    const oid = oidOf(parts[0]);
    if (!oid) continue;
    const critical = parts.length === 3 && parts[1]?.type === Type.BOOLEAN && bytesOf(parts[1])[0] !== 0;
    const octets = parts[parts.length - 1];
    out.set(oid, { critical, value: fromDer(bytesOf(octets)) });
  }
  return out;
}

/** Reads one DER certificate. Throws an Error with a one-line message when it is not one. */
export function parseCertificateDer(der: Buffer, index = 0): CertFacts {
  let root: Asn1;
  try {
    root = fromDer(der);
  } catch (err) {
    throw new Error(`not a DER certificate (${(err as Error).message.split('\n')[0]})`);
  }
  const [tbsNode, sigAlg] = children(root);
  const tbs = children(tbsNode);
  if (!tbsNode || !sigAlg || tbs.length < 6) throw new Error('not an X.509 certificate (the structure is wrong)');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch (err) {
    throw new Error(`not an X.509 certificate (${(err as Error).message.split('\n')[0]})`);
  }
  const offset = isContext(tbs[0], 0) ? 1 : 0;
  const validity = children(tbs[offset + 3]);
  const notBefore = timeOf(validity[0]);
  const notAfter = timeOf(validity[1]);
  if (!notBefore || !notAfter) throw new Error('the certificate has no readable validity period');
  const exts = extensionsOf(tbs);

  const facts: CertFacts = {
    index,
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    serial: x509.serialNumber,
    notBefore,
    notAfter,
    sans: { dns: [], ip: [] },
    signature: signatureOf(sigAlg),
    publicKey: keyFacts(x509.publicKey),
    fingerprint256: x509.fingerprint256,
    x509,
  };
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x509.subject)?.[1];
  if (cn !== undefined) facts.commonName = cn;

  const bc = exts.get(OID.basicConstraints);
  if (bc) {
    const parts = children(bc.value);
    const caNode = parts.find((p) => p.type === Type.BOOLEAN);
    const lenNode = parts.find((p) => p.type === Type.INTEGER);
    facts.basicConstraints = { ca: caNode ? bytesOf(caNode)[0] !== 0 : false, critical: bc.critical };
    if (lenNode) facts.basicConstraints.pathLen = bytesOf(lenNode).readUIntBE(0, Math.min(6, bytesOf(lenNode).length || 1));
  }
  const ku = exts.get(OID.keyUsage);
  if (ku) {
    const bits = bytesOf(ku.value).subarray(1); // first byte: unused bits
    const names = KEY_USAGE_BITS.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
    facts.keyUsage = { critical: ku.critical, names };
  }
  const eku = exts.get(OID.extKeyUsage);
  if (eku) facts.extKeyUsage = children(eku.value).map((n) => oidOf(n) ?? '?');
  const ski = exts.get(OID.subjectKeyIdentifier);
  if (ski) facts.ski = hex(bytesOf(ski.value));
  const aki = exts.get(OID.authorityKeyIdentifier);
  if (aki) {
    const keyId = children(aki.value).find((n) => isContext(n, 0));
    if (keyId) facts.aki = hex(bytesOf(keyId));
  }
  const san = exts.get(OID.subjectAltName);
  for (const name of children(san?.value)) {
    if (isContext(name, 2)) facts.sans.dns.push(bytesOf(name).toString('latin1'));
    else if (isContext(name, 7)) {
      const b = bytesOf(name);
      facts.sans.ip.push(b.length === 4 ? [...b].join('.') : (b.toString('hex').match(/.{4}/g) ?? []).map((g) => parseInt(g, 16).toString(16)).join(':'));
    }
  }
  return facts;
}

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 #]+)-----/g;

/** Every certificate in a file: a PEM bundle, one PEM block, or DER. */
export function parseCertFile(path: string, file: SnapshotFile): CertFile {
  const out: CertFile = { path, format: 'none', certs: [], size: file.meta?.size ?? 0, otherBlocks: [] };
  if (file.base64 !== undefined) {
    const bytes = Buffer.from(file.base64, 'base64');
    out.size ||= bytes.length;
    out.format = 'der';
    try {
      out.certs.push(parseCertificateDer(bytes));
    } catch (err) {
      out.problem = `${path} is binary but ${(err as Error).message}`;
    }
    return out;
  }
  const text = file.text ?? '';
  out.size ||= Buffer.byteLength(text);
  const problems: string[] = [];
  let match: RegExpExecArray | null;
  PEM_BEGIN.lastIndex = 0;
  while ((match = PEM_BEGIN.exec(text)) !== null) {
    out.format = 'pem';
    const label = match[1]!;
    const line = text.slice(0, match.index).split('\n').length;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, PEM_BEGIN.lastIndex);
    const nextBegin = text.indexOf('-----BEGIN ', PEM_BEGIN.lastIndex);
    if (end < 0 || (nextBegin >= 0 && nextBegin < end)) {
      problems.push(`the ${label} block at line ${line} has no END line (the file is cut short or two blocks are merged)`);
      continue;
    }
    const body = text.slice(PEM_BEGIN.lastIndex, end);
    PEM_BEGIN.lastIndex = end + endMarker.length;
    if (!/CERTIFICATE$/.test(label)) {
      out.otherBlocks.push(label);
      continue;
    }
    const b64 = body.split('\n').filter((l) => !/^[A-Za-z-]+:/.test(l.trim())).join('').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0 || b64.length === 0) {
      problems.push(`the ${label} block at line ${line} is not valid base64 (edited or cut short)`);
      continue;
    }
    try {
      out.certs.push({ ...parseCertificateDer(Buffer.from(b64, 'base64'), out.certs.length), line });
    } catch (err) {
      problems.push(`the ${label} block at line ${line} is ${(err as Error).message}`);
    }
  }
  if (out.format === 'none') {
    problems.push(text.trim() === '' ? `${path} is empty` : /\[REDACTED\]/.test(text) ? `${path} holds no certificate (only redacted secrets)` : `${path} holds no PEM block (no -----BEGIN CERTIFICATE----- line)`);
  } else if (out.certs.length === 0 && problems.length === 0) {
    problems.push(`${path} holds no CERTIFICATE block (only ${out.otherBlocks.join(', ')})`);
  }
  if (problems.length) out.problem = problems.length === 1 ? problems[0] : `${problems[0]} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`;
  return out;
}

const cache = new WeakMap<Snapshot, Map<string, CertFile | undefined>>();

/** The certificates of a snapshot file, parsed once per snapshot. Undefined when the file is absent or unreadable. */
export function certFileAt(s: Snapshot, path: string | undefined): CertFile | undefined {
  if (!path) return undefined;
  let perSnapshot = cache.get(s);
  if (!perSnapshot) cache.set(s, (perSnapshot = new Map()));
  if (perSnapshot.has(path)) return perSnapshot.get(path);
  const file = s.files[path];
  const parsed = file && (file.text !== undefined || file.base64 !== undefined) ? parseCertFile(path, file) : undefined;
  perSnapshot.set(path, parsed);
  return parsed;
}

export function isSelfSigned(c: CertFacts): boolean {
  return c.subject === c.issuer && (!c.aki || !c.ski || c.aki === c.ski);
}

/** `did the CA's key sign this certificate?` — a pure signature check, never throws. */
export function signedBy(cert: CertFacts, ca: CertFacts): boolean {
  try {
    return cert.x509.verify(ca.x509.publicKey);
  } catch {
    return false;
  }
}
