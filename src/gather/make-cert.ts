// Makes X.509 certificates with node:crypto keys: any key type (the setup component's CA is ECDSA P-256,
// which node-forge cannot sign with), any extension set, any validity. Used by --demo to put real
// certificates in its copy, and by the tests to make every kind of good and bad certificate.
import { createHash, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { isIPv4 } from 'node:net';
import { der, fromDer, toDer, children, bytesOf, type Asn1 } from '../analyze/x509/der.js';
import { OID } from '../analyze/x509/oids.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export type KeySpec = { type: 'rsa'; bits: number } | { type: 'ec'; curve: string } | { type: 'ed25519' };

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export async function newKeyPair(spec: KeySpec): Promise<KeyPair> {
  if (spec.type === 'rsa') return generateKeyPairAsync('rsa', { modulusLength: spec.bits, publicExponent: 0x10001 });
  if (spec.type === 'ec') return generateKeyPairAsync('ec', { namedCurve: spec.curve });
  return generateKeyPairAsync('ed25519');
}

export interface Issuer {
  subject: { cn: string; o?: string };
  privateKey: KeyObject;
  /** The issuer's SubjectKeyIdentifier, copied into the AKI (hex). */
  ski?: string;
}

export interface CertSpec {
  subject: { cn: string; o?: string };
  publicKey: KeyObject;
  /** Self-signed when absent: then `selfKey` signs. */
  issuer?: Issuer;
  selfKey?: KeyObject;
  notBefore: Date;
  notAfter: Date;
  dns?: string[];
  ips?: string[];
  /** BasicConstraints: undefined leaves the extension out. */
  basicConstraints?: { ca: boolean; critical?: boolean; pathLen?: number };
  /** KeyUsage bit names; undefined leaves the extension out. */
  keyUsage?: string[];
  /** EKU OIDs; undefined leaves the extension out. */
  extKeyUsage?: string[];
  /** Put a SubjectKeyIdentifier in (default true). */
  ski?: boolean;
  /** Put an AuthorityKeyIdentifier in (default: when the issuer has an SKI). */
  aki?: boolean | string;
  hash?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
}

export interface BuiltCert {
  pem: string;
  der: Buffer;
  ski?: string;
  /** This certificate as an issuer, given its private key. */
  asIssuer: (privateKey: KeyObject) => Issuer;
}

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

const SIG_OIDS: Record<string, Record<string, string>> = {
  rsa: { sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha512: '1.2.840.113549.1.1.13' },
  ec: { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' },
};

function nameOf(n: { cn: string; o?: string }): Asn1 {
  const rdn = (oid: string, value: string) => der.set([der.seq([der.oid(oid), der.utf8(value)])]);
  return der.seq([...(n.o ? [rdn(OID.organization, n.o)] : []), rdn(OID.commonName, n.cn)]);
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdOf(publicKey: KeyObject): string {
  const spki = children(fromDer(publicKey.export({ type: 'spki', format: 'der' })));
  return createHash('sha1').update(bytesOf(spki[1]).subarray(1)).digest('hex').toUpperCase();
}

function ext(oid: string, critical: boolean, value: Asn1): Asn1 {
  return der.seq([der.oid(oid), ...(critical ? [der.bool(true)] : []), der.octets(toDer(value))]);
}

function keyUsageBits(names: string[]): Asn1 {
  const bytes = Buffer.alloc(2);
  let last = -1;
  for (const name of names) {
    const i = KEY_USAGE_BITS.indexOf(name);
    if (i < 0) throw new Error(`unknown key usage ${name}`);
    bytes[i >> 3]! |= 0x80 >> (i & 7);
    last = Math.max(last, i);
  }
  const used = last < 8 ? bytes.subarray(0, 1) : bytes;
  const unused = last < 0 ? 0 : (8 - ((last + 1) % 8)) % 8;
  return der.bits(used, unused);
}

function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(groups.flatMap((g) => [(parseInt(g, 16) >> 8) & 255, parseInt(g, 16) & 255]));
}

export function buildCertificate(spec: CertSpec): BuiltCert {
  const signer = spec.issuer?.privateKey ?? spec.selfKey;
  if (!signer) throw new Error('a self-signed certificate needs selfKey');
  const issuerName = spec.issuer?.subject ?? spec.subject;
  const keyType = signer.asymmetricKeyType ?? 'rsa';
  const hash = spec.hash ?? 'sha256';
  const sigOid = keyType === 'ed25519' ? '1.3.101.112' : SIG_OIDS[keyType]?.[hash];
  if (!sigOid) throw new Error(`cannot sign with a ${keyType} key and ${hash}`);
  const sigAlg = der.seq(keyType === 'rsa' ? [der.oid(sigOid), der.null()] : [der.oid(sigOid)]);

  const ski = spec.ski === false ? undefined : keyIdOf(spec.publicKey);
  const exts: Asn1[] = [];
  if (spec.basicConstraints) {
    const bc = spec.basicConstraints;
    const body = [...(bc.ca ? [der.bool(true)] : []), ...(bc.pathLen !== undefined ? [der.smallInt(bc.pathLen)] : [])];
    exts.push(ext(OID.basicConstraints, bc.critical ?? true, der.seq(body)));
  }
  if (spec.keyUsage) exts.push(ext(OID.keyUsage, true, keyUsageBits(spec.keyUsage)));
  if (spec.extKeyUsage) exts.push(ext(OID.extKeyUsage, false, der.seq(spec.extKeyUsage.map((o) => der.oid(o)))));
  if (ski) exts.push(ext(OID.subjectKeyIdentifier, false, der.octets(Buffer.from(ski, 'hex'))));
  const akiId = typeof spec.aki === 'string' ? spec.aki : spec.aki === false ? undefined : (spec.issuer ? spec.issuer.ski : ski);
  if (akiId) exts.push(ext(OID.authorityKeyIdentifier, false, der.seq([der.implicit(0, Buffer.from(akiId, 'hex').toString('binary'))])));
  const names = [...(spec.dns ?? []).map((d) => der.implicit(2, d)), ...(spec.ips ?? []).map((ip) => der.implicit(7, ipBytes(ip).toString('binary')))];
  if (names.length) exts.push(ext(OID.subjectAltName, false, der.seq(names)));

  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // positive
  serial[0]! |= 0x10; // no leading zero byte needed
  const tbs = der.seq([
    der.explicit(0, der.smallInt(2)),
    der.int(serial),
    sigAlg,
    nameOf(issuerName),
    der.seq([der.time(spec.notBefore), der.time(spec.notAfter)]),
    nameOf(spec.subject),
    fromDer(spec.publicKey.export({ type: 'spki', format: 'der' })),
    ...(exts.length ? [der.explicit(3, der.seq(exts))] : []),
  ]);
  const tbsDer = toDer(tbs);
  const signature = sign(keyType === 'ed25519' ? null : hash, tbsDer, signer);
  const certDer = toDer(der.seq([fromDer(tbsDer), sigAlg, der.bits(signature)]));
  const pem = `-----BEGIN CERTIFICATE-----\n${certDer.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return { pem, der: certDer, ...(ski ? { ski } : {}), asIssuer: (privateKey) => ({ subject: spec.subject, privateKey, ...(ski ? { ski } : {}) }) };
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

const DAY = 86_400_000;

export interface DeploymentPki {
  ca: BuiltCert;
  caKey: KeyPair;
  server: BuiltCert;
  serverKey: KeyPair;
}

/**
 * Certificates made the way the setup component makes them: an ECDSA P-256 CA for five years and an RSA
 * server certificate for 90 days with `*.<domain>` (4096 bits in setup; callers may choose fewer for speed).
 */
export async function setupStylePki(opts: { domain: string; now: Date; serverBits?: number; serverDns?: string[]; serverNotAfter?: Date }): Promise<DeploymentPki> {
  const [caKey, serverKey] = await Promise.all([newKeyPair({ type: 'ec', curve: 'prime256v1' }), newKeyPair({ type: 'rsa', bits: opts.serverBits ?? 4096 })]);
  const notBefore = new Date(opts.now.getTime() - DAY);
  const ca = buildCertificate({
    subject: { cn: 'MCP tunnel CA', o: 'mcp-tunnel' },
    publicKey: caKey.publicKey,
    selfKey: caKey.privateKey,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 5 * 365 * DAY),
    basicConstraints: { ca: true, critical: true },
    keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
  });
  const server = buildCertificate({
    subject: { cn: `*.${opts.domain}` },
    publicKey: serverKey.publicKey,
    issuer: ca.asIssuer(caKey.privateKey),
    notBefore,
    notAfter: opts.serverNotAfter ?? new Date(notBefore.getTime() + 90 * DAY),
    dns: opts.serverDns ?? [`*.${opts.domain}`],
    basicConstraints: { ca: false, critical: true },
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: [OID.serverAuth],
  });
  return { ca, caKey, server, serverKey };
}
