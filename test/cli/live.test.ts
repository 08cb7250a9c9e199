// The built bin on a live host, with the stand-ins as docker / kubectl / helm and every probe aimed at a
// loopback listener this file started: bundle round trip, secrets planted everywhere, the demo, bad flags.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { runCli, tempDir } from '../helpers/cli.js';
import { listenOnLoopback } from '../helpers/listen.js';
import { makeScenario, type Scenario } from '../helpers/stand-ins.js';
import { composeRules, type ComposeSpec, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { startKubeScenario } from '../helpers/kube-scenario.js';
import { mutatingCalls } from '../helpers/mutating.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { privateKeyPem, setupStylePki } from '../../src/gather/make-cert.js';
import { QUIET_MS } from '../../src/commands/progress.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const listen = (server: Server) => listenOnLoopback(server, cleanups);

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

let edgePort: number;
let wsPort: number;
beforeAll(async () => {
  edgePort = await listen(createServer((s) => s.end()));
  const ws = createHttpServer((_q, r) => r.end());
  ws.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\r\n'));
  wsPort = await listen(ws as unknown as Server);
});

async function composeProject(compose = DOCUMENTED_COMPOSE, extra: Record<string, string> = {}): Promise<{ dir: string; project: string }> {
  const t = await tempDir('mtt-live-');
  cleanups.push(t.cleanup);
  await mkdir(join(t.dir, 'config'));
  await mkdir(join(t.dir, 'data'));
  await writeFile(join(t.dir, 'docker-compose.yaml'), compose);
  await writeFile(join(t.dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n'));
  for (const [name, text] of Object.entries(extra)) await writeFile(join(t.dir, name), text);
  return { dir: t.dir, project: basename(t.dir).toLowerCase().replace(/[^-_a-z0-9]/g, '') };
}

async function scenario(rules: Parameters<typeof makeScenario>[0]): Promise<Scenario> {
  const sc = await makeScenario(rules, { tools: ['docker', 'docker-compose', 'kubectl', 'helm'] });
  cleanups.push(sc.cleanup);
  return sc;
}

const findingsOf = (stdout: string) => (JSON.parse(stdout) as { findings: unknown[] }).findings;

describe('bundle -o on a live Compose host', () => {
  it('writes a bundle that diagnose --from-bundle reads back to the same findings, with a manifest of what was gathered', async () => {
    const { dir, project } = await composeProject();
    // A real certificate and key, as setup writes them, so the TLS checks look at files that are there.
    const pki = await setupStylePki({ domain: 'abcd1234.tunnel.anthropic.com', now: new Date(), serverBits: 2048 });
    await writeFile(join(dir, 'data/ca.crt'), pki.ca.pem);
    await writeFile(join(dir, 'data/tls.crt'), pki.server.pem);
    await writeFile(join(dir, 'data/tls.key'), privateKeyPem(pki.serverKey.privateKey), { mode: 0o644 });
    const spec: ComposeSpec = {
      flavor: 'v2-lines',
      project,
      dir,
      containers: [
        { service: 'mcp-proxy', state: 'running', user: '65532:65532', startedAt: '2026-11-28T02:00:00.123456789Z', published: [{ containerPort: 8080, hostPort: wsPort, hostIp: '0.0.0.0' }] },
        { service: 'cloudflared', state: 'exited', exitCode: 255, finishedAt: '2026-11-28T03:00:00Z' },
      ],
      logs: { cloudflared: ['2026-11-28T03:00:00Z ERR Provided Tunnel token is not valid.'], 'mcp-proxy': ['level=INFO msg="route configured" route=mcp'] },
    };
    const sc = await scenario(composeRules(spec));
    const flags = ['--dir', dir, '--edge', `127.0.0.1:${edgePort}`, '--json'];
    const live = await runCli(['diagnose', ...flags], { env: sc.env });
    expect(live.stderr).toBe('');
    const out = join(dir, '..', `${basename(dir)}-bundle`);
    cleanups.push(() => rm(out, { recursive: true, force: true }));
    const written = await runCli(['bundle', '-o', out, '--dir', dir, '--edge', `127.0.0.1:${edgePort}`], { env: sc.env });
    expect(written.exitCode, written.stderr).toBe(0);
    expect(written.stderr).toMatch(/^wrote .*: \d+ file\(s\), \d+ redacted or withheld; read it back with mcp-tunnel-triage diagnose --from-bundle /);
    const back = await runCli(['diagnose', '--from-bundle', out, '--json']);
    expect(back.exitCode).toBe(live.exitCode);
    expect(findingsOf(back.stdout)).toEqual(findingsOf(live.stdout));
    const ids = (findingsOf(live.stdout) as { id: string }[]).map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['runtime.container-down', 'tls.plaintext-listener', 'routing.routes-is-list']));
    expect(ids).not.toContain('edge.unreachable');

    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.deployment).toMatchObject({ kind: 'compose', composeFlavor: 'v2', project });
    expect(manifest.commands).toEqual(expect.arrayContaining(["docker version --format '{{json .}}'", 'docker compose ps --all --format json', 'docker compose logs --no-color --timestamps --tail 2000 cloudflared']));
    expect(manifest.logs).toEqual({ cloudflared: 'docker compose logs --no-color --timestamps --tail 2000 cloudflared', 'mcp-proxy': 'docker compose logs --no-color --timestamps --tail 2000 mcp-proxy' });
    expect(manifest.collected).toEqual(expect.arrayContaining(['files/docker-compose.yaml', 'files/config/mcp-proxy.yaml', 'logs/cloudflared.log', 'logs/mcp-proxy.log', 'state/state.json', 'manifest.json']));
    expect(manifest.redacted.map((r: { path: string }) => r.path)).toContain('state/state.json#containers');
    expect(mutatingCalls(await sc.calls())).toEqual([]);
  }, 120_000); // several CLI runs: slow on a loaded machine
});

describe('secrets never leave: planted everywhere a deployment holds them', () => {
  const TOKEN_ENV = 'eyJhIjoiYTFiMmMzZDRlNWY2YTFiMmMzZDRlNWY2YTFiMiIsInQiOiJmMGU5ZDhjNy1iNmE1LTQ0MzMtYjIyMS1mMGU5ZDhjN2I2YTUiLCJzIjoiUkVBTExZU0VDUkVUMSJ9';
  const TOKEN_COMPOSE = 'Q29tcG9zZUlubGluZVRva2VuU2VjcmV0MDAwMDAwMDE';
  const TOKEN_CMD = 'Q29tbWFuZExpbmVUb2tlblNlY3JldDAwMDAwMDAwMDI';
  const TOKEN_INSPECT = 'SW5zcGVjdEVudlRva2VuU2VjcmV0MDAwMDAwMDAwMw';
  /** No redaction rule knows this one: only never keeping Env values keeps it out. */
  const OPAQUE_ENV = 'opaqueInspectEnvValue0000009';
  const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bWNwLXR1bm5lbDptY3AtdHVubmVsLXNldHVwIn0.c2lnbmF0dXJlU0VDUkVUc2lnbmF0dXJl';
  const BEARER = 'bearerSECRETvalue0000004';
  const BEARER_CONFIG = 'configBearerSECRET000005';
  const TOKEN_VALUES = 'helmValuesTokenSECRET000006';
  const TOKEN_SECRET = 'kubeSecretDataTokenSECRET000007';
  const BEARER_CM = 'configMapBearerSECRET000008';
  let keyPem: string;

  beforeAll(async () => {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  });

  /** Distinctive pieces of every secret: the whole value and a middle slice of it. */
  const pieces = (secrets: string[]) => secrets.flatMap((s) => [s, s.slice(Math.floor(s.length / 3), Math.floor(s.length / 3) + 12)]);

  async function expectNoLeak(texts: Record<string, string>, secrets: string[]) {
    for (const [where, text] of Object.entries(texts)) {
      for (const piece of pieces(secrets)) expect(text.includes(piece), `${where} holds ${piece}`).toBe(false);
    }
  }

  it('Compose: .env, the compose file, its command line, logs, docker inspect Env and Cmd, the config, the key', async () => {
    const compose = DOCUMENTED_COMPOSE.replace('command: tunnel --no-autoupdate run --url http://localhost:8080', `command: tunnel --no-autoupdate run --token ${TOKEN_CMD} --url http://localhost:8080`).replace('      - TUNNEL_TOKEN\n', `      - TUNNEL_TOKEN=${TOKEN_COMPOSE}\n      - LOG_LEVEL=info\n`);
    const { dir, project } = await composeProject(compose, { '.env': `TUNNEL_TOKEN="${TOKEN_ENV}"\n`, 'data/tls.key': '' });
    await writeFile(join(dir, 'data/tls.key'), keyPem, { mode: 0o600 });
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), `${proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n')}# upstream needs: Authorization: Bearer ${BEARER_CONFIG}\n`);
    const spec: ComposeSpec = {
      flavor: 'v2-lines',
      project,
      dir,
      containers: [
        { service: 'mcp-proxy', state: 'restarting', exitCode: 1 },
        { service: 'cloudflared', state: 'running', env: [`TUNNEL_TOKEN=${TOKEN_INSPECT}`, `CF_ORIGIN_BLOB=${OPAQUE_ENV}`, 'PATH=/bin'], cmd: ['tunnel', 'run', '--token', TOKEN_CMD] },
      ],
      logs: {
        cloudflared: [`2026-11-28T03:00:00Z INF Starting tunnel with TUNNEL_TOKEN=${TOKEN_ENV}`, `2026-11-28T03:00:01Z DBG request headers Authorization: Bearer ${BEARER}`],
        'mcp-proxy': [`level=ERROR msg="bad key" key="${keyPem.replace(/\n/g, '\\n')}"`, keyPem.split('\n').slice(0, 3).join(' '), `level=DEBUG msg="exchange" assertion=${JWT}`],
      },
    };
    const sc = await scenario(composeRules(spec));
    const flags = ['--dir', dir, '--edge', `127.0.0.1:${edgePort}`];
    const text = await runCli(['diagnose', ...flags], { env: sc.env });
    const json = await runCli(['diagnose', '--json', ...flags], { env: sc.env });
    const out = join(dir, 'bundle-out');
    const bundle = await runCli(['bundle', '-o', out, ...flags], { env: sc.env });
    expect(bundle.exitCode, bundle.stderr).toBe(0);
    expect(JSON.parse(json.stdout).findings.length).toBeGreaterThan(0); // it really looked
    const files = await walk(out);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(expect.arrayContaining(['logs/cloudflared.log', 'logs/mcp-proxy.log', 'files/.env', 'state/state.json']));
    expect(files.map((f) => f.slice(out.length + 1))).not.toContain('files/data/tls.key');
    const texts: Record<string, string> = { 'text report': text.stdout, 'text stderr': text.stderr, '--json': json.stdout, 'json stderr': json.stderr, 'bundle stderr': bundle.stderr };
    for (const f of files) texts[f] = await readFile(f, 'utf8');
    expect(texts[join(out, 'logs/cloudflared.log')]).toContain('[REDACTED]');
    await expectNoLeak(texts, [TOKEN_ENV, TOKEN_COMPOSE, TOKEN_CMD, TOKEN_INSPECT, OPAQUE_ENV, JWT, BEARER, BEARER_CONFIG, keyPem.split('\n')[1]!, keyPem.split('\n')[5]!]);
    const manifest = JSON.parse(texts[join(out, 'manifest.json')]!);
    expect(manifest.redacted.map((r: { path: string }) => r.path)).toEqual(expect.arrayContaining(['files/.env', 'files/data/tls.key', 'logs/cloudflared.log', 'logs/mcp-proxy.log']));
  }, 120_000); // four CLI runs: slow on a loaded machine

  it('Helm (real kubectl): values (also inside the release record), Secret data and the TLS key, ConfigMaps, pod and setup logs', async () => {
    const t = await tempDir('mtt-live-helm-');
    cleanups.push(t.cleanup);
    const certPem = (await setupStylePki({ domain: 'abcd1234.tunnel.anthropic.com', now: new Date(), serverBits: 2048 })).server.pem;
    const spec: KubeSpec = {
      namespace: 'mcp-tunnel',
      release: 'mcp-tunnel',
      pods: [{ name: 'mcp-tunnel-6b7f9c8d4-4xk2p', ip: '127.0.0.21', containers: [{ name: 'mcp-proxy', state: 'crashloop', restartCount: 4 }, { name: 'cloudflared', state: 'running' }] }],
      jobs: [{ name: 'mcp-tunnel-setup', failed: true, hook: 'pre-install' }],
      helmStatus: 'failed',
      values: { tunnel: { token: TOKEN_VALUES }, serverCert: { key: keyPem }, gateway: { config: { upstream: { headers: { Authorization: `Bearer ${BEARER}` } } } } },
      // The key is read (beside its certificate) for its public half; the token never is.
      secrets: { 'mcp-tunnel': { 'tunnel-token': TOKEN_SECRET, 'tls.crt': certPem, 'tls.key': keyPem } },
      tlsMount: { secret: 'mcp-tunnel' },
      configMaps: { 'mcp-tunnel': { 'config.yaml': `routes:\n  mcp: http://mcp:8080\n# Authorization: Bearer ${BEARER_CM}\n` } },
      logs: { 'mcp-tunnel-6b7f9c8d4-4xk2p': { cloudflared: [`INF token=${TOKEN_ENV}`], 'mcp-proxy': [`DBG assertion ${JWT}`] } },
      setupLog: [`level=DEBUG msg="posting" body="grant_type=jwt-bearer&assertion=${JWT}"`, `Authorization: Bearer ${BEARER}`],
    };
    // helm on PATH for the first runs; none for the last (the release record is then read from its Secret).
    const k = await startKubeScenario(spec);
    cleanups.push(k.cleanup);
    const noHelm = await startKubeScenario(spec, { helm: false });
    cleanups.push(noHelm.cleanup);
    const flags = ['--dir', t.dir, '--kube', '--edge', `127.0.0.1:${edgePort}`];
    const text = await runCli(['diagnose', ...flags], { env: k.env });
    const json = await runCli(['diagnose', '--json', ...flags], { env: k.env });
    const out = join(t.dir, 'bundle-out');
    const bundle = await runCli(['bundle', '-o', out, ...flags], { env: k.env });
    expect(bundle.exitCode, bundle.stderr).toBe(0);
    const out2 = join(t.dir, 'bundle-no-helm');
    const bundle2 = await runCli(['bundle', '-o', out2, ...flags], { env: noHelm.env });
    expect(bundle2.exitCode, bundle2.stderr).toBe(0);
    expect((JSON.parse(json.stdout).findings as { id: string }[]).map((f) => f.id)).toEqual(expect.arrayContaining(['setup.job-left-behind', 'runtime.container-down']));
    const texts: Record<string, string> = { 'text report': text.stdout, 'text stderr': text.stderr, '--json': json.stdout, 'json stderr': json.stderr, 'bundle stderr': bundle.stderr, 'bundle 2 stderr': bundle2.stderr };
    for (const f of [...(await walk(out)), ...(await walk(out2))]) texts[f] = await readFile(f, 'utf8');
    await expectNoLeak(texts, [TOKEN_VALUES, TOKEN_SECRET, TOKEN_ENV, JWT, BEARER, BEARER_CM, keyPem.split('\n')[1]!, keyPem.split('\n')[7]!]);
    const state = JSON.parse(texts[join(out, 'state/state.json')]!);
    expect(state.kube.secretKeys).toEqual({ 'mcp-tunnel': ['tls.crt', 'tls.key', 'tunnel-token'] });
    expect(state.kube.values.tunnel.token).toBe('[REDACTED]');
    const state2 = JSON.parse(texts[join(out2, 'state/state.json')]!);
    expect(state2.kube.helm).toMatchObject({ source: 'secret', status: 'failed' });
    expect(state2.kube.values.tunnel.token).toBe('[REDACTED]');
    // The key's public half is in the bundle's file facts; the key itself nowhere.
    const facts = JSON.parse(texts[join(out, 'state/files.json')]!);
    expect(facts['secret/mcp-tunnel/tls.key']).toMatchObject({ withheld: true, keyInfo: { type: 'rsa', bits: 2048 } });
    // Secrets were read by the key-name listing, by the TLS keys named in a template, and (without helm) the
    // newest release record: never the token's key, never -o json / yaml.
    const manifest = JSON.parse(texts[join(out, 'manifest.json')]!);
    const manifest2 = JSON.parse(texts[join(out2, 'manifest.json')]!);
    const secretCommands = [...manifest.commands, ...manifest2.commands].filter((c: string) => / secrets? /.test(c));
    expect(secretCommands.length).toBeGreaterThan(2);
    for (const c of secretCommands) {
      expect(c).not.toMatch(/-o (json|yaml)|tunnel-token/);
      expect(c).toMatch(/-o '?go-template=|-o 'jsonpath=\{\.data\.release\}' /);
    }
    expect(manifest2.commands).toContainEqual(expect.stringMatching(/^kubectl get secret sh\.helm\.release\.v1\.mcp-tunnel\.v3 -n mcp-tunnel -o 'jsonpath=\{\.data\.release\}'/));
    // Nothing was changed on the cluster: every request was a read.
    expect([...k.api.requests, ...noHelm.api.requests].filter((r) => r.method !== 'GET')).toEqual([]);
  }, 120_000);
});

describe('the demo and bad flags', () => {
  it('--demo runs no docker, kubectl or helm, and says what it would have run', async () => {
    const sc = await scenario([]);
    const r = await runCli(['--demo', '--json'], { env: sc.env });
    expect(await sc.calls()).toEqual([]);
    const report = JSON.parse(r.stdout);
    expect(report.notes.join('\n')).toMatch(/DEMO: docker was not run; on a live host this would have run: docker version --format '\{\{json \.\}\}'; docker compose version --short; docker compose --profile setup ps --all --format json; .*docker inspect mcp-tunnel-mcp-proxy-1 mcp-tunnel-cloudflared-1/);
    const down = report.findings.find((f: { id: string }) => f.id === 'runtime.container-down');
    expect(down.title).toBe('mcp-proxy is restarting (exit code 1)');
    expect(report.deployment).toMatchObject({ composeFlavor: 'v2', project: 'mcp-tunnel' });
  });

  it('rejects bad gather flags with exit 2 and one line, before anything runs', async () => {
    const sc = await scenario([]);
    for (const args of [['--namespace', 'Not_A_Name'], ['--timeout', '0'], ['--tail', 'lots'], ['--since', '1 day'], ['--edge', 'nowhere'], ['--context', 'has space']]) {
      const r = await runCli(['diagnose', ...args], { env: sc.env });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^mcp-tunnel-triage: ${args[0]}`));
    }
    expect(await sc.calls()).toEqual([]);
  });

  it('lists the gather flags in --help', async () => {
    const r = await runCli(['diagnose', '--help']);
    for (const flag of ['--kube', '--namespace NS', '--release NAME', '--context CTX', '--timeout SECONDS', '--tail N', '--since DURATION', '--edge HOST:PORT', '--no-network']) expect(r.stdout).toContain(flag);
  });
});

describe('a large Compose v1 project, headless', () => {
  it('says on stderr how far the logs are (one line per group, not per command) and the report says how much of each log it read', async () => {
    const { dir, project } = await composeProject();
    const containers: ComposeSpec['containers'] = [];
    for (let i = 1; i <= 5; i++) containers.push({ service: 'mcp-proxy', state: 'running', number: i }, { service: 'cloudflared', state: 'running', number: i });
    const logs = { 'mcp-proxy': ['level=INFO msg="route configured" route=mcp'], cloudflared: ['INF Registered tunnel connection connIndex=0'] };
    // Only `docker logs` is slow, longer than the quiet interval: the group is still running when a line may be printed.
    const rules = composeRules({ flavor: 'v1', project, dir, containers, logs }).map((r) => (r.args?.[0] === 'logs' ? { ...r, sleepMs: QUIET_MS + 700 } : r));
    const sc = await scenario(rules);
    const r = await runCli(['diagnose', '--dir', dir, '--no-network'], { env: sc.env, timeout: 60_000 });
    expect(r.stderr).not.toMatch(/Error|at .*\.js:\d+/);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => /^mcp-tunnel-triage: logs \d+\/10 containers( done in \d+\.\d s)?$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^mcp-tunnel-triage: logs 10\/10 containers done in \d+\.\d s$/);
    expect(r.stdout).toMatch(/· cloudflared log: 5 commands printed \d+ bytes, all of it read/);
    expect(r.stdout).toMatch(/· mcp-proxy log: 5 commands printed \d+ bytes, all of it read/);
  }, 90_000);
});
