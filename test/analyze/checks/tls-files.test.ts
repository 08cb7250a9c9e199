import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analyze/index.js';
import { certFile } from '../../../src/analyze/checks/tls/cert-file.js';
import { certValidity } from '../../../src/analyze/checks/tls/cert-validity.js';
import { certSan } from '../../../src/analyze/checks/tls/cert-san.js';
import { certChain } from '../../../src/analyze/checks/tls/cert-chain.js';
import { keyPair } from '../../../src/analyze/checks/tls/key-pair.js';
import { keyPermissions } from '../../../src/analyze/checks/tls/key-permissions.js';
import { materialize } from '../../../src/analyze/engine.js';
import type { SnapshotFile } from '../../../src/snapshot/types.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf, type SnapshotSpec } from '../../helpers/snapshot.js';
import { DAY, DOMAIN, NOW, OID, buildCertificate, keyFileOf, newKeyPair, serverCert, setupPki } from '../../helpers/certs.js';

const ROUTES = 'routes:\n  mcp: http://10.0.0.5:8080\n  wiki: http://10.0.0.6:3000\n';

async function deployment(over: Record<string, string | SnapshotFile> = {}, spec: SnapshotSpec = {}) {
  const pki = await setupPki();
  return snapshotOf({
    ...spec,
    files: {
      'docker-compose.yaml': DOCUMENTED_COMPOSE,
      'config/mcp-proxy.yaml': proxyConfig(ROUTES),
      'data/tunnel-domain': `${DOMAIN}\n`,
      'data/ca.crt': { text: pki.caPem, meta: { mode: 0o100644, uid: 65532, gid: 65532, size: pki.caPem.length, mtimeMs: 0 } },
      'data/tls.crt': pki.serverPem,
      'data/tls.key': { ...keyFileOf(pki.serverKey.privateKey), dirMeta: { mode: 0o40755, uid: 0, gid: 0, size: 4096, mtimeMs: 0 } },
      ...over,
    },
  });
}

describe('a deployment made by the documented recipe', () => {
  it('has no certificate, key, token-file or domain findings at all', async () => {
    const s = await deployment();
    const report = analyze(s);
    expect(report.findings.map((f) => `${f.id}: ${f.title}`)).toEqual([]);
    const mine = ['tls.cert-file', 'tls.cert-validity', 'tls.cert-san', 'tls.cert-chain', 'tls.key-pair', 'tls.key-permissions', 'edge.cloudflared-service', 'routing.tunnel-domain', 'routing.upstream-addresses'];
    for (const id of mine) expect(report.checks.find((c) => c.id === id), id).toMatchObject({ status: 'ok' });
  });

  it('is also clean with the manual recipe: key chmod 644, owned by root', async () => {
    const pki = await setupPki();
    const s = await deployment({ 'data/tls.key': { ...keyFileOf(pki.serverKey.privateKey, { mode: 0o100644, uid: 0, gid: 0 }), dirMeta: { mode: 0o40755, uid: 0, gid: 0, size: 4096, mtimeMs: 0 } } });
    expect(keyPermissions.run(s)).toEqual([]);
  });
});

describe('tls.cert-expired', () => {
  const validity = async (from: number, to: number) => {
    const pki = await setupPki();
    return certValidity.run(await deployment({ 'data/tls.crt': serverCert(pki, { notBefore: new Date(NOW.getTime() + from * DAY), notAfter: new Date(NOW.getTime() + to * DAY) }) }));
  };

  it('is an error when expired, with the dates and the renew fix', async () => {
    const [obs] = await validity(-95, -5);
    expect(obs).toMatchObject({ id: 'tls.cert-expired', vars: { notAfter: '2026-11-23T00:00:00Z' } });
    expect(obs!.severity).toBeUndefined();
    expect(String(obs!.vars!.state)).toContain('expired 5 day(s) ago');
    expect(obs!.evidence[0]).toMatchObject({ source: 'data/tls.crt', line: 1, text: 'notAfter 2026-11-23T00:00:00Z, before 2026-11-28T00:00:00Z' });
  });

  it('is an error when not yet valid (a clock problem), and a warning 10 days before the end', async () => {
    const [future] = await validity(3, 90);
    expect(future).toMatchObject({ variant: 'not-yet-valid' });
    const [soon] = await validity(-80, 10);
    expect(soon).toMatchObject({ variant: 'expiring', severity: 'warning', vars: { days: 10 } });
    expect(materialize(soon!, await deployment()).title).toBe('The server certificate expires in 10 day(s)');
    expect(await validity(-80, 20)).toEqual([]);
  });

  it('uses the snapshot clock, not the machine clock', async () => {
    const pki = await setupPki();
    const s = await deployment({ 'data/tls.crt': serverCert(pki, { notAfter: new Date(NOW.getTime() + 5 * DAY) }) });
    s.createdAt = new Date(NOW.getTime() + 6 * DAY).toISOString();
    expect(certValidity.run(s)[0]).toMatchObject({ id: 'tls.cert-expired' });
  });
});

describe('tls.san-mismatch', () => {
  it('names the SANs found and the one needed', async () => {
    const pki = await setupPki();
    const [obs] = certSan.run(await deployment({ 'data/tls.crt': serverCert(pki, { dns: ['*.other.tunnel.anthropic.com'] }) }));
    expect(obs).toMatchObject({ id: 'tls.san-mismatch', vars: { sans: '`*.other.tunnel.anthropic.com`', domain: DOMAIN } });
    expect(obs!.data).toMatchObject({ needed: `*.${DOMAIN}`, found: ['*.other.tunnel.anthropic.com'] });
    expect(obs!.evidence[0]!.text).toBe(`SAN DNS:*.other.tunnel.anthropic.com; needed *.${DOMAIN}`);
  });

  it('accepts per-route names covering every route, and names the routes left out', async () => {
    const pki = await setupPki();
    expect(certSan.run(await deployment({ 'data/tls.crt': serverCert(pki, { dns: [`mcp.${DOMAIN}`, `wiki.${DOMAIN}`] }) }))).toEqual([]);
    const [partial] = certSan.run(await deployment({ 'data/tls.crt': serverCert(pki, { dns: [`mcp.${DOMAIN}`] }) }));
    expect(partial).toMatchObject({ variant: 'routes', vars: { missing: `wiki.${DOMAIN}` } });
  });

  it('says the CN is not used when there is no SAN', async () => {
    const pki = await setupPki();
    const [obs] = certSan.run(await deployment({ 'data/tls.crt': serverCert(pki, { dns: [] }) }));
    expect(obs!.vars!.sans).toBe(`no DNS name (the subject CN=*.${DOMAIN} is not used for names)`);
  });

  it('cannot check without a domain, or with one taken from the same certificate', async () => {
    const pki = await setupPki();
    const s = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig(ROUTES), 'data/tls.crt': pki.serverPem } });
    expect(s.tunnelDomain).toEqual({ value: DOMAIN, source: `certificate data/tls.crt (its SAN *.${DOMAIN})`, confidence: 'inferred' });
    expect(() => certSan.run(s)).toThrow(/pass --tunnel-domain/);
  });
});

describe('tls.ca-mismatch', () => {
  it('flags a server certificate from another CA, naming both sides', async () => {
    const pki = await setupPki();
    const other = await newKeyPair({ type: 'ec', curve: 'prime256v1' });
    const otherCa = buildCertificate({ subject: { cn: 'Someone else' }, publicKey: other.publicKey, selfKey: other.privateKey, notBefore: NOW, notAfter: NOW, basicConstraints: { ca: true } });
    const obs = certChain.run(await deployment({ 'data/tls.crt': serverCert(pki, { issuer: otherCa.asIssuer(other.privateKey) }) }));
    expect(obs.map((o) => o.id)).toEqual(['tls.ca-mismatch']);
    expect(obs[0]!.vars).toMatchObject({ file: 'data/tls.crt', ca: 'data/ca.crt' });
    expect(obs[0]!.evidence.map((e) => e.text)).toEqual([expect.stringMatching(/^issuer CN=Someone else; AKI [0-9A-F]+$/), expect.stringMatching(/^subject O=mcp-tunnel, CN=MCP tunnel CA; SKI [0-9A-F]+$/)]);
  });

  it('uses --ca over data/ca.crt', async () => {
    const pki = await setupPki();
    const other = await newKeyPair({ type: 'ec', curve: 'prime256v1' });
    const otherCa = buildCertificate({ subject: { cn: 'Registered' }, publicKey: other.publicKey, selfKey: other.privateKey, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 99 * DAY), basicConstraints: { ca: true }, keyUsage: ['keyCertSign'] });
    const s = await deployment({ '/etc/registered-ca.pem': otherCa.pem }, { hints: { caCert: '/etc/registered-ca.pem' } });
    const obs = certChain.run(s);
    expect(obs.map((o) => [o.id, o.vars?.ca])).toEqual([['tls.ca-mismatch', '/etc/registered-ca.pem']]);
  });

  it('says a CA that breaks the registration rules cannot be registered, and that the picker will not list the tunnel', async () => {
    const pki = await setupPki();
    const k = pki.caKey;
    const weakCa = buildCertificate({ subject: { cn: 'MCP tunnel CA', o: 'mcp-tunnel' }, publicKey: k.publicKey, selfKey: k.privateKey, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 99 * DAY), basicConstraints: { ca: true, critical: false }, ski: false });
    const obs = certChain.run(await deployment({ 'data/ca.crt': weakCa.pem }));
    const rules = obs.find((o) => o.variant === 'ca-rules')!;
    expect(rules.data!.problems).toEqual([
      'its BasicConstraints CA:TRUE is not marked critical',
      'it has no SubjectKeyIdentifier',
      'it has no KeyUsage extension (keyCertSign is required)',
    ]);
    expect(materialize(rules, await deployment()).title).toBe('The CA data/ca.crt cannot be registered');
    expect(obs.map((o) => o.id)).toContain('tls.not-in-picker');
  });
});

describe('tls.key-mismatch', () => {
  it('compares the certificate with the withheld key\'s public half', async () => {
    const pki = await setupPki();
    expect(keyPair.run(await deployment())).toEqual([]);
    const stranger = await newKeyPair({ type: 'rsa', bits: 2048 });
    const [obs] = keyPair.run(await deployment({ 'data/tls.key': keyFileOf(stranger.privateKey) }));
    expect(obs).toMatchObject({ id: 'tls.key-mismatch', vars: { cert: 'data/tls.crt', key: 'data/tls.key' } });
    expect(obs!.evidence.map((e) => e.text.replace(/[0-9a-f]{16}/, 'H'))).toEqual(['certificate public key RSA-2048, SPKI sha256 H…', 'private key RSA-2048, public half SPKI sha256 H…']);
    expect(JSON.stringify(obs)).not.toMatch(/PRIVATE KEY/);
    void pki;
  });

  it('reports an encrypted or unparsable key as unusable', async () => {
    const [enc] = keyPair.run(await deployment({ 'data/tls.key': { withheld: true, keyInfo: { encrypted: true, parseError: 'the key is encrypted with a passphrase' } } }));
    expect(enc).toMatchObject({ variant: 'key-unusable' });
    expect(String(enc!.vars!.problem)).toMatch(/encrypted with a passphrase/);
  });
});

describe('tls.handshake-failed (the certificate rules, from the files)', () => {
  it('names weak keys, SHA-1 and a clientAuth-only EKU', async () => {
    const pki = await setupPki();
    const weak = await newKeyPair({ type: 'rsa', bits: 1024 });
    const [obs] = certFile.run(await deployment({ 'data/tls.crt': serverCert(pki, { extKeyUsage: [OID.clientAuth] }, weak.publicKey) }));
    expect(obs).toMatchObject({ id: 'tls.handshake-failed', variant: 'cert-rules' });
    expect(obs!.data!.problems).toEqual(['its key is RSA-1024, below RSA-2048', 'its Extended Key Usage is clientAuth, without serverAuth']);
    expect(materialize(obs!, await deployment()).title).toBe('Anthropic will reject this certificate in the handshake');
  });

  it('turns broken PEM, DER and a CA-first bundle into one clear finding each, and the other checks say they could not run', async () => {
    const pki = await setupPki();
    const cut = pki.serverPem.split('\n').slice(0, 6).join('\n');
    const s = await deployment({ 'data/tls.crt': cut });
    expect(certFile.run(s)[0]).toMatchObject({ variant: 'cert-unreadable', vars: { problem: 'the CERTIFICATE block at line 1 has no END line (the file is cut short or two blocks are merged)' } });
    const report = analyze(s);
    expect(report.checks.find((c) => c.id === 'tls.cert-validity')).toMatchObject({ status: 'error', reason: expect.stringContaining('no END line') });
    const der = Buffer.from(pki.serverPem.split('\n').filter((l) => l && !l.startsWith('-----')).join(''), 'base64');
    expect(certFile.run(await deployment({ 'data/tls.crt': { base64: der.toString('base64') } }))[0]!.vars!.problem).toMatch(/^it is DER \(binary\), and the proxy reads PEM/);
    const [caFirst] = certFile.run(await deployment({ 'data/tls.crt': pki.caPem + pki.serverPem }));
    expect(String(caFirst!.vars!.problem)).toContain('it is a CA certificate (CA:TRUE), not a server certificate');
  });
});

describe('tls.key-unreadable', () => {
  const withKey = async (meta: Partial<NonNullable<SnapshotFile['meta']>>, compose = DOCUMENTED_COMPOSE, dirMode = 0o40755) => {
    const pki = await setupPki();
    return keyPermissions.run(await deployment({ 'docker-compose.yaml': compose, 'data/tls.key': { ...keyFileOf(pki.serverKey.privateKey, meta), dirMeta: { mode: dirMode, uid: 0, gid: 0, size: 4096, mtimeMs: 0 } } }));
  };

  it('flags a 0600 root-owned key for the 65532 proxy, with what the fixes need', async () => {
    const [obs] = await withKey({ mode: 0o100600, uid: 0, gid: 0 });
    expect(obs).toMatchObject({ id: 'tls.key-unreadable', vars: { mode: '0600', owner: '0:0', user: '65532:65532' } });
    expect(obs!.data).toMatchObject({ path: 'data/tls.key', mode: 0o600, uid: 0, gid: 0, user: { uid: 65532, gid: 65532 } });
  });

  it('follows owner, group, group_add and other bits', async () => {
    expect(await withKey({ mode: 0o100600, uid: 65532, gid: 0 })).toEqual([]);
    expect(await withKey({ mode: 0o100640, uid: 0, gid: 65532 })).toEqual([]);
    expect(await withKey({ mode: 0o100640, uid: 0, gid: 1000 })).toHaveLength(1);
    expect(await withKey({ mode: 0o100640, uid: 0, gid: 1000 }, DOCUMENTED_COMPOSE.replace('user: "65532:65532"', 'user: "65532:65532"\n    group_add: ["1000"]'))).toEqual([]);
    expect(await withKey({ mode: 0o100604, uid: 0, gid: 0 })).toEqual([]);
  });

  it('takes the user from Compose, defaulting to 65532, and knows root without capabilities is bound by the mode', async () => {
    const noUser = DOCUMENTED_COMPOSE.replace('    user: "65532:65532"\n', '');
    expect((await withKey({ mode: 0o100600, uid: 0, gid: 0 }, noUser))[0]!.vars!.user).toBe("65532:65532, the image's user");
    const asRoot = DOCUMENTED_COMPOSE.replace('user: "65532:65532"', 'user: "0:0"');
    expect(await withKey({ mode: 0o100600, uid: 1000, gid: 1000 }, asRoot)).toHaveLength(1); // cap_drop: [ALL] drops DAC_OVERRIDE
    expect(await withKey({ mode: 0o100600, uid: 1000, gid: 1000 }, asRoot.replace('    cap_drop: [ALL]\n', ''))).toEqual([]);
  });

  it('notices a data folder the proxy cannot enter', async () => {
    const [obs] = await withKey({ mode: 0o100644, uid: 0, gid: 0 }, DOCUMENTED_COMPOSE, 0o40700);
    expect(obs).toMatchObject({ variant: 'dir', vars: { dir: 'data', mode: '0700', owner: '0:0' } });
  });
});

describe('tls.key-unreadable: the key is not there', () => {
  it('is an error when the certificate is there without its key, and when neither is (on the host, not in a bundle)', async () => {
    const pki = await setupPki();
    const noKey = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig(ROUTES), 'data/tls.crt': pki.serverPem } });
    expect(keyPermissions.run(noKey)[0]).toMatchObject({ variant: 'missing', vars: { key: 'data/tls.key', inContainer: '/data/tls.key' } });
    const neither = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig(ROUTES) } });
    expect(keyPermissions.run(neither)[0]).toMatchObject({
      variant: 'no-tls-files',
      vars: { cert: 'data/tls.crt', key: 'data/tls.key', certIn: '/data/tls.crt', inContainer: '/data/tls.key' },
    });
    expect(keyPermissions.run({ ...neither, origin: 'bundle' })).toEqual([]);
  });
});
