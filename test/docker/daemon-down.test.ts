// The real docker and Compose CLIs with no daemon behind DOCKER_HOST: the socket is gone (a stopped daemon),
// or it is there and nothing listens (a daemon that was killed). The product says so as
// runtime.tool-missing with the next step, skips what needed the daemon, and never crashes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComposeProject, byId, documentedCompose, dockerStatus, expectNoSecret, fakeTunnelToken, proxyConfig, reportRan, skipReason, type DockerReady, type Report } from './harness.js';

const docker = await dockerStatus();

describe.skipIf(skipReason(docker) !== undefined)('real Docker CLIs, daemon down: runtime.tool-missing', () => {
  let d: DockerReady;
  let project: ComposeProject | undefined;
  let sockets: string;
  const { token, secret } = fakeTunnelToken();
  const images = { proxy: 'mtt-e2e/mcp-proxy:never-built', cloudflared: 'mtt-e2e/cloudflared:never-built', remove: async () => {} };

  beforeAll(async () => {
    if (!docker.ok) throw new Error(`REQUIRE_DOCKER=1 but the real-Docker tests cannot run: ${docker.reason}`);
    d = docker;
    await reportRan(import.meta.url, d);
    project = await ComposeProject.create(d, { compose: documentedCompose(images), config: proxyConfig('routes:\n  mcp: http://10.20.0.15:8080\n') }, token);
    sockets = await mkdtemp(join(tmpdir(), 'mtt-e2e-sock-'));
  }, 60_000);

  afterAll(async () => {
    if (project) expectNoSecret(project.outputs, [token, secret]);
    await rm(project?.dir ?? '/nonexistent', { recursive: true, force: true });
    await rm(sockets, { recursive: true, force: true });
  });

  async function diagnoseWith(host: string, args: string[] = []): Promise<{ exitCode: number; report: Report; text: string; stderr: string }> {
    const p = project!;
    const json = await p.triage(['diagnose', '--json', ...args], { DOCKER_HOST: host, TUNNEL_TOKEN: token });
    const text = await p.triage(['diagnose', ...args], { DOCKER_HOST: host, TUNNEL_TOKEN: token });
    expect(json.exitCode).toBe(text.exitCode);
    return { exitCode: json.exitCode, report: JSON.parse(json.stdout) as Report, text: text.stdout, stderr: json.stderr + text.stderr };
  }

  function expectDaemonDown(r: Awaited<ReturnType<typeof diagnoseWith>>, host: string) {
    // A finding, not a crash; and SPEC's exit 2 (nothing of the runtime could be examined) with one line saying so.
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`mcp-tunnel-triage: could not examine the deployment: could not examine the containers of Compose project ${project!.name} (docker: Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?); start the daemon, or set DOCKER_HOST to the one that runs the tunnel\n`.repeat(2));
    expect(r.report.blocked).toMatch(/^could not examine the containers/);
    expect(r.text).not.toMatch(/no problems found/);
    const [missing] = byId(r.report, 'runtime.tool-missing');
    expect(missing?.severity).toBe('error');
    expect(missing?.title).toBe('The Docker daemon is not running');
    // The next step: start it, or point DOCKER_HOST at the daemon that runs the tunnel.
    expect(missing?.detail).toContain('sudo systemctl start docker');
    expect(missing?.detail).toContain('DOCKER_HOST');
    // The real CLI's own words, naming the socket it tried.
    expect(missing?.evidence[0]?.text).toBe(`Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?`);
    expect(r.text).toContain('The Docker daemon is not running  [runtime.tool-missing]');
    // No container or log finding is made up from nothing: those checks were skipped.
    expect(byId(r.report, 'runtime.container-down')).toEqual([]);
    const needDaemon = r.report.checks.filter((c) => ['runtime.container-down', 'edge.connection-log', 'tls.key-unreadable-log'].includes(c.id));
    expect(needDaemon.map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped']);
    // The files were still read: the deployment and its flavour are known.
    expect(r.report.deployment).toMatchObject({ kind: 'compose', project: project!.name });
  }

  it('the socket is gone (a stopped daemon)', async () => {
    const host = `unix://${join(sockets, 'stopped', 'docker.sock')}`;
    expectDaemonDown(await diagnoseWith(host), host);
  }, 120_000);

  it('the socket is there and nothing listens (a killed daemon)', async () => {
    const path = join(sockets, 'killed.sock');
    // A process that binds the socket and dies without closing it leaves the file behind, as a killed dockerd does.
    await execa(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`], { reject: false });
    expect(existsSync(path)).toBe(true);
    const host = `unix://${path}`;
    expectDaemonDown(await diagnoseWith(host), host);
  }, 120_000);

  it('a daemon that hangs (stopped with SIGSTOP: its socket accepts, nothing answers): could not check, exit 2', async () => {
    const path = join(sockets, 'hung.sock');
    // A process that listens on the socket, then is stopped: the kernel still accepts connections for it.
    const daemon = execa(process.execPath, ['-e', `require('net').createServer(() => {}).listen(${JSON.stringify(path)}, () => process.stdout.write('up\\n'))`], { reject: false });
    try {
      await new Promise<void>((resolve) => daemon.stdout!.once('data', () => resolve()));
      process.kill(daemon.pid!, 'SIGSTOP');
      const host = `unix://${path}`;
      const r = await diagnoseWith(host, ['--timeout', '3']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^mcp-tunnel-triage: could not examine the deployment: could not examine the containers of Compose project ${project!.name} \\(docker: \`docker version [^\`]*\` timed out after 3 s and was killed\\); the daemon or API server does not answer`));
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(2); // one line per run
      expect(r.report.blocked).toMatch(/^could not examine the containers/);
      // Could not check: nothing about the deployment is said from a tool that did not answer.
      expect(r.text).not.toMatch(/no problems found|never started|has no container/);
      expect(byId(r.report, 'runtime.container-down')).toEqual([]);
      expect(r.report.checks.find((c) => c.id === 'runtime.container-down')?.status).toBe('skipped');
      expect(r.text).toMatch(/\? Not seen: .*did not answer and were killed/);
    } finally {
      process.kill(daemon.pid!, 'SIGKILL');
      await daemon;
    }
  }, 120_000);
});
