// Redaction by structure, not only by prefix: a tunnel token however its JSON was spaced, userinfo in any
// URL, private keys with or without their armour, and any value equal to (or a 12+ character piece of) a
// secret seen earlier in the run.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { forgetSecrets, redact, rememberSecret, rememberTunnelToken } from '../../src/snapshot/redact.js';
import { serverCert, setupPki } from '../helpers/certs.js';

const secretS = () => randomBytes(32).toString('base64');
const tokenOf = (json: string) => Buffer.from(json).toString('base64');

afterEach(() => forgetSecrets());

describe('a tunnel token is found by what it decodes to', () => {
  const s = secretS();
  const a = randomBytes(16).toString('hex');
  const t = randomUUID();
  it.each([
    ['spaces after the colons', `{"a": "${a}", "t": "${t}", "s": "${s}"}`],
    ['pretty-printed', JSON.stringify({ a, t, s }, null, 2)],
    ['another key order', JSON.stringify({ t, s, a })],
    ['a space after the brace', `{ "a":"${a}","t":"${t}","s":"${s}" }`],
  ])('%s', (_name, json) => {
    const token = tokenOf(json);
    for (const line of [`cloudflared tunnel run ${token}`, `token: ${token}`, `{"args":["--token","${token}"]}`, `t=${token.replace(/=+$/, '')}`, `url-safe ${token.replace(/\+/g, '-').replace(/\//g, '_')}`]) {
      const out = redact(line);
      expect(out).toContain('[REDACTED]');
      expect(out).not.toContain(token.slice(20, 40));
    }
  });

  it('a token cut short is still hidden; a JWT header or other base64 JSON is not a token', () => {
    const token = tokenOf(`{"a": "${a}", "t": "${t}", "s": "${s}"}`);
    expect(redact(`got ${token.slice(0, 60)}`)).toBe('got [REDACTED]');
    const other = tokenOf(JSON.stringify({ kind: 'status', message: 'all good here, nothing secret at all' }));
    expect(redact(`blob ${other}`)).toBe(`blob ${other}`);
  });

  it('once a token has been seen, its secret `s` alone and any 12-character piece of it are hidden too', () => {
    const token = tokenOf(JSON.stringify({ a, t, s }));
    redact(`TUNNEL_TOKEN=${token}`);
    expect(redact(`level=debug secret=${s}`)).not.toContain(s.slice(0, 12));
    expect(redact(`x ${s} y`)).toBe('x [REDACTED] y');
    expect(redact(`part ${token.slice(50, 64)} end`)).toBe('part [REDACTED] end');
    expect(redact('an ordinary line with words and 2026-11-28T03:10:00Z')).toBe('an ordinary line with words and 2026-11-28T03:10:00Z');
  });

  it('rememberTunnelToken learns the token and its secret without redact having seen them', () => {
    const token = tokenOf(JSON.stringify({ a, t, s }));
    rememberTunnelToken(`"${token}"\n`);
    expect(redact(`the secret is ${s}`)).toBe('the secret is [REDACTED]');
    expect(redact(`prefix${token.slice(10, 30)}suffix`)).not.toContain(token.slice(10, 30));
  });

  it('a remembered value is hidden where it stands alone, not inside longer words; short values are not remembered', () => {
    rememberSecret('hunter2hunter');
    rememberSecret('pass');
    expect(redact('password hunter2hunter given')).toBe('password [REDACTED] given');
    expect(redact('tests pass')).toBe('tests pass');
  });
});

describe('userinfo in every URL', () => {
  it.each([
    ['http://client:s3cr3t-Passw0rd@10.20.0.16:8080', 'http://[REDACTED]@10.20.0.16:8080'],
    ['  mcp: "https://user:p%40ss@mcp.internal:443/path"', '  mcp: "https://[REDACTED]@mcp.internal:443/path"'],
    ['dial postgres://app:longpassword@db:5432/x failed', 'dial postgres://[REDACTED]@db:5432/x failed'],
    ['{"url":"http://ghp_abcdefghijklmnop@git.example:80"}', '{"url":"http://[REDACTED]@git.example:80"}'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves URLs without userinfo and e-mail-like text alone', () => {
    for (const text of ['http://10.0.0.5:8080', 'see https://developers.cloudflare.com/a/b?c=d@e', 'mail ops@example.com', 'git@github.com:org/repo.git']) expect(redact(text)).toBe(text);
  });

  it('remembers the password, so the same value elsewhere is hidden', () => {
    redact('route http://client:s3cr3t-Passw0rd@10.20.0.16:8080');
    expect(redact('login with s3cr3t-Passw0rd')).toBe('login with [REDACTED]');
  });
});

describe('private keys with or without their armour', () => {
  const pem = (type: 'rsa' | 'ec' | 'ed25519', format: 'pkcs8' | 'pkcs1' | 'sec1') => {
    const opts = type === 'rsa' ? { modulusLength: 2048 } : type === 'ec' ? { namedCurve: 'P-256' } : {};
    const { privateKey } = generateKeyPairSync(type as 'rsa', opts as { modulusLength: number });
    return privateKey.export({ type: format, format: 'pem' }).toString();
  };
  const body = (p: string) => p.split('\n').filter((l) => l && !l.startsWith('-----'));
  let keys: Record<string, string>;
  beforeAll(() => {
    keys = { 'RSA PKCS#8': pem('rsa', 'pkcs8'), 'RSA PKCS#1': pem('rsa', 'pkcs1'), 'EC SEC1': pem('ec', 'sec1'), 'EC PKCS#8': pem('ec', 'pkcs8'), 'Ed25519 PKCS#8': pem('ed25519', 'pkcs8') };
  });

  it('a PGP private key block is hidden whole; a public one is kept', () => {
    const block = ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '', 'lFgEaxKhtRYJKwYBBAHaRw8BAQdA1cT7fkKooZTTfd/Mq8l8230YFl+9z+UjEmh9', 'wxyz0123456789ABCDEFGHIJKLMNOPqrstuv==', '=AbCd', '-----END PGP PRIVATE KEY BLOCK-----'].join('\n');
    expect(redact(`before\n${block}\nafter`)).toBe('before\n[REDACTED]\nafter');
    // The first line of a real Ed25519 secret key (gpg 2.2: tag 5, version 4, a time, algorithm 22), unarmoured.
    expect(redact('lFgEaxKhtRYJKwYBBAHaRw8BAQdA1cT7fkKooZTTfd/Mq8l8230YFl+9z+UjEmh9')).toBe('[REDACTED]');
    // Tag and version alone are not enough: a certificate's line (0x97 0x06, then no algorithm) once read as one.
    const certLine = 'lwYdSTkwHwYDVR0jBBgwFoAUuGj7jOGSEx9GSHNIyjDJ0K8hvpowKgYDVR0RBCMw';
    expect(redact(certLine)).toBe(certLine);
    const cert = `-----BEGIN CERTIFICATE-----\nMIICszCCAlmgAwIBAgIUQb2iXBe6TOlVMJWGaYqNKHu/+YT60//rokfogSYdEPed\n${certLine}\nIYIfKi5hYmNkMTIzNC50dW5uZWwuYW50aHJvcGljLmNvbTAKBggqhkjOPQQDAgNH\n-----END CERTIFICATE-----`;
    expect(redact(cert)).toBe(cert);
    const pub = ['-----BEGIN PGP PUBLIC KEY BLOCK-----', '', 'mQINBGZhbmNlUHVibGljS2V5Qm9keVRoYXRJc05vdFNlY3JldEF0QWxsMTIzNDU2', '=WxYz', '-----END PGP PUBLIC KEY BLOCK-----'].join('\n'); // a public-key packet (tag 6)
    expect(redact(pub)).toBe(pub);
  });

  it.each(['RSA PKCS#8', 'RSA PKCS#1', 'EC SEC1', 'EC PKCS#8', 'Ed25519 PKCS#8'])('%s: its body logged without the header, on one line or many', (name) => {
    const lines = body(keys[name]!);
    const joined = lines.join('');
    for (const text of [`key="${joined}"`, `level=ERROR msg="bad key" key=${joined}`, `${lines.join('\n')}\n`]) {
      const out = redact(text);
      for (const l of lines) if (l.length >= 16) expect(out).not.toContain(l.slice(0, 16));
    }
  });

  it('a certificate or a public key body is kept', async () => {
    const pki = await setupPki();
    const certBody = body(pki.serverPem).join('');
    expect(redact(`cert=${certBody}`)).toBe(`cert=${certBody}`);
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = body(publicKey.export({ type: 'spki', format: 'pem' }).toString()).join('');
    expect(redact(`pub=${spki}`)).toBe(`pub=${spki}`);
  });
});

describe('public material stays whole after its private key was remembered', () => {
  // A PKCS#8 RSA key holds the modulus, and so does the certificate made for it: when both bodies put the
  // modulus at the same offset mod 3, their base64 share long runs. A remembered key (a Helm value `tls.key`,
  // a key body logged without armour) once masked pieces of the certificate, which then read as "not valid
  // base64" in the TLS checks (seen once in a real-Docker run).
  it('a certificate sharing 12-character runs with a remembered key is left as it is', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyWindows = new Set<string>();
    for (const line of keyPem.split('\n')) for (let i = 0; i + 12 <= line.length; i++) keyWindows.add(line.slice(i, i + 12));
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    // The modulus sits at one offset in the SubjectPublicKeyInfo; a prefix of 0 to 2 bytes before it in a
    // PEM body of its own reaches every alignment, and one of them is the key's (the same as a certificate's
    // whose fields before the key add up the same way).
    const shared = [0, 1, 2].map((pad) => {
      const body = Buffer.concat([Buffer.alloc(pad), spki]).toString('base64');
      const pem = `-----BEGIN PUBLIC KEY-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
      const cert = pem.replace(/PUBLIC KEY/g, 'CERTIFICATE');
      const overlap = pem.split('\n').some((line) => [...Array(Math.max(0, line.length - 11)).keys()].some((i) => keyWindows.has(line.slice(i, i + 12))));
      return { pem, cert, overlap };
    });
    expect(shared.some((x) => x.overlap)).toBe(true);
    rememberSecret(keyPem);
    expect(redact(`key: ${keyPem}`)).not.toContain(keyPem.split('\n')[5]);
    for (const { pem, cert } of shared) {
      expect(redact(pem)).toBe(pem);
      expect(redact(cert)).toBe(cert);
    }
  });

  it('real certificates for a remembered key, at every alignment, come out of redaction whole', async () => {
    const pki = await setupPki();
    rememberSecret(pki.serverKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    // Names one byte longer move the key one byte on in the certificate: three lengths, three alignments.
    for (const cn of ['*.a.example.com', '*.ab.example.com', '*.abc.example.com']) {
      const cert = serverCert(pki, { subject: { cn } });
      expect(redact(cert)).toBe(cert);
      expect(redact(`tls.crt: |\n${cert}`)).toBe(`tls.crt: |\n${cert}`);
    }
  });
});
