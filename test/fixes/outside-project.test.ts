// A fix never changes anything outside the project folder: every path a fix touches is resolved (symlinks
// followed) when the plan is made and again just before the step runs. A target outside the project, or
// one that is not what the step expects (a regular file, a folder), is refused with a line naming it.
import { afterEach, describe, expect, it } from 'vitest';
import { chmod, chown, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeScenario, type Scenario } from '../helpers/stand-ins.js';
import { runningComposeRules } from '../helpers/deployment-scenarios.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { gatherFiles } from '../../src/gather/files.js';
import { emptySnapshot, type Snapshot } from '../../src/snapshot/types.js';
import { resolveTunnelDomain } from '../../src/snapshot/tunnel-domain.js';
import { planFix } from '../../src/fixes/registry.js';
import { applyPlan } from '../../src/fixes/apply.js';
import { planText } from '../../src/report/plan-text.js';
import type { FixRunContext } from '../../src/fixes/types.js';

const KEY = '-----BEGIN PRIVATE KEY-----\nnot parsed here\n-----END PRIVATE KEY-----\n';
const LIST_CONFIG = proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n');
const RESTART_OK = { tool: 'docker' as const, args: ['compose', 'restart', 'mcp-proxy'], stderr: ' Container mcp-tunnel-mcp-proxy-1  Restarting\n Container mcp-tunnel-mcp-proxy-1  Started\n' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function folder(prefix: string): Promise<string> {
  const t = await tempDir(prefix);
  cleanups.push(t.cleanup);
  return t.dir;
}

/** A Compose project whose key is `data/tls.key`, and a victim file outside it (root's, 0600). */
async function setup(): Promise<{ dir: string; victim: string; outside: string }> {
  const dir = await folder('mtt-proj-');
  const outside = await folder('mtt-outside-');
  await mkdir(join(dir, 'config'));
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
  const victim = join(outside, 'victim.key');
  await writeFile(victim, KEY);
  await chmod(victim, 0o600);
  await chown(victim, 0, 0);
  return { dir, victim, outside };
}

async function snapshotOfDir(dir: string): Promise<Snapshot> {
  const { files, paths } = await gatherFiles(dir);
  const s = emptySnapshot({ files, deployment: { kind: paths.compose ? 'compose' : 'unknown', how: 'test', dir, paths }, state: { runAs: { uid: 0, gid: 0 } } });
  s.tunnelDomain = resolveTunnelDomain(s);
  return s;
}

async function scenario(): Promise<Scenario> {
  const sc = await makeScenario([RESTART_OK], { tools: ['docker'], passthrough: ['chown', 'chmod'] });
  cleanups.push(sc.cleanup);
  return sc;
}

const ctxOf = (s: Snapshot, sc: Scenario): FixRunContext => ({ snapshot: s, dir: s.deployment.dir!, demo: false, timeoutMs: 10_000, env: sc.env });
const ownerAndMode = async (path: string) => {
  const info = await stat(path);
  return [info.uid, info.gid, info.mode & 0o7777];
};

describe('key fixes: a key that leads outside the project', () => {
  it.each(['key-chmod', 'key-chown'])('%s: a symlinked key outside the project is refused in the plan, naming the real target', async (id) => {
    const { dir, victim } = await setup();
    await symlink(victim, join(dir, 'data/tls.key'));
    const s = await snapshotOfDir(dir);
    const plan = planFix(id, s)!;
    expect(plan).toBeDefined();
    expect(plan.steps.some((st) => st.kind === 'command')).toBe(false);
    expect(planText(plan)).toContain(victim);
    expect(planText(plan)).toMatch(/outside the project/);
    const outcome = await applyPlan(plan, ctxOf(s, await scenario()));
    expect(outcome.steps.every((o) => o.status !== 'done')).toBe(true);
    expect(await ownerAndMode(victim)).toEqual([0, 0, 0o600]);
  });

  it('data-dir-chmod: a key folder that is a symlink out of the project is refused', async () => {
    const { dir, outside } = await setup();
    await rm(join(dir, 'data'), { recursive: true });
    await writeFile(join(outside, 'tls.key'), KEY);
    await chmod(join(outside, 'tls.key'), 0o600);
    await chmod(outside, 0o700);
    await symlink(outside, join(dir, 'data'));
    const s = await snapshotOfDir(dir);
    const plan = planFix('data-dir-chmod', s)!;
    expect(plan).toBeDefined();
    expect(plan.steps.some((st) => st.kind === 'command')).toBe(false);
    expect(planText(plan)).toContain(outside);
    expect((await stat(outside)).mode & 0o777).toBe(0o700);
  });

  it('apply checks again: a key swapped for a symlink after the plan was made is refused before any step runs', async () => {
    const { dir, victim } = await setup();
    await writeFile(join(dir, 'data/tls.key'), KEY);
    await chmod(join(dir, 'data/tls.key'), 0o600);
    const s = await snapshotOfDir(dir);
    const plan = planFix('key-chmod', s)!;
    expect(plan.steps[0]).toMatchObject({ kind: 'command', argv: ['chmod', '644', 'data/tls.key'] });
    await rm(join(dir, 'data/tls.key'));
    await symlink(victim, join(dir, 'data/tls.key'));
    const sc = await scenario();
    const outcome = await applyPlan(plan, ctxOf(s, sc));
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain(victim);
    expect(outcome.message).toMatch(/outside the project/);
    expect(await ownerAndMode(victim)).toEqual([0, 0, 0o600]);
    expect(await sc.calls()).toEqual([]); // not even the restart
  });

  it('apply refuses a key that became something other than a regular file', async () => {
    const { dir } = await setup();
    await writeFile(join(dir, 'data/tls.key'), KEY);
    await chmod(join(dir, 'data/tls.key'), 0o600);
    const s = await snapshotOfDir(dir);
    const plan = planFix('key-chown', s)!;
    await rm(join(dir, 'data/tls.key'));
    execFileSync('mkfifo', [join(dir, 'data/tls.key')]);
    const outcome = await applyPlan(plan, ctxOf(s, await scenario()));
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/data\/tls\.key.* not a regular file/);
    expect((await stat(join(dir, 'data/tls.key'))).uid).toBe(0);
  });

  it('a key that is not a regular file is refused in the plan', async () => {
    const { dir } = await setup();
    execFileSync('mkfifo', [join(dir, 'data/tls.key')]);
    await chmod(join(dir, 'data/tls.key'), 0o600);
    const plan = planFix('key-chmod', await snapshotOfDir(dir));
    expect(plan === undefined || !plan.steps.some((st) => st.kind === 'command')).toBe(true);
  });

  it('a symlink to a key inside the project is followed, and the plan names where it leads', async () => {
    const { dir } = await setup();
    await mkdir(join(dir, 'data/keys'));
    await writeFile(join(dir, 'data/keys/real.key'), KEY);
    await chmod(join(dir, 'data/keys/real.key'), 0o600);
    await symlink('keys/real.key', join(dir, 'data/tls.key'));
    const s = await snapshotOfDir(dir);
    const plan = planFix('key-chmod', s)!;
    expect(plan.steps[0]).toMatchObject({ kind: 'command', argv: ['chmod', '644', 'data/tls.key'] });
    expect(planText(plan)).toContain('data/keys/real.key');
    expect((await applyPlan(plan, ctxOf(s, await scenario()))).ok).toBe(true);
    expect((await stat(join(dir, 'data/keys/real.key'))).mode & 0o777).toBe(0o644);
  });

  it('`fix key-chmod --yes` end to end: the victim outside the project keeps its mode and owner', async () => {
    const { dir, victim } = await setup();
    await symlink(victim, join(dir, 'data/tls.key'));
    // A deployment docker shows running (a fix refuses on one it could not examine).
    const sc = await makeScenario([RESTART_OK, ...runningComposeRules(dir)], { tools: ['docker'], passthrough: ['chown', 'chmod'] });
    cleanups.push(sc.cleanup);
    const r = await runCli(['fix', 'key-chmod', '--yes', '--dir', dir], { env: sc.env });
    expect(r.stdout).toContain(victim);
    expect(r.stdout).toMatch(/outside the project/);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(await ownerAndMode(victim)).toEqual([0, 0, 0o600]);
  });
});

describe('edits: a config reached through a symlink', () => {
  it('inside the project: the plan names the real target, the edit writes it and the link stays', async () => {
    const { dir } = await setup();
    await writeFile(join(dir, 'config/real.yaml'), LIST_CONFIG);
    await rm(join(dir, 'config/mcp-proxy.yaml'));
    await symlink('real.yaml', join(dir, 'config/mcp-proxy.yaml'));
    const s = await snapshotOfDir(dir);
    const plan = planFix('routes-to-map', s)!;
    expect(plan.steps[0]).toMatchObject({ kind: 'edit', path: 'config/mcp-proxy.yaml' });
    expect(planText(plan)).toContain('config/real.yaml');
    const outcome = await applyPlan(plan, ctxOf(s, await scenario()));
    expect(outcome.ok).toBe(true);
    expect(await readFile(join(dir, 'config/real.yaml'), 'utf8')).toContain('  mcp: http://10.0.0.5:8080');
  });

  it('outside the project: refused in the plan and at apply time; the outside file is untouched', async () => {
    const { dir, outside } = await setup();
    const target = join(outside, 'proxy.yaml');
    await writeFile(target, LIST_CONFIG);
    await rm(join(dir, 'config/mcp-proxy.yaml'));
    await symlink(target, join(dir, 'config/mcp-proxy.yaml'));
    const s = await snapshotOfDir(dir);
    const plan = planFix('routes-to-map', s)!;
    expect(plan.steps.some((st) => st.kind === 'edit' || st.kind === 'command')).toBe(false);
    expect(planText(plan)).toContain(target);

    // The same link made after the plan: apply refuses.
    await rm(join(dir, 'config/mcp-proxy.yaml'));
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), LIST_CONFIG);
    const fresh = await snapshotOfDir(dir);
    const editPlan = planFix('routes-to-map', fresh)!;
    expect(editPlan.steps[0]!.kind).toBe('edit');
    await rm(join(dir, 'config/mcp-proxy.yaml'));
    await symlink(target, join(dir, 'config/mcp-proxy.yaml'));
    const sc = await scenario();
    const outcome = await applyPlan(editPlan, ctxOf(fresh, sc));
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain(target);
    expect(await readFile(target, 'utf8')).toBe(LIST_CONFIG);
    expect(await sc.calls()).toEqual([]);
  });
});
