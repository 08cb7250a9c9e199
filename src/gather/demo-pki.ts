// The demo's TLS material and token, made fresh for each run (no key ships in the package): a CA made the
// way setup makes it, and a server certificate left over from an earlier tunnel (its SAN names another
// domain) that expires in 9 days; the key 0600 as setup leaves it, but owned by whoever runs the demo, not
// by the proxy's user; and a .env whose fake TUNNEL_TOKEN was pasted with curly quotes.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { privateKeyPem, setupStylePki } from './make-cert.js';

const DAY = 86_400_000;
export const DEMO_OLD_DOMAIN = 'wxyz9876.tunnel.anthropic.com';

/** A token that decodes like a real one and opens nothing: random account, tunnel id and secret. */
export function fakeTunnelToken(): string {
  return Buffer.from(JSON.stringify({ a: randomBytes(16).toString('hex'), t: randomUUID(), s: randomBytes(32).toString('base64') })).toString('base64');
}

export async function writeDemoPki(dir: string, now = new Date()): Promise<void> {
  const domain = (await readFile(join(dir, 'data', 'tunnel-domain'), 'utf8')).trim();
  const pki = await setupStylePki({
    domain,
    now: new Date(now.getTime() - 80 * DAY),
    serverBits: 2048, // setup uses 4096; 2048 keeps the demo fast and is within the rules
    serverDns: [`*.${DEMO_OLD_DOMAIN}`],
    serverNotAfter: new Date(now.getTime() + 9 * DAY),
  });
  const put = async (rel: string, text: string, mode: number) => {
    await writeFile(join(dir, rel), text, { mode });
    await chmod(join(dir, rel), mode);
  };
  const token = fakeTunnelToken();
  await put('data/ca.crt', pki.ca.pem, 0o644);
  await put('data/ca.key', privateKeyPem(pki.caKey.privateKey), 0o600);
  await put('data/tls.crt', pki.server.pem, 0o644);
  await put('data/tls.key', privateKeyPem(pki.serverKey.privateKey), 0o600);
  await put('data/tunnel-token', `${token}\n`, 0o600);
  await put('.env', `# pasted from the tunnel page\nTUNNEL_TOKEN=\u201c${token}\u201d\n`, 0o600);
}
