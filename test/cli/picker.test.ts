// The not-in-picker symptom (issue 11 point 5): its causes are in the Console, so with a valid local CA it
// never says "no problems": it ends with what to check there and the values to compare (the CA's SHA-256
// fingerprint, the tunnel's domain, the tunnel id cloudflared runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeScenario, type Scenario } from '../helpers/stand-ins.js';
import { runningComposeRules } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { FAKE_TOKEN } from '../helpers/token.js';
import { privateKeyPem, setupStylePki } from '../../src/gather/make-cert.js';

const DOMAIN = 'abcd1234.tunnel.anthropic.com';
const TUNNEL_ID = '6b0e2a4c-5d1f-4e7a-9c3b-2f8d1e0a7b64';
let dir: string;
let fingerprint: string;
let docker: Scenario;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const t = await tempDir('mtt-picker-');
  cleanups.push(t.cleanup);
  dir = t.dir;
  const pki = await setupStylePki({ domain: DOMAIN, now: new Date(), serverBits: 2048 });
  await mkdir(join(dir, 'config'));
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
  await writeFile(join(dir, 'data/tunnel-domain'), `${DOMAIN}\n`);
  await writeFile(join(dir, 'data/ca.crt'), pki.ca.pem);
  await writeFile(join(dir, 'data/tls.crt'), pki.server.pem);
  await writeFile(join(dir, 'data/tls.key'), privateKeyPem(pki.serverKey.privateKey), { mode: 0o644 });
  fingerprint = new X509Certificate(pki.ca.pem).fingerprint256;
  const registered = (i: number) => `2026-11-28T03:10:0${i}Z INF Registered tunnel connection connIndex=${i} connection=7a1c3e52-2f4d-4d9e-a6b1-5d0c7e9f8a2${i} event=0 ip=198.41.200.1${i} location=lhr0${i + 1} protocol=quic`;
  docker = await makeScenario(runningComposeRules(dir, { cloudflared: [`2026-11-28T03:10:00Z INF Starting tunnel tunnelID=${TUNNEL_ID}`, ...[0, 1, 2, 3].map(registered)] }), { tools: ['docker'] });
  cleanups.push(docker.cleanup);
});
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('the tunnel is not in the picker', () => {
  it('with a valid CA it ends with the Console checklist and the values to compare, never "no problems"', async () => {
    const r = await runCli(['diagnose', '--symptom', 'not-in-picker', '--dir', dir], { env: { ...docker.env, TUNNEL_TOKEN: FAKE_TOKEN } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/no problems/i);
    expect(r.stdout).toContain('Check in the Console: the picker lists the tunnel only if these hold  [tls.not-in-picker]');
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain(`the workspace the tunnel \`${DOMAIN}\` (id \`${TUNNEL_ID}\`, as cloudflared runs it) was created in`);
    expect(text).toContain(`lists a CA with SHA-256 fingerprint \`${fingerprint}\` (data/ca.crt`);
    expect(text).toContain('shows Active');
    // The Claude hop is the Console's: not checked from here.
    expect(r.stdout).toMatch(/\? Claude/);
    const json = JSON.parse((await runCli(['diagnose', '--json', '--symptom', 'not-in-picker', '--dir', dir], { env: { ...docker.env, TUNNEL_TOKEN: FAKE_TOKEN } })).stdout) as { findings: { id: string; data?: Record<string, unknown> }[] };
    expect(json.findings.find((f) => f.id === 'tls.not-in-picker')?.data).toMatchObject({ fingerprint256: fingerprint, ca: 'data/ca.crt', domain: DOMAIN, tunnelId: TUNNEL_ID });
  });

  it('is guidance for that symptom only: a full run does not print it', async () => {
    const r = await runCli(['diagnose', '--json', '--dir', dir], { env: { ...docker.env, TUNNEL_TOKEN: FAKE_TOKEN } });
    expect((JSON.parse(r.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id)).not.toContain('tls.not-in-picker');
  });
});
