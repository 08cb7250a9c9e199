// applyPlan on real files in temp folders, with the stand-in docker recording the exact argv it received.
import { afterEach, describe, expect, it } from 'vitest';
import { chmod, chown, mkdir, readFile, readdir, lstat, stat, symlink, writeFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { randomUUID, randomBytes } from 'node:crypto';
import { makeScenario, type Scenario } from '../helpers/stand-ins.js';
import { tempDir } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { gatherFiles } from '../../src/gather/files.js';
import { emptySnapshot, type Snapshot } from '../../src/snapshot/types.js';
import { resolveTunnelDomain } from '../../src/snapshot/tunnel-domain.js';
import { planFix } from '../../src/fixes/registry.js';
import { applyPlan } from '../../src/fixes/apply.js';
import { readDemoEffects } from '../../src/gather/demo-effects.js';
import type { FixRunContext, Plan } from '../../src/fixes/types.js';

const CONFIG = `# mcp-proxy configuration (kept)
listen_addr: ":8080"
tunnel_domain: abcd1234.tunnel.anthropic.com

# one route per MCP server
routes:
  - mcp: http://10.0.0.5:8080   # the MCP server
  - wiki: http://192.168.1.7:3000
`;
const RESTART_OK = { tool: 'docker' as const, args: ['compose', 'restart', 'mcp-proxy'], stderr: ' Container mcp-tunnel-mcp-proxy-1  Restarting\n Container mcp-tunnel-mcp-proxy-1  Started\n' };
const RESTART_FAILS = { tool: 'docker' as const, args: ['compose', 'restart', 'mcp-proxy'], stderr: 'Error response from daemon: Cannot restart container mcp-tunnel-mcp-proxy-1: driver failed\n', exitCode: 1 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(files: Record<string, string>): Promise<string> {
  const t = await tempDir('mtt-fix-');
  cleanups.push(t.cleanup);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(t.dir, path, '..'), { recursive: true });
    await writeFile(join(t.dir, path), text);
  }
  return t.dir;
}

async function scenario(rules: Parameters<typeof makeScenario>[0], passthrough: string[] = []): Promise<Scenario> {
  const sc = await makeScenario(rules, { tools: ['docker'], passthrough });
  cleanups.push(sc.cleanup);
  return sc;
}

/** The snapshot the way live gathering reads the files (real metadata, redaction), without the tools. */
async function snapshotOfDir(dir: string, state: Snapshot['state'] = {}): Promise<Snapshot> {
  const { files, paths } = await gatherFiles(dir);
  const s = emptySnapshot({ files, deployment: { kind: paths.compose ? 'compose' : 'unknown', how: 'test', dir, paths }, state });
  s.tunnelDomain = resolveTunnelDomain(s);
  return s;
}

function ctxOf(s: Snapshot, sc: Scenario, over: Partial<FixRunContext> = {}): FixRunContext {
  return { snapshot: s, dir: s.deployment.dir!, demo: false, timeoutMs: 10_000, env: sc.env, ...over };
}

const argvOf = async (sc: Scenario) => (await sc.calls()).map((c) => [c.tool, ...c.args]);
const backups = async (dir: string) => (await readdir(dir)).filter((n) => n.includes('.bak-'));

describe('applyPlan: edits', () => {
  it('edits atomically, keeps mode and owner and comments, writes a backup, then runs the restart exactly', async () => {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': CONFIG });
    const config = join(dir, 'config/mcp-proxy.yaml');
    await chmod(config, 0o640);
    await chown(config, 1234, 2345);
    const sc = await scenario([RESTART_OK]);
    const plan = planFix('routes-to-map', await snapshotOfDir(dir))!;
    const output: string[] = [];
    const outcome = await applyPlan(plan, ctxOf(await snapshotOfDir(dir), sc, { onOutput: (t) => output.push(t) }));

    expect(outcome).toMatchObject({ ok: true, restored: [], message: 'applied: 2 steps done' });
    expect(await argvOf(sc)).toEqual([['docker', 'compose', 'restart', 'mcp-proxy']]);
    expect((await sc.calls())[0]!.cwd).toBe(dir);
    expect(outcome.steps[1]).toMatchObject({ status: 'done', exitCode: 0 });
    expect(output.join('')).toContain('Container mcp-tunnel-mcp-proxy-1  Started');

    const text = await readFile(config, 'utf8');
    expect(text).toBe(CONFIG.replace('  - mcp: http://10.0.0.5:8080   # the MCP server\n  - wiki:', '  mcp: http://10.0.0.5:8080 # the MCP server\n  wiki:'));
    expect(text).toContain('# mcp-proxy configuration (kept)');
    const info = await stat(config);
    expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o640, 1234, 2345]);

    const [backup] = await backups(join(dir, 'config'));
    expect(backup).toMatch(/^mcp-proxy\.yaml\.bak-\d{8}T\d{6}Z$/);
    expect(outcome.steps[0]).toMatchObject({ status: 'done', backup: `config/${backup}` });
    expect(await readFile(join(dir, 'config', backup!), 'utf8')).toBe(CONFIG);
    const b = await stat(join(dir, 'config', backup!));
    expect([b.mode & 0o7777, b.uid, b.gid]).toEqual([0o640, 1234, 2345]);
    expect((await readdir(join(dir, 'config'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses, before anything runs, a file that changed after it was read', async () => {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': CONFIG });
    const sc = await scenario([RESTART_OK]);
    const s = await snapshotOfDir(dir);
    const plan = planFix('routes-to-map', s)!;
    const changed = `${CONFIG}# edited by someone else meanwhile\n`;
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), changed);
    const outcome = await applyPlan(plan, ctxOf(s, sc));
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toBe('refused: config/mcp-proxy.yaml changed since it was read; nothing was changed (run the fix again to see a new plan)');
    expect(outcome.steps.map((o) => o.status)).toEqual(['failed', 'skipped']);
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toBe(changed);
    expect(await backups(join(dir, 'config'))).toEqual([]);
    expect(await sc.calls()).toEqual([]);
  });

  it('puts the config back from its backup when the restart fails, and says which step failed', async () => {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': CONFIG });
    const config = join(dir, 'config/mcp-proxy.yaml');
    await chmod(config, 0o604);
    const before = await readFile(config);
    const sc = await scenario([RESTART_FAILS]);
    const s = await snapshotOfDir(dir);
    const outcome = await applyPlan(planFix('routes-to-map', s)!, ctxOf(s, sc));
    expect(outcome.ok).toBe(false);
    expect(outcome.restored).toEqual(['config/mcp-proxy.yaml']);
    expect(outcome.steps[1]).toMatchObject({ status: 'failed', exitCode: 1, error: 'Error response from daemon: Cannot restart container mcp-tunnel-mcp-proxy-1: driver failed' });
    expect(outcome.message).toBe('step 2 failed (docker compose restart mcp-proxy: Error response from daemon: Cannot restart container mcp-tunnel-mcp-proxy-1: driver failed); put config/mcp-proxy.yaml back as it was (from the backup)');
    expect((await readFile(config)).equals(before)).toBe(true);
    expect((await stat(config)).mode & 0o7777).toBe(0o604);
    expect(await backups(join(dir, 'config'))).toHaveLength(1);
  });

  it('leaves alone, on a later failure, a file someone changed after the fix wrote it', async () => {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': CONFIG });
    const config = join(dir, 'config/mcp-proxy.yaml');
    const sc = await scenario([RESTART_FAILS]);
    const s = await snapshotOfDir(dir);
    const theirs = `${CONFIG}# someone else, meanwhile\n`;
    const outcome = await applyPlan(planFix('routes-to-map', s)!, ctxOf(s, sc, { onStepStart: (step) => step.kind === 'command' && writeFileSync(config, theirs) }));
    expect(outcome.ok).toBe(false);
    expect(outcome.restored).toEqual([]);
    expect(outcome.message).toMatch(/config\/mcp-proxy\.yaml changed after the fix wrote it, so it was left as it is \(its backup is config\/mcp-proxy\.yaml\.bak-\d{8}T\d{6}Z\)/);
    expect(await readFile(config, 'utf8')).toBe(theirs);
  });

  it('has nothing to do the second time, and runs nothing', async () => {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': CONFIG });
    const sc = await scenario([RESTART_OK]);
    const first = await snapshotOfDir(dir);
    expect((await applyPlan(planFix('routes-to-map', first)!, ctxOf(first, sc))).ok).toBe(true);
    const second = await snapshotOfDir(dir);
    const plan = planFix('routes-to-map', second)!;
    expect(plan.nothingToDo).toBe('`routes` is already a map');
    const outcome = await applyPlan(plan, ctxOf(second, sc));
    expect(outcome).toEqual({ ok: true, steps: [], restored: [], message: 'nothing to do: `routes` is already a map' });
    expect(await argvOf(sc)).toEqual([['docker', 'compose', 'restart', 'mcp-proxy']]);
  });

  it('edits the target of a symlinked config and leaves the link a link', async () => {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'shared/mcp-proxy.yaml': CONFIG });
    await mkdir(join(dir, 'config'));
    await symlink('../shared/mcp-proxy.yaml', join(dir, 'config/mcp-proxy.yaml'));
    const sc = await scenario([RESTART_OK]);
    const s = await snapshotOfDir(dir);
    expect((await applyPlan(planFix('routes-to-map', s)!, ctxOf(s, sc))).ok).toBe(true);
    expect((await lstat(join(dir, 'config/mcp-proxy.yaml'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, 'config/mcp-proxy.yaml'))).toBe('../shared/mcp-proxy.yaml');
    expect(await readFile(join(dir, 'shared/mcp-proxy.yaml'), 'utf8')).toContain('  mcp: http://10.0.0.5:8080');
    expect(await backups(join(dir, 'shared'))).toHaveLength(1);
  });

  it('keeps a byte-order mark and CRLF line endings', async () => {
    const crlf = `\uFEFF${CONFIG.replace(/\n/g, '\r\n')}`;
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': crlf });
    const sc = await scenario([RESTART_OK]);
    const s = await snapshotOfDir(dir);
    expect((await applyPlan(planFix('routes-to-map', s)!, ctxOf(s, sc))).ok).toBe(true);
    const bytes = await readFile(join(dir, 'config/mcp-proxy.yaml'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('routes:\r\n  mcp: http://10.0.0.5:8080 # the MCP server\r\n');
    expect(bytes.toString('utf8').replace(/\r\n/g, '')).not.toContain('\n');
  });
});

describe('applyPlan: cancelled, demo, environment', () => {
  it('stops a hung restart on abort and puts the config back (bounded in time)', async () => {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': CONFIG });
    const sc = await scenario([{ ...RESTART_OK, hang: true }]);
    const s = await snapshotOfDir(dir);
    const controller = new AbortController();
    const started = Date.now();
    const running = applyPlan(planFix('routes-to-map', s)!, ctxOf(s, sc, { signal: controller.signal, onStepStart: (step) => step.kind === 'command' && setTimeout(() => controller.abort(), 300) }));
    const outcome = await running;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toBe('cancelled at step 2; put config/mcp-proxy.yaml back as it was (from the backup)');
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toBe(CONFIG);
  });

  it('in the demo, edits the copy and shows commands without running them (journaled for the next gather)', async () => {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': CONFIG });
    const sc = await scenario([RESTART_OK]);
    const s = await snapshotOfDir(dir);
    const outcome = await applyPlan(planFix('routes-to-map', s)!, ctxOf(s, sc, { demo: true }));
    expect(outcome.steps.map((o) => o.status)).toEqual(['done', 'simulated']);
    expect(outcome.message).toBe('applied: 2 steps done (demo: commands shown, not run)');
    expect(await sc.calls()).toEqual([]);
    expect((await readDemoEffects(dir)).map((e) => e.argv)).toEqual([['docker', 'compose', 'restart', 'mcp-proxy']]);
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toContain('  mcp: http://10.0.0.5:8080');
  });

  it('will not recreate cloudflared without the TUNNEL_TOKEN Compose passes on from this shell', async () => {
    const broken = DOCUMENTED_COMPOSE.replace(' --url http://localhost:8080\n    network_mode: "service:mcp-proxy"', '');
    const dir = await project({ 'docker-compose.yaml': broken, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n') });
    const recreate = { tool: 'docker' as const, args: ['compose', 'up', '-d', '--force-recreate', 'cloudflared'], stderr: ' Container mcp-tunnel-cloudflared-1  Started\n' };
    const sc = await scenario([recreate]);
    const s = await snapshotOfDir(dir);
    const plan = planFix('cloudflared-ingress', s)!;
    const refused = await applyPlan(plan, ctxOf(s, sc, { env: { ...sc.env, TUNNEL_TOKEN: undefined } }));
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/^refused: TUNNEL_TOKEN is not set in this shell, and `docker compose up -d --force-recreate cloudflared` passes it on from here/);
    expect(await readFile(join(dir, 'docker-compose.yaml'), 'utf8')).toBe(broken);
    expect(await sc.calls()).toEqual([]);

    const done = await applyPlan(plan, ctxOf(s, sc, { env: { ...sc.env, TUNNEL_TOKEN: 'eyJhIjoiYSJ9' } }));
    expect(done.ok).toBe(true);
    expect(await argvOf(sc)).toEqual([['docker', 'compose', 'up', '-d', '--force-recreate', 'cloudflared']]);
    expect(await readFile(join(dir, 'docker-compose.yaml'), 'utf8')).toBe(DOCUMENTED_COMPOSE);
  });
});

describe('applyPlan: the key, with the real chmod and chown', () => {
  async function keyProject(): Promise<string> {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), 'data/tls.key': '-----BEGIN PRIVATE KEY-----\nnot parsed here\n-----END PRIVATE KEY-----\n' });
    await chmod(join(dir, 'data/tls.key'), 0o600);
    await chown(join(dir, 'data/tls.key'), 0, 0);
    return dir;
  }

  it('key-chown gives the key to 65532:65532 and keeps it 0600; then there is nothing to do', async () => {
    const dir = await keyProject();
    const sc = await scenario([RESTART_OK], ['chown', 'chmod']);
    const s = await snapshotOfDir(dir, { runAs: { uid: 0, gid: 0 } });
    const outcome = await applyPlan(planFix('key-chown', s)!, ctxOf(s, sc));
    expect(outcome.ok).toBe(true);
    const info = await stat(join(dir, 'data/tls.key'));
    expect([info.uid, info.gid, info.mode & 0o777]).toEqual([65532, 65532, 0o600]);
    expect(await argvOf(sc)).toEqual([['docker', 'compose', 'restart', 'mcp-proxy']]);
    expect(planFix('key-chown', await snapshotOfDir(dir, { runAs: { uid: 0, gid: 0 } }))!.nothingToDo).toMatch(/already owned/);
  });

  it('key-chmod makes it 0644 (the guide\'s fix)', async () => {
    const dir = await keyProject();
    const sc = await scenario([RESTART_OK], ['chown', 'chmod']);
    const s = await snapshotOfDir(dir, { runAs: { uid: 0, gid: 0 } });
    expect((await applyPlan(planFix('key-chmod', s)!, ctxOf(s, sc))).ok).toBe(true);
    expect((await stat(join(dir, 'data/tls.key'))).mode & 0o777).toBe(0o644);
  });
});

describe('env-token-unquote: the token never shows', () => {
  const token = () => Buffer.from(JSON.stringify({ a: randomBytes(16).toString('hex'), t: randomUUID(), s: randomBytes(32).toString('base64') })).toString('base64');

  async function envProject(line: string): Promise<{ dir: string; s: Snapshot; plan: Plan }> {
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), '.env': `# tunnel\nCOMPOSE_PROJECT_NAME=mcp-tunnel\n${line}\n` });
    await chmod(join(dir, '.env'), 0o600);
    const s = await snapshotOfDir(dir);
    return { dir, s, plan: planFix('env-token-unquote', s)! };
  }

  it('rewrites a quoted, padded token as TUNNEL_TOKEN=<token>, showing only [REDACTED]', async () => {
    const secret = token();
    const { dir, s, plan } = await envProject(`TUNNEL_TOKEN="  ${secret}  "`);
    const recreate = { tool: 'docker' as const, args: ['compose', 'up', '-d', '--force-recreate', 'cloudflared'], stderr: ` Container mcp-tunnel-cloudflared-1  Started\n` };
    const sc = await scenario([recreate]);
    const output: string[] = [];
    const outcome = await applyPlan(plan, ctxOf(s, sc, { onOutput: (t) => output.push(t) }));
    expect(outcome.ok).toBe(true);
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(`# tunnel\nCOMPOSE_PROJECT_NAME=mcp-tunnel\nTUNNEL_TOKEN=${secret}\n`);
    expect((await stat(join(dir, '.env'))).mode & 0o777).toBe(0o600);
    const edit = plan.steps[0]!;
    expect(edit.kind === 'edit' && edit.diff).toContain('-TUNNEL_TOKEN="[REDACTED]"\n+TUNNEL_TOKEN=[REDACTED]');
    const shown = JSON.stringify({ plan, outcome, output, backups: await backups(dir) });
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(secret.slice(0, 24));
    expect(await argvOf(sc)).toEqual([['docker', 'compose', 'up', '-d', '--force-recreate', 'cloudflared']]);
  });

  it('refuses a token that still does not decode without its quotes, without saying what it is', async () => {
    const secret = token().slice(0, 40);
    const { dir, s, plan } = await envProject(`TUNNEL_TOKEN='${secret}'`);
    const sc = await scenario([]);
    const outcome = await applyPlan(plan, ctxOf(s, sc));
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^refused: \.env: without its quotes and spaces the token still does not decode/);
    expect(JSON.stringify({ plan, outcome })).not.toContain(secret);
    expect(await readFile(join(dir, '.env'), 'utf8')).toContain(`TUNNEL_TOKEN='${secret}'`);
    expect(await sc.calls()).toEqual([]);
  });
});
