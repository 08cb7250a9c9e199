// Secrets found by structure, planted where a red team put them, checked in every output: diagnose text and
// --json, fix plans (diffs), scan, every file of a bundle, and the wizard's clipboard copy. The token's JSON
// has spaces (`eyJhIjog…`, no `eyJhIjoi` prefix), a route's URL carries a password, a PGP private key block
// and a bare PKCS#8 body sit in the proxy's log, and the token's secret `s` is logged alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeScenario, type Rule } from '../helpers/stand-ins.js';
import { composeRules, kubeRules, type ComposeSpec, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { gatherSnapshot } from '../../src/gather/index.js';
import { defaultOptions } from '../../src/options.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { copyText } from '../../src/wizard/copy.js';
import { parseSecretKeys } from '../../src/gather/kube-parse.js';
import type { Finding } from '../../src/analyze/types.js';

const S = randomBytes(32).toString('base64');
const TOKEN = Buffer.from(`{"a": "${randomBytes(16).toString('hex')}", "t": "${randomUUID()}", "s": "${S}"}`).toString('base64');
const PASSWORD = `pw-${randomBytes(9).toString('hex')}`;
const PGP_LINE = `lFgEaxKhtRYJKwYBBAHaRw8BAQdA${randomBytes(30).toString('base64').replace(/[+/=]/g, 'x')}`; // a v4 EdDSA secret-key packet's head (as gpg writes it), then random
const KEY_BODY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The whole value and 12-character pieces from its start, middle and end. */
function pieces(secret: string): string[] {
  const at = [0, Math.floor(secret.length / 2) - 6, secret.length - 12];
  return [secret, ...at.map((i) => secret.slice(i, i + 12))];
}
const SECRETS: Record<string, string> = { token: TOKEN, s: S, password: PASSWORD, 'PGP body': PGP_LINE, 'PKCS#8 body': KEY_BODY };

function expectClean(where: string, text: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (const piece of pieces(secret)) expect(text.includes(piece), `${where} holds a piece of the ${name}: ${piece}`).toBe(false);
  }
}

const PROXY_LINES = [
  `time=2026-11-28T04:00:01Z level=ERROR msg="invalid upstream (must be scheme://host:port)" route=mcp upstream=http://client:${PASSWORD}@10.20.0.16:8080`,
  `time=2026-11-28T04:05:10.201Z level=ERROR msg="tls handshake failed" remote=10.0.3.7:51234 err="remote error: tls: bad certificate" key="${KEY_BODY}"`,
  `time=2026-11-28T04:05:11.201Z level=ERROR msg="tls handshake failed" remote=10.0.3.7:51235 err="remote error: tls: bad certificate" sig=${S}`,
  '-----BEGIN PGP PRIVATE KEY BLOCK-----',
  '',
  PGP_LINE,
  '=AbCd',
  '-----END PGP PRIVATE KEY BLOCK-----',
];
const CLOUDFLARED_LINES = [`2026-11-28T04:00:00Z ERR Provided Tunnel token is not valid. token=${TOKEN}`, `2026-11-28T04:00:02Z INF Starting tunnel with ${TOKEN}`];

let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  const t = await tempDir('mtt-secrets-');
  cleanups.push(t.cleanup);
  dir = t.dir;
  await mkdir(join(dir, 'config'));
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(dir, '.env'), `TUNNEL_TOKEN=${TOKEN}\n`, { mode: 0o600 });
  await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig(`routes:\n  - mcp: http://client:${PASSWORD}@10.20.0.16:8080\n  - wiki: http://10.20.0.17:8080\n`));
  const spec: ComposeSpec = {
    flavor: 'v2-lines',
    project: basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, ''),
    dir,
    containers: [
      { service: 'mcp-proxy', state: 'running', user: '65532:65532' },
      { service: 'cloudflared', state: 'exited', exitCode: 255, env: [`TUNNEL_TOKEN=${TOKEN}`] },
    ],
    logs: { cloudflared: CLOUDFLARED_LINES, 'mcp-proxy': PROXY_LINES },
  };
  const sc = await makeScenario(composeRules(spec), { tools: ['docker'] });
  cleanups.push(sc.cleanup);
  env = sc.env;
});

describe('planted secrets stay out of every output', { timeout: 120_000 }, () => {
  it('diagnose (text and --json) and the fix preview', async () => {
    const text = await runCli(['diagnose', '--dir', dir], { env });
    const json = await runCli(['diagnose', '--dir', dir, '--json'], { env });
    const findings = JSON.parse(json.stdout).findings as Finding[];
    // It really looked: the planted lines are evidence.
    expect(findings.map((f) => f.id)).toEqual(expect.arrayContaining(['edge.token-malformed', 'tls.handshake-failed', 'routing.routes-is-list']));
    expect(json.stdout).toContain('[REDACTED]');
    const fix = await runCli(['fix', 'routes-to-map', '--dry-run', '--dir', dir], { env });
    expect(fix.stdout).toMatch(/\+ {2}mcp: http:\/\/\[REDACTED\]@10\.20\.0\.16:8080/);
    for (const [where, out] of Object.entries({ 'diagnose text': text, 'diagnose --json': json, 'fix --dry-run': fix })) {
      expectClean(`${where} stdout`, out.stdout);
      expectClean(`${where} stderr`, out.stderr);
    }
    // The wizard's (c): the fixes of each finding as a script.
    for (const f of findings) expectClean(`copy of ${f.id}`, copyText(f, dir));
  });

  it('the clipboard copy hides a secret even when a finding carries one', () => {
    const finding = { id: 'routing.invalid-upstream', title: 't', fixes: [{ id: 'x', title: 'x', kind: 'edit', diff: `-  mcp: http://client:${PASSWORD}@10.20.0.16:8080\n+  mcp: ${TOKEN}` }] } as unknown as Finding;
    expectClean('copy', copyText(finding, dir));
  });

  it('scan', async () => {
    const log = join(dir, 'pasted.log');
    await writeFile(log, [...CLOUDFLARED_LINES, ...PROXY_LINES].join('\n'));
    for (const args of [['scan', log], ['scan', log, '--json']]) {
      const r = await runCli(args);
      expect(r.stdout).toContain('[REDACTED]');
      expectClean(args.join(' '), r.stdout + r.stderr);
    }
  });

  it('a hand-made bundle with the raw logs and config: diagnose --from-bundle', async () => {
    const bundle = join(dir, 'hand-made');
    await mkdir(join(bundle, 'logs'), { recursive: true });
    await mkdir(join(bundle, 'files/config'), { recursive: true });
    await writeFile(join(bundle, 'logs/mcp-proxy.log'), PROXY_LINES.join('\n'));
    await writeFile(join(bundle, 'logs/cloudflared.log'), CLOUDFLARED_LINES.join('\n'));
    await writeFile(join(bundle, 'files/docker-compose.yaml'), DOCUMENTED_COMPOSE);
    await writeFile(join(bundle, 'files/.env'), `TUNNEL_TOKEN=${TOKEN}\n`);
    await writeFile(join(bundle, 'files/config/mcp-proxy.yaml'), proxyConfig(`routes:\n  - mcp: http://client:${PASSWORD}@10.20.0.16:8080\n`));
    for (const args of [['diagnose', '--from-bundle', bundle], ['diagnose', '--from-bundle', bundle, '--json']]) {
      const r = await runCli(args);
      expect(r.stdout).toContain('[REDACTED]');
      expectClean(args.join(' '), r.stdout + r.stderr);
    }
  });

  it('every file of a bundle (logs/, files/, state/, manifest)', async () => {
    const out = join(dir, 'bundle-out');
    const r = await runCli(['bundle', '-o', out, '--dir', dir], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(expect.arrayContaining(['logs/mcp-proxy.log', 'logs/cloudflared.log', 'files/config/mcp-proxy.yaml', 'state/state.json', 'manifest.json']));
    for (const f of files) expectClean(f.slice(out.length + 1), await readFile(f, 'utf8'));
    const back = await runCli(['diagnose', '--from-bundle', out, '--json']);
    expect(JSON.parse(back.stdout).findings.length).toBeGreaterThan(0);
  });
});

describe('a Secret value where kubectl should print a key name', () => {
  const HEX = randomBytes(30).toString('hex');
  it('is left out, and said so, instead of being kept as a key', () => {
    const dropped = { count: 0 };
    const out = parseSecretKeys(`mcp-tunnel\tOpaque\ttls.key tunnel-token ${TOKEN} \nother\tOpaque\t${S} ok.key ${HEX} \n`, dropped);
    expect(out).toEqual({ 'mcp-tunnel': ['tls.key', 'tunnel-token'], other: ['ok.key'] });
    expect(dropped.count).toBe(3);
    expectClean('secretKeys', JSON.stringify(out));
  });

  it('gathering says so in what the bundle manifest lists, rather than "never read"', async () => {
    const t = await tempDir('mtt-secretkeys-');
    cleanups.push(t.cleanup);
    const spec: KubeSpec = { namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods: [], jobs: [], secrets: { 'mcp-tunnel': { 'tunnel-token': 'x' } } };
    const leak: Rule = { tool: 'kubectl', args: ['get', 'secrets', '-n', 'mcp-tunnel', '-o'], match: 'prefix', stdout: `mcp-tunnel\tOpaque\ttunnel-token ${TOKEN} \n` };
    const sc = await makeScenario([leak, ...kubeRules(spec)], { tools: ['kubectl', 'helm'] });
    cleanups.push(sc.cleanup);
    const s = await gatherSnapshot(defaultOptions({ dir: t.dir, network: false, kube: true, timeoutMs: 10_000 }), undefined, { env: sc.env });
    expect(s.state.kube?.secretKeys).toEqual({ 'mcp-tunnel': ['tunnel-token'] });
    const said = s.state.redactions!.find((r) => r.path === 'state/state.json#kube.secretKeys')!;
    expect(said.what).toMatch(/printed 1 thing\(s\) where a key name belongs/);
    expect(said.what).not.toMatch(/never read/);
    expectClean('snapshot', JSON.stringify(s));
  });
});
