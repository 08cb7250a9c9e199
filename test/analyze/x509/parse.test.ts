import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { parseCertFile, signedBy } from '../../../src/analyze/x509/parse.js';
import { caProblems, chainProblems, sanCovers, serverCertProblems, validityOf } from '../../../src/analyze/x509/rules.js';
import { DOMAIN, NOW, DAY, setupPki, serverCert, buildCertificate, newKeyPair, OID } from '../../helpers/certs.js';

describe('X.509 reader', () => {
  it('reads the fields the rules need from a setup-style ECDSA CA and RSA server certificate', async () => {
    const pki = await setupPki();
    const ca = parseCertFile('data/ca.crt', { text: pki.caPem });
    const server = parseCertFile('data/tls.crt', { text: pki.serverPem });
    expect(ca.problem).toBeUndefined();
    const c = ca.certs[0]!;
    expect(c.publicKey).toMatchObject({ type: 'ec', curve: 'prime256v1' });
    expect(c.basicConstraints).toEqual({ ca: true, critical: true });
    expect(c.keyUsage!.names).toContain('keyCertSign');
    expect(c.ski).toMatch(/^[0-9A-F]{40}$/);
    expect(c.signature.name).toBe('ecdsa-with-SHA256');
    const s = server.certs[0]!;
    expect(s.sans.dns).toEqual([`*.${DOMAIN}`]);
    expect(s.aki).toBe(c.ski);
    expect(s.extKeyUsage).toEqual([OID.serverAuth]);
    expect(s.publicKey).toMatchObject({ type: 'rsa', bits: 2048 });
    expect(signedBy(s, c)).toBe(true);
    // node:crypto agrees on what the certificate is
    expect(new X509Certificate(pki.serverPem).checkIssued(new X509Certificate(pki.caPem))).toBe(true);
    expect(s.notAfter.getTime()).toBe(Date.parse(new X509Certificate(pki.serverPem).validTo));
  });

  it('reads every certificate of a PEM bundle, with its line', async () => {
    const pki = await setupPki();
    const text = `# chain\n${pki.serverPem}${pki.caPem}`;
    const f = parseCertFile('data/tls.crt', { text });
    expect(f.certs.map((c) => c.line)).toEqual([2, 2 + pki.serverPem.split('\n').length - 1]);
    expect(f.certs[1]!.subject).toContain('MCP tunnel CA');
  });

  it('reads DER, and says what is wrong with broken PEM, binary junk, an empty file and a key-only file', async () => {
    const pki = await setupPki();
    const der = Buffer.from(pki.caPem.split('\n').filter((l) => !l.startsWith('-----')).join(''), 'base64');
    expect(parseCertFile('ca.der', { base64: der.toString('base64') })).toMatchObject({ format: 'der', certs: [{ ski: expect.any(String) }] });
    const cut = pki.serverPem.split('\n').slice(0, 5).join('\n');
    expect(parseCertFile('t.crt', { text: cut }).problem).toBe('the CERTIFICATE block at line 1 has no END line (the file is cut short or two blocks are merged)');
    const edited = pki.serverPem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    expect(parseCertFile('t.crt', { text: edited }).problem).toMatch(/not valid base64/);
    const shortened = pki.serverPem.replace(/\n([A-Za-z0-9+/]{64})\n/, '\n');
    expect(parseCertFile('t.crt', { text: shortened }).problem).toMatch(/at line 1 is (not a DER certificate|not an X.509 certificate|not valid base64)/);
    expect(parseCertFile('t.crt', { base64: Buffer.from([1, 2, 3, 0, 5]).toString('base64') }).problem).toMatch(/^t.crt is binary but not a DER certificate/);
    expect(parseCertFile('t.crt', { text: '' }).problem).toBe('t.crt is empty');
    expect(parseCertFile('t.crt', { text: 'hello\n' }).problem).toBe('t.crt holds no PEM block (no -----BEGIN CERTIFICATE----- line)');
    expect(parseCertFile('t.crt', { text: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }).problem).toBe('t.crt holds no CERTIFICATE block (only PUBLIC KEY)');
  });
});

describe('certificate rules', () => {
  it('grades validity against the given clock: expired, not yet valid, 10 days left, fine', async () => {
    const pki = await setupPki();
    const at = (notBefore: number, notAfter: number) => parseCertFile('c', { text: serverCert(pki, { notBefore: new Date(NOW.getTime() + notBefore * DAY), notAfter: new Date(NOW.getTime() + notAfter * DAY) }) }).certs[0]!;
    expect(validityOf(at(-100, -3), NOW)).toEqual({ state: 'expired', daysAgo: 3 });
    expect(validityOf(at(2, 90), NOW)).toEqual({ state: 'not-yet-valid', daysUntil: 2 });
    expect(validityOf(at(-80, 10), NOW)).toEqual({ state: 'expiring', daysLeft: 10 });
    expect(validityOf(at(-1, 89), NOW)).toEqual({ state: 'valid', daysLeft: 89 });
  });

  it('flags RSA-1024, P-224, Ed25519, SHA-1 and an EKU without serverAuth, and nothing on a good certificate', async () => {
    const pki = await setupPki();
    const problems = (pem: string) => serverCertProblems(parseCertFile('c', { text: pem }).certs[0]!);
    expect(problems(pki.serverPem)).toEqual([]);
    const rsa1024 = await newKeyPair({ type: 'rsa', bits: 1024 });
    expect(problems(serverCert(pki, {}, rsa1024.publicKey))).toEqual(['its key is RSA-1024, below RSA-2048']);
    const p224 = await newKeyPair({ type: 'ec', curve: 'secp224r1' });
    expect(problems(serverCert(pki, {}, p224.publicKey))).toEqual(['its key is on the curve P-224, below P-256']);
    const ed = await newKeyPair({ type: 'ed25519' });
    expect(problems(serverCert(pki, {}, ed.publicKey))[0]).toMatch(/its key is ed25519; only RSA/);
    const rsaCaKey = await newKeyPair({ type: 'rsa', bits: 2048 });
    const rsaCa = buildCertificate({ subject: { cn: 'RSA CA' }, publicKey: rsaCaKey.publicKey, selfKey: rsaCaKey.privateKey, notBefore: NOW, notAfter: NOW, basicConstraints: { ca: true } });
    const sha1 = serverCert(pki, { issuer: rsaCa.asIssuer(rsaCaKey.privateKey), hash: 'sha1' });
    expect(problems(sha1)).toEqual(['it is signed with sha1WithRSAEncryption (SHA1); SHA-256 or stronger is required']);
    expect(problems(serverCert(pki, { extKeyUsage: [OID.clientAuth] }))).toEqual(['its Extended Key Usage is clientAuth, without serverAuth']);
    expect(problems(serverCert(pki, { extKeyUsage: undefined }))).toEqual([]); // no EKU at all is fine
  });

  it('names each CA rule a CA breaks, and passes the setup-style CA', async () => {
    const pki = await setupPki();
    const file = (pem: string) => parseCertFile('ca.crt', { text: pem });
    expect(caProblems(file(pki.caPem), NOW)).toEqual([]);
    const k = pki.caKey;
    const ca = (over: Parameters<typeof buildCertificate>[0] extends infer T ? Partial<T> : never) =>
      buildCertificate({ subject: { cn: 'CA' }, publicKey: k.publicKey, selfKey: k.privateKey, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 900 * DAY), basicConstraints: { ca: true, critical: true }, keyUsage: ['keyCertSign'], ...over }).pem;
    expect(caProblems(file(ca({ basicConstraints: { ca: true, critical: false } })), NOW)).toEqual(['its BasicConstraints CA:TRUE is not marked critical']);
    expect(caProblems(file(ca({ basicConstraints: undefined })), NOW)).toEqual(['it has no BasicConstraints extension (CA:TRUE is required)']);
    expect(caProblems(file(ca({ ski: false })), NOW)).toEqual(['it has no SubjectKeyIdentifier']);
    expect(caProblems(file(ca({ keyUsage: ['digitalSignature', 'cRLSign'] })), NOW)).toEqual(['its KeyUsage (digitalSignature, cRLSign) lacks keyCertSign']);
    expect(caProblems(file(ca({ notAfter: new Date(NOW.getTime() - DAY) })), NOW)[0]).toMatch(/^it expired on /);
    expect(caProblems(file(ca({}) + ca({})), NOW)).toEqual(['it holds 2 certificates; register exactly one']);
    const big = file(ca({}));
    big.size = 9000;
    expect(caProblems(big, NOW)).toEqual(['it is 9000 bytes, over the 8 kB limit']);
  });

  it('wants the server certificate signed directly by the CA, AKI = SKI, no intermediates', async () => {
    const pki = await setupPki();
    const caFacts = parseCertFile('ca', { text: pki.caPem }).certs[0]!;
    const chain = (text: string) => chainProblems(parseCertFile('tls.crt', { text }), caFacts);
    expect(chain(pki.serverPem)).toEqual([]);
    expect(chain(pki.serverPem + pki.caPem)).toEqual([]); // the CA itself after the leaf is harmless
    // another CA
    const other = await newKeyPair({ type: 'ec', curve: 'prime256v1' });
    const otherCa = buildCertificate({ subject: { cn: 'Other CA' }, publicKey: other.publicKey, selfKey: other.privateKey, notBefore: NOW, notAfter: NOW, basicConstraints: { ca: true }, keyUsage: ['keyCertSign'] });
    expect(chain(serverCert(pki, { issuer: otherCa.asIssuer(other.privateKey) }))[0]).toBe('it is issued by "CN=Other CA" and its signature does not verify with the key of the CA "O=mcp-tunnel, CN=MCP tunnel CA"');
    // an intermediate between them
    const mid = await newKeyPair({ type: 'ec', curve: 'prime256v1' });
    const intermediate = buildCertificate({ subject: { cn: 'Intermediate' }, publicKey: mid.publicKey, issuer: pki.issuer, notBefore: NOW, notAfter: NOW, basicConstraints: { ca: true }, keyUsage: ['keyCertSign'] });
    const leaf = serverCert(pki, { issuer: intermediate.asIssuer(mid.privateKey) });
    expect(chain(leaf + intermediate.pem)).toEqual(['it is signed by the intermediate "CN=Intermediate", which the CA signed; the server certificate must be signed directly by the registered CA']);
    // AKI missing or wrong
    expect(chain(serverCert(pki, { aki: false }))).toEqual(["it has no AuthorityKeyIdentifier (it must equal the CA's SubjectKeyIdentifier)"]);
    expect(chain(serverCert(pki, { aki: 'AB'.repeat(20) }))[0]).toMatch(/^its AuthorityKeyIdentifier ABAB.* differs from the CA's SubjectKeyIdentifier/);
  });

  it('matches SAN wildcards one label deep only', () => {
    expect(sanCovers(`*.${DOMAIN}`, `mcp.${DOMAIN}`)).toBe(true);
    expect(sanCovers(`*.${DOMAIN}`, `a.b.${DOMAIN}`)).toBe(false);
    expect(sanCovers(`*.${DOMAIN}`, DOMAIN)).toBe(false);
    expect(sanCovers(`MCP.${DOMAIN}.`, `mcp.${DOMAIN}`)).toBe(true);
  });
});
