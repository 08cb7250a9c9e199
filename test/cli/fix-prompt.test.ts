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
import { composeRules, helmRules, toolError, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { startKubeScenario } from '../helpers/kube-scenario.js';
import { mutatingCalls } from '../helpers/mutating.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

const cleanups: (() => Promise<void>)[] = [];
const savedEnv: Record<string, string | undefined> = { PATH: process.env.PATH, MTT_STANDIN_SCENARIO: process.env.MTT_STANDIN_SCENARIO };
afterEach(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
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

  describe('helm-cleanup (destructive), real kubectl against the API server, helm as the stand-in', () => {
    const FAILED: KubeSpec = {
      namespace: 'mcp-tunnel',
      release: 'mcp-tunnel',
      context: 'kind-tunnel',
      pods: [],
      jobs: [{ name: 'mcp-tunnel-setup', failed: true, hook: 'pre-install' }],
      helmStatus: 'failed',
      history: [],
      setupLog: ['level=ERROR msg="token exchange failed" status=400 error=invalid_grant'],
    };
    // helm shows the failed release until it has uninstalled it; the Job is really deleted by kubectl.
    const helm = (): Rule[] => [
      { tool: 'helm', args: ['uninstall', 'mcp-tunnel', '-n', 'mcp-tunnel'], match: 'prefix', stdout: 'release "mcp-tunnel" uninstalled\n' },
      ...helmRules(FAILED).map((r) => (r.args?.[0] === 'status' ? { ...r, once: true } : r)),
      { tool: 'helm', args: ['status'], match: 'prefix', ...toolError('helm-release-not-found') },
    ];

    /** In-process gathering reads this process's environment: the real kubectl, its kubeconfig, the helm stand-in. */
    async function cluster() {
      const k = await startKubeScenario(FAILED, { helm: helm() });
      cleanups.push(k.cleanup);
      for (const [name, value] of Object.entries(k.env)) {
        if (!(name in savedEnv)) savedEnv[name] = process.env[name];
        process.env[name] = value;
      }
      return k;
    }

    it('stops unless the release name is typed', async () => {
      const t = await tempDir('mtt-helm-');
      cleanups.push(t.cleanup);
      const k = await cluster();
      const term = terminal('yes\n');
      expect(await runFix(opts(t.dir, { kube: true }), 'helm-cleanup', term.io)).toBe(1);
      expect(term.out()).toContain('Type mcp-tunnel to go on, anything else to stop: ');
      expect(term.out()).toContain('Stopped: nothing was changed.');
      expect((await k.helm!.calls()).some((c) => c.args[0] === 'uninstall')).toBe(false);
      expect(k.api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
      expect(k.api.find('Job', 'mcp-tunnel', 'mcp-tunnel-setup')).toBeDefined();
    });

    it('runs the guide\'s two commands when it is typed, and verifies the Job is gone', async () => {
      const t = await tempDir('mtt-helm-');
      cleanups.push(t.cleanup);
      const k = await cluster();
      const term = terminal('mcp-tunnel\n');
      const code = await runFix(opts(t.dir, { kube: true, context: 'kind-tunnel' }), 'helm-cleanup', term.io);
      expect((await k.helm!.calls()).filter((c) => c.args[0] === 'uninstall').map((c) => c.args)).toEqual([['uninstall', 'mcp-tunnel', '-n', 'mcp-tunnel', '--kube-context', 'kind-tunnel']]);
      expect(k.api.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /apis/batch/v1/namespaces/mcp-tunnel/jobs/mcp-tunnel-setup']);
      expect(k.api.find('Job', 'mcp-tunnel', 'mcp-tunnel-setup')).toBeUndefined();
      expect(term.out()).toContain('release "mcp-tunnel" uninstalled');
      expect(term.out()).toContain('job.batch "mcp-tunnel-setup" deleted');
      expect(term.out()).toContain('Verify: fixed: setup.job-left-behind: gone');
      expect(code).toBe(0);
    });
  });
});
