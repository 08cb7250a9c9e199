// Real certificates for tests, made with node:crypto keys (RSA-2048 for speed where the recipe says 4096).
import type { KeyObject } from 'node:crypto';
import { buildCertificate, newKeyPair, privateKeyPem, setupStylePki, type CertSpec, type KeyPair } from '../../src/gather/make-cert.js';
import { OID } from '../../src/analyze/x509/oids.js';
import { keyInfoOf } from '../../src/gather/files.js';
import type { SnapshotFile } from '../../src/snapshot/types.js';

export const DOMAIN = 'abcd1234.tunnel.anthropic.com';
export const NOW = new Date('2026-11-28T00:00:00.000Z');
export const DAY = 86_400_000;

export interface TestPki {
  caPem: string;
  caKey: KeyPair;
  serverPem: string;
  serverKey: KeyPair;
  issuer: ReturnType<ReturnType<typeof buildCertificate>['asIssuer']>;
}

let shared: Promise<TestPki> | undefined;

/** One setup-style PKI per test file (keys are the slow part). */
export function setupPki(): Promise<TestPki> {
  shared ??= setupStylePki({ domain: DOMAIN, now: NOW, serverBits: 2048 }).then((p) => ({
    caPem: p.ca.pem,
    caKey: p.caKey,
    serverPem: p.server.pem,
    serverKey: p.serverKey,
    issuer: p.ca.asIssuer(p.caKey.privateKey),
  }));
  return shared;
}

/** A server certificate signed by `pki`'s CA, with `over` changing any field. */
export function serverCert(pki: TestPki, over: Partial<CertSpec> = {}, publicKey: KeyObject = pki.serverKey.publicKey): string {
  return buildCertificate({
    subject: { cn: `*.${DOMAIN}` },
    publicKey,
    issuer: pki.issuer,
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 89 * DAY),
    dns: [`*.${DOMAIN}`],
    basicConstraints: { ca: false, critical: true },
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: [OID.serverAuth],
    ...over,
  }).pem;
}

/** The key file as gather would keep it: metadata and the public half, never the key. */
export function keyFileOf(key: KeyObject, meta: Partial<NonNullable<SnapshotFile['meta']>> = {}): SnapshotFile {
  return { withheld: true, keyInfo: keyInfoOf(Buffer.from(privateKeyPem(key))), meta: { mode: 0o100600, uid: 65532, gid: 65532, size: 1700, mtimeMs: 0, ...meta } };
}

export { buildCertificate, newKeyPair, privateKeyPem, OID };
