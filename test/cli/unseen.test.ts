// "Could not see" is never reported as healthy (SPEC section 3, issue 11 point 4): a folder that does not exist
// or holds no deployment, a daemon that is down or hangs, a cluster that refuses or does not know us. Each
// exits 2 with one line on stderr saying what could not be seen and what to do; the report draws no hop as
// fine, and a hung tool is "could not check", never a finding about the deployment ("never started").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeScenario, type Rule } from '../helpers/stand-ins.js';
import { toolError } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { FAKE_TOKEN } from '../helpers/token.js';
import { haveRealKubectl } from '../helpers/kube-api.js';
import { closedPort, startKubeScenario, TWO_REPLICAS } from '../helpers/kube-scenario.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let compose: string;
let empty: string;
let helm: string;

beforeAll(async () => {
  const a = await tempDir('mtt-unseen-compose-');
  const b = await tempDir('mtt-unseen-empty-');
  const c = await tempDir('mtt-unseen-helm-');
  cleanups.push(a.cleanup, b.cleanup, c.cleanup);
  compose = a.dir;
  empty = b.dir;
  helm = c.dir;
  await mkdir(join(compose, 'config'));
  await writeFile(join(compose, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(compose, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
  await writeFile(join(empty, 'notes.txt'), 'not a deployment\n');
  await writeFile(join(helm, 'values.yaml'), 'gateway:\n  config:\n    routes:\n      mcp: http://mcp.default.svc:8080\n');
});

interface Json {
  findings: { id: string; severity: string; title: string }[];
  blocked?: string;
  checks: { id: string; status: string }[];
}

/** Both reports: the text (no hop drawn as fine) and --json (blocked, and the findings). */
async function both(args: string[], env: Record<string, string | undefined> = {}): Promise<{ text: string; json: Json; stderr: string; exit: number }> {
  const t = await runCli(['diagnose', ...args], { env });
  const j = await runCli(['diagnose', '--json', ...args], { env });
  expect(j.exitCode).toBe(t.exitCode);
  return { text: t.stdout, json: JSON.parse(j.stdout) as Json, stderr: t.stderr, exit: t.exitCode };
}

function expectUnseen(r: Awaited<ReturnType<typeof both>>, said: RegExp, allUnknown = true): void {
  expect(r.exit).toBe(2);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(said);
  expect(r.json.blocked).toBeTruthy();
  expect(r.text).toContain('? Could not examine the deployment:');
  expect(r.text).not.toMatch(/no problems found/);
  // The drawn path: no hop is fine; without a finding on it, a hop is not checked.
  if (allUnknown) expect(r.text).toMatch(/\? Claude .*\? edge .*\? cloudflared .*\? mcp-proxy/s);
  expect(r.text).not.toMatch(/✓ (Claude|edge|cloudflared|mcp-proxy|routes|mcp)\b/);
}

async function scenarioOf(rules: Rule[], fallback?: Rule, tools?: ('docker' | 'kubectl' | 'helm')[]) {
  const sc = await makeScenario(rules, { ...(fallback ? { fallback } : {}), ...(tools ? { tools } : {}) });
  cleanups.push(sc.cleanup);
  return sc;
}

describe('nothing gathered is never healthy', () => {
  it('--dir naming a folder that does not exist: a usage error, one line, exit 2 (every command that gathers)', async () => {
    for (const args of [['diagnose'], ['diagnose', '--json'], ['fix', '--list'], ['bundle', '-o', join(empty, 'out')]]) {
      const r = await runCli([...args, '--dir', join(empty, 'nowhere')]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr).toBe(`mcp-tunnel-triage: --dir ${join(empty, 'nowhere')}: no such folder; run it in the deployment's folder, or pass --dir with the folder that holds docker-compose.yaml\n`);
    }
    const file = await runCli(['diagnose', '--dir', join(empty, 'notes.txt')]);
    expect([file.exitCode, file.stderr]).toEqual([2, `mcp-tunnel-triage: --dir ${join(empty, 'notes.txt')} is a file, not a folder; pass the folder that holds docker-compose.yaml\n`]);
  });

  it('a folder that is not a deployment', async () => {
    const sc = await scenarioOf([{ tool: 'helm', args: ['status'], match: 'prefix', ...toolError('helm-release-not-found') }, { tool: 'helm', args: ['version'], match: 'prefix', stdout: 'v3.16.2+g13654a5\n' }], undefined, ['kubectl', 'helm']);
    const r = await both(['--dir', empty], sc.env);
    expectUnseen(r, /could not examine the deployment: no MCP tunnel deployment found \(no Compose file in \S+, and no Helm release found \(no release mcp-tunnel in namespace mcp-tunnel\)\); run it in the deployment's folder/);
  }, 60_000);

  it('the Docker daemon stopped: the tool finding stays, and the run says it could not examine the containers', async () => {
    const sc = await scenarioOf([{ tool: 'docker', args: ['version', '--format', '{{json .}}'], ...toolError('docker-version-daemon-down') }], { tool: 'docker', ...toolError('docker-daemon-down') }, ['docker']);
    const r = await both(['--dir', compose], { ...sc.env, TUNNEL_TOKEN: FAKE_TOKEN });
    expectUnseen(r, /could not examine the containers of Compose project \S+ \(docker: Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock\. Is the docker daemon running\?\); start the daemon, or set DOCKER_HOST/, false);
    expect(r.json.findings.map((f) => [f.id, f.severity])).toContainEqual(['runtime.tool-missing', 'error']);
    expect(r.json.findings.some((f) => f.id === 'runtime.container-down')).toBe(false);
    // No fix is listed, planned or run on what could not be seen.
    const fix = await runCli(['fix', '--list', '--dir', compose], { env: { ...sc.env, TUNNEL_TOKEN: FAKE_TOKEN } });
    expect([fix.exitCode, fix.stdout]).toEqual([2, '']);
    expect(fix.stderr).toMatch(/^mcp-tunnel-triage: could not examine the deployment: .*; nothing was changed\n$/);
  }, 60_000);

  it('a daemon that hangs (every call times out): could not check, never "mcp-proxy has no container"', async () => {
    const sc = await scenarioOf([{ tool: 'docker', args: ['compose', 'version', '--short'], stdout: '2.29.7\n' }], { tool: 'docker', hang: true }, ['docker']);
    const r = await both(['--dir', compose, '--timeout', '1'], { ...sc.env, TUNNEL_TOKEN: FAKE_TOKEN });
    expectUnseen(r, /could not examine the containers of Compose project \S+ \(docker: `docker version --format \{\{json \.\}\}` timed out after 1 s and was killed\); the daemon or API server does not answer/, false);
    expect(r.json.findings.some((f) => f.id === 'runtime.container-down')).toBe(false);
    expect(r.text).not.toMatch(/never started|has no container/);
    expect(r.json.checks.find((c) => c.id === 'runtime.container-down')?.status).toBe('skipped');
    expect(r.text).toMatch(/\? Not seen: .*did not answer and were killed/);
  }, 60_000);
});

// The real kubectl against the API server harness: what an operator's kubectl says, not a recording.
describe.skipIf(!haveRealKubectl)('nothing gathered is never healthy: a cluster that cannot be read (real kubectl)', () => {
  async function cluster(o: Parameters<typeof startKubeScenario>[1]) {
    const k = await startKubeScenario(TWO_REPLICAS, o);
    cleanups.push(k.cleanup);
    return k;
  }

  it('the cluster refuses the connection (--kube)', async () => {
    const port = await closedPort();
    const k = await cluster({ kubeconfig: { server: `https://127.0.0.1:${port}` } });
    const r = await both(['--dir', helm, '--kube'], k.env);
    expectUnseen(r, new RegExp(`could not examine the release's pods \\(kubectl: The connection to the server 127\\.0\\.0\\.1:${port} was refused.*\\); check the kube context, KUBECONFIG and your VPN, or pass --context`));
  }, 120_000);

  it('the cluster does not accept our credentials (401)', async () => {
    const k = await cluster({ api: { mode: 'unauthorized' } });
    const r = await both(['--dir', helm, '--kube'], k.env);
    expectUnseen(r, /could not examine the release's pods \(kubectl: error: You must be logged in to the server \(the server has asked for the client to provide credentials\)\); log in to the cluster again/);
  }, 120_000);

  it('an API server that never answers: could not check, no verdict on the pods', async () => {
    const k = await cluster({ api: { mode: 'hang' } });
    const r = await both(['--dir', helm, '--kube', '--timeout', '8'], k.env);
    expectUnseen(r, /could not examine the release's pods \(kubectl: .*\); check the kube context/);
    expect(r.json.findings.some((f) => f.id === 'runtime.container-down')).toBe(false);
    expect(r.json.checks.find((c) => c.id === 'runtime.container-down')?.status).toBe('skipped');
  }, 120_000);

  it('credentials that may not list the pods (403): the rest is reported, and the run exits 2', async () => {
    const k = await cluster({ api: { forbid: [{ resource: 'pods', verb: 'list' }] } });
    const r = await both(['--dir', helm, '--kube'], k.env);
    expectUnseen(r, /could not examine the release's pods \(kubectl: Error from server \(Forbidden\): pods is forbidden: .*\); use credentials that may read the namespace/, false);
    expect(r.json.findings.map((f) => f.id)).toContain('setup.job-left-behind');
  }, 120_000);
});
