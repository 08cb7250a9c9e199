// Issue 11 point 7, each small item with a test: the cloudflared recreate leaves the proxy alone, a failed
// step quotes a traceback's last line, the IP-validation title names the upstream, a key fix says why it
// restarts, and the TUNNEL_TOKEN note survives redaction ("not found" stays "not found").
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planFix } from '../../src/fixes/registry.js';
import { applyPlan } from '../../src/fixes/apply.js';
import { runCommand } from '../../src/gather/run.js';
import { analyze } from '../../src/analyze/index.js';
import { gatherFileFacts } from '../../src/gather/file-facts.js';
import { writeBundle } from '../../src/snapshot/bundle.js';
import { redact } from '../../src/snapshot/redact.js';
import { defaultOptions } from '../../src/options.js';
import type { CommandStep, Plan } from '../../src/fixes/types.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { makeScenario } from '../helpers/stand-ins.js';
import { toolError } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const commandsOf = (p: Plan | undefined) => (p?.steps ?? []).filter((s): s is CommandStep => s.kind === 'command');
const NO_INGRESS = DOCUMENTED_COMPOSE.replace('command: tunnel --no-autoupdate run --url http://localhost:8080\n    network_mode: "service:mcp-proxy"\n', 'command: tunnel --no-autoupdate run\n');
const running = (service: string) => ({ service, name: `t_${service}_1`, state: 'running' });

describe('cloudflared-ingress recreates cloudflared only', () => {
  it('--no-deps while the proxy runs (Compose v1 would recreate mcp-proxy too)', () => {
    for (const flavor of ['v1', 'v2'] as const) {
      const s = snapshotOf({ files: { 'docker-compose.yaml': NO_INGRESS }, state: { containers: [running('mcp-proxy'), running('cloudflared')] as never } });
      s.deployment.composeFlavor = flavor;
      const [recreate] = commandsOf(planFix('cloudflared-ingress', s));
      expect(recreate!.argv).toEqual([...(flavor === 'v1' ? ['docker-compose'] : ['docker', 'compose']), 'up', '-d', '--force-recreate', '--no-deps', 'cloudflared']);
    }
  });

  it('says so when the proxy is not running and Compose must start it as well', () => {
    const s = snapshotOf({ files: { 'docker-compose.yaml': NO_INGRESS }, state: { containers: [{ service: 'mcp-proxy', name: 't_mcp-proxy_1', state: 'exited' }] as never } });
    s.deployment.composeFlavor = 'v1';
    const [recreate] = commandsOf(planFix('cloudflared-ingress', s));
    expect(recreate!.argv).toEqual(['docker-compose', 'up', '-d', '--force-recreate', 'cloudflared']);
    expect(recreate!.why).toMatch(/mcp-proxy is not running, so Compose starts \(or recreates\) it too$/);
  });
});

describe('a failed step quotes the cause', () => {
  it('the last line of a Python traceback (docker-compose v1), not its first', async () => {
    const sc = await makeScenario([{ tool: 'docker-compose', args: ['restart', 'mcp-proxy'], ...toolError('docker-compose-v1-daemon-down') }], { tools: ['docker-compose'] });
    cleanups.push(sc.cleanup);
    const r = await runCommand(['docker-compose', 'restart', 'mcp-proxy'], { timeoutMs: 20_000, env: sc.env });
    expect(r.error).toBe("docker.errors.DockerException: Error while fetching server API version: ('Connection aborted.', FileNotFoundError(2, 'No such file or directory'))");
    const s = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE } });
    const plan: Plan = { fixId: 'compose-restart-proxy', title: 'Restart', kind: 'command', steps: [{ kind: 'command', argv: ['docker-compose', 'restart', 'mcp-proxy'] }] };
    const outcome = await applyPlan(plan, { snapshot: s, dir: '/tmp', demo: false, timeoutMs: 20_000, env: sc.env });
    expect(outcome.steps[0]!.error).toMatch(/^docker\.errors\.DockerException: Error while fetching server API version/);
    // A plain tool error is still its first line.
    const plain = await runCommand(['sh', '-c', 'echo "Error response from daemon: no such container" >&2; echo "more" >&2; exit 1'], { timeoutMs: 5_000 });
    expect(plain.error).toBe('Error response from daemon: no such container');
  });
});

describe('the IP-validation title names the upstream, not the host the request asked for', () => {
  it('a log line naming the incoming host is mapped through its route to the upstream', () => {
    const s = snapshotOf({
      files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://mcp.internal.example:8080\n') },
      logs: { 'mcp-proxy': 'time=2026-11-28T03:10:00Z level=WARN msg="IP validation failed: 8.8.8.8 is not a private address" host=mcp.abcd1234.tunnel.anthropic.com' },
    });
    const f = analyze(s).findings.find((x) => x.id === 'routing.ip-not-private')!;
    expect(f.title).toBe('Upstream mcp.internal.example resolves to 8.8.8.8, outside the allowed ranges');
    expect(f.data).toMatchObject({ host: 'mcp.internal.example', route: 'mcp' });
  });
});

describe('a key fix says why it restarts the proxy', () => {
  it('the key is read at start (not "reads its config")', () => {
    const key = { meta: { mode: 0o100600, uid: 0, gid: 0, size: 1700, mtimeMs: 0 }, withheld: true };
    const s = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), 'data/tls.key': key as never }, state: { runAs: { uid: 0, gid: 0 } } });
    for (const id of ['key-chown', 'key-chmod']) {
      const restart = commandsOf(planFix(id, s)).find((c) => c.argv.includes('restart'))!;
      expect(restart.why, id).toBe('the proxy opens its TLS key when it starts, and one that exited retries later and later: a restart makes it read the key now');
    }
    // A config edit keeps its own reason.
    const routes = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n') } });
    expect(commandsOf(planFix('routes-to-map', routes))[0]!.why).toBe('the proxy reads its config only at start');
  });
});

describe('the TUNNEL_TOKEN note reads the same after redaction', () => {
  it('"not found" is not hidden as if it were the token, in the report and in the bundle\'s manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtt-note-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    const s: Snapshot = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE } });
    s.deployment.dir = dir;
    await gatherFileFacts(s, defaultOptions({ dir }), dir, {}, { env: {} });
    const note = s.notes.find((n) => n.includes('TUNNEL_TOKEN'))!;
    expect(note).toMatch(/^no TUNNEL_TOKEN found \(looked in /);
    expect(redact(note)).toBe(note);
    await writeBundle(s, join(dir, 'bundle'));
    const manifest = JSON.parse(await readFile(join(dir, 'bundle', 'manifest.json'), 'utf8')) as { notes: string[] };
    expect(manifest.notes).toContain(note);
    expect(JSON.stringify(manifest)).not.toMatch(/\[REDACTED\] found/);
  });
});
