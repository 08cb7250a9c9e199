// The `fix` questions on a terminal, in process: y/N for a change, the release name typed for a destructive
// one. The stand-ins answer live gathering and record what the fix ran.
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runFix } from '../../src/commands/fix.js';
import { defaultOptions, type TriageOptions } from '../../src/options.js';
import type { Io } from '../../src/io.js';
import { tempDir } from '../helpers/cli.js';
import { makeScenario, type Rule, type Scenario } from '../helpers/stand-ins.js';
import { composeRules, kubeRules, toolError, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { mutatingCalls } from '../helpers/mutating.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

const cleanups: (() => Promise<void>)[] = [];
const savedEnv = { PATH: process.env.PATH, MTT_STANDIN_SCENARIO: process.env.MTT_STANDIN_SCENARIO };
afterEach(async () => {
  process.env.PATH = savedEnv.PATH;
  if (savedEnv.MTT_STANDIN_SCENARIO === undefined) delete process.env.MTT_STANDIN_SCENARIO;
  else process.env.MTT_STANDIN_SCENARIO = savedEnv.MTT_STANDIN_SCENARIO;
  while (cleanups.length) await cleanups.pop()!();
});

/** In-process gathering reads this process's PATH: only the stand-ins, for the test's duration. */
async function standIns(rules: Rule[]): Promise<Scenario> {
  const sc = await makeScenario(rules);
  cleanups.push(sc.cleanup);
  process.env.PATH = sc.env.PATH;
  process.env.MTT_STANDIN_SCENARIO = sc.env.MTT_STANDIN_SCENARIO;
  return sc;
}

/** A terminal on stdin with the answer typed in advance; stdout collected. */
function terminal(answer: string): { io: Io; out: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  stdin.write(answer);
  let text = '';
  const stdout = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  const stderr = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { io: { stdin, stdout, stderr, env: { NO_COLOR: '1' }, cwd: '/' } as unknown as Io, out: () => text };
}

async function composeProject(): Promise<string> {
  const t = await tempDir('mtt-prompt-');
  cleanups.push(t.cleanup);
  await mkdir(join(t.dir, 'config'));
  await writeFile(join(t.dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(t.dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n'));
  return t.dir;
}

const opts = (dir: string, over: Partial<TriageOptions> = {}) => defaultOptions({ dir, network: false, timeoutMs: 10_000, ...over });

describe('fix on a terminal', { timeout: 120_000 }, () => {
  it('asks y/N; anything but yes changes nothing (exit 1)', async () => {
    const dir = await composeProject();
    const sc = await standIns(composeRules({ flavor: 'v2-lines', project: basename(dir).toLowerCase(), dir, containers: [{ service: 'mcp-proxy', state: 'running' }] }));
    const t = terminal('\n');
    expect(await runFix(opts(dir), 'routes-to-map', t.io)).toBe(1);
    expect(t.out()).toContain('Apply these 2 steps? [y/N] ');
    expect(t.out()).toContain('Stopped: nothing was changed.');
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toContain('  - mcp:');
    expect(mutatingCalls(await sc.calls())).toEqual([]);
  });

  it('applies on y', async () => {
    const dir = await composeProject();
    const sc = await standIns([
      { tool: 'docker', args: ['compose', 'restart', 'mcp-proxy'], stderr: ' Container x  Started\n' },
      ...composeRules({ flavor: 'v2-lines', project: basename(dir).toLowerCase(), dir, containers: [{ service: 'mcp-proxy', state: 'running' }] }),
    ]);
    const t = terminal('y\n');
    expect(await runFix(opts(dir), 'routes-to-map', t.io)).toBe(0);
    expect(mutatingCalls(await sc.calls()).map((c) => [c.tool, ...c.args])).toEqual([['docker', 'compose', 'restart', 'mcp-proxy']]);
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toContain('  mcp: http://10.0.0.5:8080');
  });

  describe('helm-cleanup (destructive)', () => {
    const FAILED: KubeSpec = {
      namespace: 'mcp-tunnel',
      release: 'mcp-tunnel',
      context: 'kind-tunnel',
      pods: [],
      jobs: [{ name: 'mcp-tunnel-setup', failed: true, hook: 'pre-install' }],
      helmStatus: 'failed',
      setupLog: ['level=ERROR msg="token exchange failed" status=400 error=invalid_grant'],
    };
    // Before the cleanup the cluster shows the failed release and Job; after it, neither.
    const rules = (): Rule[] => [
      { tool: 'helm', args: ['uninstall', 'mcp-tunnel', '-n', 'mcp-tunnel', '--kube-context', 'kind-tunnel'], stdout: 'release "mcp-tunnel" uninstalled\n' },
      { tool: 'kubectl', args: ['--context', 'kind-tunnel', '-n', 'mcp-tunnel', 'delete', 'job', 'mcp-tunnel-setup'], stdout: 'job.batch "mcp-tunnel-setup" deleted\n' },
      { tool: 'helm', args: ['uninstall', 'mcp-tunnel', '-n', 'mcp-tunnel'], stdout: 'release "mcp-tunnel" uninstalled\n' },
      { tool: 'kubectl', args: ['-n', 'mcp-tunnel', 'delete', 'job', 'mcp-tunnel-setup'], stdout: 'job.batch "mcp-tunnel-setup" deleted\n' },
      ...kubeRules(FAILED).map((r) => ({ ...r, once: true })),
      { tool: 'helm', args: ['status'], match: 'prefix', ...toolError('helm-release-not-found') },
      ...kubeRules({ ...FAILED, jobs: [] }),
    ];

    it('stops unless the release name is typed', async () => {
      const t = await tempDir('mtt-helm-');
      cleanups.push(t.cleanup);
      const sc = await standIns(rules());
      const term = terminal('yes\n');
      expect(await runFix(opts(t.dir, { kube: true }), 'helm-cleanup', term.io)).toBe(1);
      expect(term.out()).toContain('Type mcp-tunnel to go on, anything else to stop: ');
      expect(term.out()).toContain('Stopped: nothing was changed.');
      expect(mutatingCalls(await sc.calls())).toEqual([]);
    });

    it('runs the guide\'s two commands when it is typed, and verifies the Job is gone', async () => {
      const t = await tempDir('mtt-helm-');
      cleanups.push(t.cleanup);
      const sc = await standIns(rules());
      const term = terminal('mcp-tunnel\n');
      const code = await runFix(opts(t.dir, { kube: true, context: 'kind-tunnel' }), 'helm-cleanup', term.io);
      expect(mutatingCalls(await sc.calls()).map((c) => [c.tool, ...c.args])).toEqual([
        ['helm', 'uninstall', 'mcp-tunnel', '-n', 'mcp-tunnel', '--kube-context', 'kind-tunnel'],
        ['kubectl', '--context', 'kind-tunnel', '-n', 'mcp-tunnel', 'delete', 'job', 'mcp-tunnel-setup'],
      ]);
      expect(term.out()).toContain('release "mcp-tunnel" uninstalled');
      expect(term.out()).toContain('Verify: fixed: setup.job-left-behind: gone');
      expect(code).toBe(0);
    });
  });
});
