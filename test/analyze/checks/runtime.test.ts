// The runtime, config-reload, setup-Job and probe checks on snapshots (no I/O).
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analyze/index.js';
import type { ContainerState, Snapshot } from '../../../src/snapshot/types.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../../helpers/snapshot.js';

const CONFIG = proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n');

function compose(containers: ContainerState[], over: Partial<Snapshot['state']> = {}, configMtime = Date.parse('2026-11-28T01:00:00Z')): Snapshot {
  const s = snapshotOf({
    files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': { text: CONFIG, meta: { mode: 0o100644, uid: 0, gid: 0, size: CONFIG.length, mtimeMs: configMtime } } },
    logs: { 'mcp-proxy': Array.from({ length: 8 }, (_, i) => `mcp-proxy-1  | 2026-11-28T03:10:0${i}.000Z line ${i}`).join('\n') },
    state: { containers, tools: { docker: { present: true, neededFor: 'the Compose deployment' }, compose: { present: true, neededFor: 'the Compose deployment' } }, ...over },
  });
  s.deployment.project = 'tunnel';
  return s;
}

const proxy = (over: Partial<ContainerState> = {}): ContainerState => ({ service: 'mcp-proxy', name: 'tunnel-mcp-proxy-1', state: 'running', status: 'Up 2 hours', startedAt: '2026-11-28T02:00:00Z', ...over });
const cloudflared = (over: Partial<ContainerState> = {}): ContainerState => ({ service: 'cloudflared', name: 'tunnel-cloudflared-1', state: 'running', status: 'Up 2 hours', ...over });
const ids = (s: Snapshot) => analyze(s).findings.map((f) => f.id);

describe('runtime.container-down', () => {
  it('a restarting proxy, with its status and last log lines; no restart offered for a restart loop', () => {
    const report = analyze(compose([proxy({ state: 'restarting', status: 'Restarting (1) 5 seconds ago', exitCode: 1, restartCount: 14 }), cloudflared()]));
    const f = report.findings.find((x) => x.id === 'runtime.container-down')!;
    expect(f.title).toBe('mcp-proxy is restarting (exit code 1)');
    expect(f.detail).toBe('mcp-proxy is not running (Restarting (1) 5 seconds ago, restarted 14 time(s)). Its last log lines are below; the finding that explains them is listed with its layer.');
    expect(f.evidence.map((e) => e.text)).toEqual(['tunnel-mcp-proxy-1: Restarting (1) 5 seconds ago, restarted 14 time(s)', ...[3, 4, 5, 6, 7].map((i) => `mcp-proxy-1  | 2026-11-28T03:10:0${i}.000Z line ${i}`)]);
    expect(f.fixes).toEqual([]);
  });

  it('an exited proxy offers the restart; an exited cloudflared and a never-started one are down too', () => {
    const report = analyze(compose([proxy({ state: 'exited', status: 'Exited (2) 3 minutes ago', exitCode: 2 }), cloudflared({ state: 'created', status: 'Created' })]));
    const down = report.findings.filter((x) => x.id === 'runtime.container-down');
    expect(down.map((f) => f.title)).toEqual(['mcp-proxy is exited (exit code 2)', 'cloudflared is created but never started']);
    expect(down[0]!.fixes.map((x) => x.id)).toEqual(['compose-restart-proxy']);
    // cloudflared, created in the proxy's network namespace, is started after it (fixes/restart-proxy.ts).
    expect(down[0]!.fixes[0]!.commands).toEqual(['docker compose restart mcp-proxy', 'docker compose restart cloudflared']);
  });

  it('a one-shot setup that exited 0 is fine; one that failed is not', () => {
    const setup = (exitCode: number): ContainerState => ({ service: 'setup', name: 'tunnel-setup-run-1a2b', state: 'exited', exitCode, oneOff: true, status: `Exited (${exitCode})` });
    expect(ids(compose([proxy(), cloudflared(), setup(0)]))).not.toContain('runtime.container-down');
    expect(analyze(compose([proxy(), cloudflared(), setup(1)])).findings.find((f) => f.id === 'runtime.container-down')!.title).toBe('setup is exited (exit code 1)');
  });

  it('a tunnel service with no container at all says how to start it', () => {
    const s = compose([proxy()]);
    s.deployment.composeFlavor = 'v1';
    const f = analyze(s).findings.find((x) => x.id === 'runtime.container-down')!;
    expect(f.title).toBe('cloudflared has no container');
    expect(f.detail).toMatch(/Compose project tunnel has no container for it.*Start it with `docker-compose up -d`\.$/);
  });

  it('a running proxy restarted again and again, caught between two crashes, is a warning that names the loop', () => {
    const s = compose([proxy({ status: 'Up 3 seconds', restartCount: 6, startedAt: '2026-11-28T03:10:07Z' }), cloudflared()]);
    s.createdAt = '2026-11-28T03:10:11.400Z';
    const f = analyze(s).findings.find((x) => x.id === 'runtime.container-down')!;
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('mcp-proxy keeps restarting');
    expect(f.detail).toMatch(/^mcp-proxy is running, but Docker has restarted it 6 time\(s\) and this run began 4 s before the check/);
    expect(f.evidence[0]!.text).toBe('tunnel-mcp-proxy-1: Up 3 seconds, restarted 6 time(s), started at 2026-11-28T03:10:07Z');
    expect(f.evidence).toHaveLength(1 + 5);
    expect(f.fixes).toEqual([]);
  });

  it('is quiet about restarts long ago, a single restart, or a run past the back-off window', () => {
    const at = (over: Partial<ContainerState>, createdAt: string) => {
      const s = compose([proxy(over), cloudflared()]);
      s.createdAt = createdAt;
      return ids(s);
    };
    expect(at({ restartCount: 6, startedAt: '2026-11-28T02:00:00Z' }, '2026-11-28T03:10:00Z')).not.toContain('runtime.container-down');
    expect(at({ restartCount: 1, startedAt: '2026-11-28T03:09:58Z' }, '2026-11-28T03:10:00Z')).not.toContain('runtime.container-down');
    expect(at({ restartCount: 6, startedAt: '2026-11-28T03:09:29Z' }, '2026-11-28T03:10:00Z')).not.toContain('runtime.container-down');
    expect(at({ restartCount: 6, startedAt: '2026-11-28T03:09:31Z' }, '2026-11-28T03:10:00Z')).toContain('runtime.container-down');
  });

  it('is skipped, not passed, when docker could not list the containers', () => {
    const report = analyze(compose(undefined as unknown as ContainerState[]));
    expect(report.checks.find((c) => c.id === 'runtime.container-down')!.status).toBe('skipped');
  });
});

describe('routing.config-not-reloaded', () => {
  it('warns when the config changed after the proxy started, and offers the restart', () => {
    const report = analyze(compose([proxy(), cloudflared()], {}, Date.parse('2026-11-28T02:30:00Z')));
    const f = report.findings.find((x) => x.id === 'routing.config-not-reloaded')!;
    expect(f.severity).toBe('warning');
    expect(f.detail).toMatch(/^config\/mcp-proxy\.yaml was modified at 2026-11-28T02:30:00\.000Z, after the proxy started at 2026-11-28T02:00:00\.000Z/);
    expect(f.fixes.map((x) => x.id)).toEqual(['compose-restart-proxy']);
  });

  it('is quiet when the config is older, or within the clock slack', () => {
    expect(ids(compose([proxy(), cloudflared()]))).not.toContain('routing.config-not-reloaded');
    expect(ids(compose([proxy(), cloudflared()], {}, Date.parse('2026-11-28T02:00:01Z')))).not.toContain('routing.config-not-reloaded');
  });

  it('on Helm: a values file edited after the last deploy', () => {
    const s = snapshotOf({
      files: { 'values.yaml': { text: 'gateway:\n  config:\n    routes:\n      mcp: http://10.0.0.5:8080\n', meta: { mode: 0o100644, uid: 0, gid: 0, size: 10, mtimeMs: Date.parse('2026-11-28T03:00:00Z') } } },
      state: { kube: { release: 'mcp-tunnel', namespace: 'mcp-tunnel', helm: { status: 'deployed', lastDeployed: '2026-11-28T01:57:50.987654321Z', revision: 3 } } },
    });
    const f = analyze(s).findings.find((x) => x.id === 'routing.config-not-reloaded')!;
    expect(f.title).toBe('The values file changed after the release was last deployed');
    expect(f.detail).toMatch(/after release mcp-tunnel was last deployed at 2026-11-28T01:57:50\.987654321Z/);
  });
});

describe('setup.job-left-behind', () => {
  const helm = (jobs: NonNullable<NonNullable<Snapshot['state']['kube']>['jobs']>) =>
    snapshotOf({ kind: 'helm', logs: { setup: '[pod/mcp-tunnel-setup-x7k2p/setup] 2026-11-28T01:49:40Z level=ERROR msg="token exchange failed" status=400' }, state: { kube: { namespace: 'mcp-tunnel', release: 'mcp-tunnel', helm: { status: 'failed', description: 'failed pre-install: job mcp-tunnel-setup failed: BackoffLimitExceeded' }, jobs } } });

  it('a failed setup Job, with its condition, the release status and its log', () => {
    const f = analyze(helm([{ name: 'mcp-tunnel-setup', failed: 1, conditions: ['Failed (BackoffLimitExceeded) : Job has reached the specified backoff limit'], hook: 'pre-install' }])).findings.find((x) => x.id === 'setup.job-left-behind')!;
    expect(f.title).toBe('A failed mcp-tunnel-setup Job blocks a retry');
    expect(f.detail).toMatch(/\(Failed \(BackoffLimitExceeded\) : Job has reached the specified backoff limit\)\. Read its log \(`kubectl logs job\/mcp-tunnel-setup -n mcp-tunnel`\)/);
    expect(f.evidence.map((e) => e.source)).toEqual(['kubectl get jobs', 'helm status', 'logs/setup']);
    expect(f.data).toEqual({ job: 'mcp-tunnel-setup', namespace: 'mcp-tunnel', release: 'mcp-tunnel' });
  });

  it('not for a Job that succeeded, is still running, or is not the setup Job', () => {
    expect(ids(helm([{ name: 'mcp-tunnel-setup', succeeded: 1, conditions: ['Complete'] }]))).not.toContain('setup.job-left-behind');
    expect(ids(helm([{ name: 'mcp-tunnel-setup', failed: 1, active: 1 }]))).not.toContain('setup.job-left-behind');
    expect(ids(helm([{ name: 'mcp-tunnel-cert-renew-29012345', failed: 1, conditions: ['Failed (BackoffLimitExceeded)'] }]))).not.toContain('setup.job-left-behind');
  });
});

describe('runtime.tool-missing', () => {
  const withTools = (tools: Snapshot['state']['tools'], commands: Snapshot['state']['commands'] = []) => snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE }, state: { tools, commands, bounds: { tail: 2000, timeoutMs: 3000 } } });

  it('only for tools the examined deployment needs', () => {
    expect(ids(withTools({ helm: { present: false, problem: 'not-found', message: 'helm was not found on PATH', argv: ['helm', 'version', '--short'] } }))).not.toContain('runtime.tool-missing');
  });

  it('each problem has its own title and next step', () => {
    const cases: [NonNullable<Snapshot['state']['tools']>['docker'], string, RegExp][] = [
      [{ present: false, problem: 'not-found', argv: ['docker', 'version'] }, 'docker is not installed (not found on PATH)', /Install it on this host/],
      [{ present: true, problem: 'daemon-down', message: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' }, 'The Docker daemon is not running', /sudo systemctl start docker/],
      [{ present: true, problem: 'permission-denied', message: 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock' }, 'docker: permission denied on the Docker socket', /docker group/],
      [{ present: true, problem: 'failed', message: 'Error response from daemon: x', argv: ['docker', 'ps'] }, 'docker: a command failed', /^`docker ps` failed: Error response from daemon: x\./],
    ];
    for (const [status, title, detail] of cases) {
      const f = analyze(withTools({ docker: { ...status!, neededFor: 'the Compose deployment' } })).findings.find((x) => x.id === 'runtime.tool-missing')!;
      expect(f.title, title).toBe(title);
      expect(f.detail, title).toMatch(detail);
    }
  });

  it('one finding per tool for commands that timed out, each command as evidence', () => {
    const f = analyze(
      withTools({}, [
        { argv: ['docker', 'logs', '--timestamps', '--tail', '2000', 'a'], ms: 3000, timedOut: true, error: 'timed out after 3 s and was killed' },
        { argv: ['docker', 'inspect', 'a'], ms: 3000, timedOut: true, error: 'timed out after 3 s and was killed' },
      ]),
    ).findings.filter((x) => x.id === 'runtime.tool-missing');
    expect(f).toHaveLength(1);
    expect(f[0]!.title).toBe('docker: a command hung and was killed after 3 s');
    expect(f[0]!.evidence.map((e) => e.source)).toEqual(['docker logs --timestamps --tail 2000 a', 'docker inspect a']);
  });
});

describe('probe findings', () => {
  it('a failed edge probe is edge.unreachable; a plaintext answer is the info finding', () => {
    const s = snapshotOf({ state: { probes: { edge: { target: '127.0.0.1:9', ok: false, ms: 3, detail: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9' }, listener: { target: '127.0.0.1:18080', ok: true, answer: 'websocket', statusLine: 'HTTP/1.1 426 Upgrade Required', tlsError: 'wrong version number' } } } });
    const report = analyze(s);
    expect(report.findings.find((f) => f.id === 'edge.unreachable')!.detail).toBe('A TCP connection to 127.0.0.1:9 failed (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9): this host cannot reach the edge on 7844.');
    const info = report.findings.find((f) => f.id === 'tls.plaintext-listener')!;
    expect(info.severity).toBe('info');
    expect(info.evidence.map((e) => e.text)).toEqual(['127.0.0.1:18080: HTTP/1.1 426 Upgrade Required', 'TLS to 127.0.0.1:18080: wrong version number']);
  });

  it('nothing from probes that passed or that found no plaintext listener', () => {
    const s = snapshotOf({ state: { probes: { edge: { target: '127.0.0.1:7844', ok: true }, listener: { target: '127.0.0.1:18080', ok: false, detail: 'ECONNREFUSED' } } } });
    expect(ids(s)).toEqual([]);
  });
});
