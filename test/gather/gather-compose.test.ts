import { describe, expect, it, afterEach } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gatherSnapshot } from '../../src/gather/index.js';
import { analyze } from '../../src/analyze/index.js';
import { defaultOptions, type TriageOptions } from '../../src/options.js';
import type { GatherEvent } from '../../src/gather/events.js';
import { makeScenario, type Rule, type Scenario, type StandInTool } from '../helpers/stand-ins.js';
import { composeRules, toolError, type ComposeSpec, type ContainerSpec } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { tempDir } from '../helpers/cli.js';
import { mutatingCalls } from '../helpers/mutating.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(compose = DOCUMENTED_COMPOSE, extra: Record<string, string> = {}): Promise<string> {
  const t = await tempDir('mtt-gather-');
  cleanups.push(t.cleanup);
  await mkdir(join(t.dir, 'config'));
  await writeFile(join(t.dir, 'docker-compose.yaml'), compose);
  await writeFile(join(t.dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
  for (const [name, text] of Object.entries(extra)) await writeFile(join(t.dir, name), text);
  return t.dir;
}

async function scenario(rules: Rule[], tools?: StandInTool[]): Promise<Scenario> {
  const sc = await makeScenario(rules, tools ? { tools } : {});
  cleanups.push(sc.cleanup);
  return sc;
}

const projectOf = (dir: string) => basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, '');

function containers(over: Partial<Record<string, Partial<ContainerSpec>>> = {}): ContainerSpec[] {
  return [
    { service: 'mcp-proxy', state: 'restarting', exitCode: 1, restartCount: 14, user: '65532:65532', startedAt: '2026-11-28T02:00:00.123456789Z', mounts: [{ source: '/srv/tunnel/config/mcp-proxy.yaml', destination: '/etc/mcp-gateway/config.yaml', readOnly: true }], ...over['mcp-proxy'] },
    { service: 'cloudflared', state: 'running', ip: '127.0.0.3', env: ['TUNNEL_TOKEN=eyJhIjoiZmFrZS1hY2NvdW50IiwidCI6ImZha2UtdHVubmVsIiwicyI6ImZha2Utc2VjcmV0In0=', 'PATH=/bin'], ...over.cloudflared },
  ];
}

const LOGS = {
  'mcp-proxy': ['time=2026-11-28T03:10:00Z level=ERROR msg="load config" err="yaml: unmarshal errors:\\n  line 7: cannot unmarshal !!seq into map[string]string"'],
  cloudflared: ['2026-11-28T03:10:01Z INF Starting tunnel tunnelID=6ff42ae2-765d-4adf-8112-31c55c1551ef', '2026-11-28T03:10:02Z INF Registered tunnel connection connIndex=0 event=0 ip=198.41.192.7 location=fra08 protocol=quic'],
};

function options(dir: string, over: Partial<TriageOptions> = {}): TriageOptions {
  return defaultOptions({ dir, network: false, timeoutMs: 10_000, ...over });
}

describe('Compose gathering with the v2 plugin', () => {
  for (const flavor of ['v2-lines', 'v2-array'] as const) {
    it(`reads containers, inspect facts and bounded logs (${flavor === 'v2-lines' ? 'one object per line' : 'JSON array'})`, async () => {
      const dir = await project();
      const spec: ComposeSpec = { flavor, project: projectOf(dir), dir, containers: containers(), logs: LOGS };
      const sc = await scenario(composeRules(spec));
      const events: GatherEvent[] = [];
      const s = await gatherSnapshot(options(dir), (e) => events.push(e), { env: sc.env });

      expect(s.deployment).toMatchObject({ kind: 'compose', composeFlavor: 'v2', project: projectOf(dir) });
      expect(s.deployment.how).toBe(`Compose project ${projectOf(dir)}: docker-compose.yaml in ${dir}, examined with docker compose (v2)`);
      const proxy = s.state.containers!.find((c) => c.service === 'mcp-proxy')!;
      expect(proxy).toMatchObject({ state: 'restarting', exitCode: 1, restartCount: 14, user: '65532:65532', startedAt: '2026-11-28T02:00:00.123456789Z', networkMode: `${projectOf(dir)}_default` });
      expect(proxy.mounts).toEqual([{ source: '/srv/tunnel/config/mcp-proxy.yaml', destination: '/etc/mcp-gateway/config.yaml', readOnly: true }]);
      expect(s.state.containers!.find((c) => c.service === 'cloudflared')!.ip).toBe('127.0.0.3');
      expect(s.logs.cloudflared!.text).toMatch(new RegExp(`^${projectOf(dir)}-cloudflared-1  \\| \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z 2026-11-28T03:10:01Z INF Starting tunnel`, 'm'));
      expect(s.logs.cloudflared!.text).toContain('Registered tunnel connection connIndex=0');
      expect(s.logs['mcp-proxy']!.origin).toBe('docker compose logs --no-color --timestamps --tail 2000 mcp-proxy');
      expect(s.state.tools).toMatchObject({ docker: { present: true, version: '28.2.2 (daemon 20.10.24+dfsg1)' }, compose: { present: true, version: 'docker compose 2.29.7' } });

      const calls = (await sc.calls()).map((c) => [c.tool, ...c.args].join(' ')).sort();
      expect(calls).toEqual(
        [
          'docker version --format {{json .}}',
          'docker compose version --short',
          'docker compose ps --all --format json',
          'docker compose logs --no-color --timestamps --tail 2000 cloudflared',
          'docker compose logs --no-color --timestamps --tail 2000 mcp-proxy',
          `docker inspect ${s.state.containers!.map((c) => c.id!.slice(0, flavor === 'v2-lines' ? 12 : 64)).join(' ')}`,
        ].sort(),
      );
      expect((await sc.calls()).filter((c) => c.args.includes('ps') || c.args.includes('logs')).every((c) => c.cwd === dir)).toBe(true);
      expect(mutatingCalls(await sc.calls())).toEqual([]);
      // Every command is a progress step for the wizard.
      expect(events.filter((e) => e.type === 'end').map((e) => e.id)).toEqual(expect.arrayContaining(['docker version', 'docker compose version', 'compose ps', 'logs cloudflared', 'logs mcp-proxy', 'docker inspect']));
      expect(s.state.commands).toHaveLength(7); // and `docker-compose version`, not installed here
    });
  }

  it('passes --tail and --since to every log command, and a non-standard file and the setup profile to Compose', async () => {
    const compose = `${DOCUMENTED_COMPOSE}  setup:\n    image: mcp-proxy:latest\n    profiles: [setup]\n    entrypoint: ["/setup"]\n`;
    const dir = await project('', { 'tunnel.yaml': compose });
    const spec: ComposeSpec = { flavor: 'v2-lines', project: projectOf(dir), dir, containers: containers(), logs: LOGS };
    const sc = await scenario(composeRules(spec));
    const s = await gatherSnapshot(options(dir, { composeFile: 'tunnel.yaml', tail: 50, since: '10m' }), undefined, { env: sc.env });
    const logCalls = (await sc.calls()).filter((c) => c.args.includes('logs')).map((c) => c.args.join(' ')).sort();
    expect(logCalls).toEqual([
      'compose -f tunnel.yaml --profile setup logs --no-color --timestamps --tail 50 --since 10m cloudflared',
      'compose -f tunnel.yaml --profile setup logs --no-color --timestamps --tail 50 --since 10m mcp-proxy',
      'compose -f tunnel.yaml --profile setup logs --no-color --timestamps --tail 50 --since 10m setup',
    ]);
    expect((await sc.calls()).find((c) => c.args.includes('ps'))!.args).toEqual(['compose', '-f', 'tunnel.yaml', '--profile', 'setup', 'ps', '--all', '--format', 'json']);
    expect(s.state.bounds).toMatchObject({ tail: 50, since: '10m', timeoutMs: 10_000 });
    expect(s.logs.setup).toBeUndefined(); // no setup container: Compose printed nothing
  });
});

describe('when Compose cannot load the file', () => {
  it('lists the containers by their label and reads docker logs, and the Compose error is a finding', async () => {
    const dir = await project();
    const spec: ComposeSpec = { flavor: 'v1', project: projectOf(dir), dir, containers: containers(), logs: LOGS };
    const composeError = { stderr: `validating ${dir}/docker-compose.yaml: services.cloudflared additional properties 'comand' not allowed\n`, exitCode: 15 };
    const sc = await scenario([
      { tool: 'docker', args: ['compose', 'version', '--short'], stdout: '2.29.7\n' },
      { tool: 'docker', args: ['compose', 'ps'], match: 'contains', ...composeError },
      { tool: 'docker', args: ['compose', 'logs'], match: 'contains', ...composeError },
      ...composeRules(spec).filter((r) => !(r.tool === 'docker' && r.args?.[0] === 'compose')),
    ]);
    const s = await gatherSnapshot(options(dir), undefined, { env: sc.env });
    expect(s.deployment.composeFlavor).toBe('v2');
    expect(s.notes.join('\n')).toMatch(/`docker compose ps --all --format json` failed \(validating .*not allowed\); the containers were listed by their Compose label instead/);
    expect(s.state.containers!.map((c) => c.state)).toEqual(['restarting', 'running']);
    expect(s.logs['mcp-proxy']!.origin).toBe(`docker logs --timestamps --tail 2000 ${projectOf(dir)}_mcp-proxy_1`);
    expect(s.logs['mcp-proxy']!.text).toContain('cannot unmarshal');
    const f = analyze(s).findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f.title).toBe('compose: a command failed');
    expect(f.detail).toMatch(/^`docker compose ps --all --format json` failed: validating .* additional properties 'comand' not allowed\./);
  });
});

describe('Compose v1 (docker-compose 1.29)', () => {
  it('finds the project by label, inspects it, and reads logs with docker logs, stderr and stdout in time order', async () => {
    const dir = await project();
    const spec: ComposeSpec = { flavor: 'v1', project: projectOf(dir), dir, containers: containers(), logs: LOGS };
    const sc = await scenario(composeRules(spec), ['docker', 'docker-compose']);
    const s = await gatherSnapshot(options(dir, { tail: 300, since: '2h' }), undefined, { env: sc.env });
    expect(s.deployment).toMatchObject({ composeFlavor: 'v1', project: projectOf(dir) });
    expect(s.deployment.how).toMatch(/examined with docker-compose \(v1\)$/);
    expect(s.state.tools!.compose).toMatchObject({ present: true, version: 'docker-compose 1.29.2' });
    expect(s.state.containers!.map((c) => [c.name, c.state, c.exitCode])).toEqual([
      [`${projectOf(dir)}_mcp-proxy_1`, 'restarting', 1],
      [`${projectOf(dir)}_cloudflared_1`, 'running', 0],
    ]);
    expect(s.logs.cloudflared!.text.split('\n')[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z 2026-11-28T03:10:02Z INF Registered tunnel connection/);
    const calls = (await sc.calls()).map((c) => [c.tool, ...c.args].join(' '));
    expect(calls).toContain(`docker ps --all --filter label=com.docker.compose.project=${projectOf(dir)} --format {{json .}}`);
    expect(calls).toContain(`docker logs --timestamps --tail 300 --since 2h ${projectOf(dir)}_cloudflared_1`);
    expect(calls).toContain('docker-compose version --short');
    // The v2 commands asked on the bet that the plugin is there failed at once; their errors are not the deployment's.
    expect(calls.filter((c) => c.startsWith('docker compose ps') || c.startsWith('docker compose logs')).length).toBeGreaterThan(0);
    expect(s.state.tools!.compose!.problem).toBeUndefined();
    expect(s.logs.cloudflared!.origin).toBe(`docker logs --timestamps --tail 300 --since 2h ${projectOf(dir)}_cloudflared_1`);
    expect(mutatingCalls(await sc.calls())).toEqual([]);
  });

  it('takes the project name from COMPOSE_PROJECT_NAME in .env, and never passes on one that is not a valid name', async () => {
    const dir = await project(DOCUMENTED_COMPOSE, { '.env': 'COMPOSE_PROJECT_NAME=tunnel_prod\n' });
    const spec: ComposeSpec = { flavor: 'v1', project: 'tunnel_prod', dir, containers: containers(), logs: LOGS };
    const sc = await scenario(composeRules(spec), ['docker', 'docker-compose']);
    const s = await gatherSnapshot(options(dir), undefined, { env: sc.env });
    expect(s.deployment.project).toBe('tunnel_prod');
    expect(s.notes).toContain('Compose project tunnel_prod (from COMPOSE_PROJECT_NAME in .env)');
    expect(s.state.containers).toHaveLength(2);

    const bad = await project(DOCUMENTED_COMPOSE, { '.env': 'COMPOSE_PROJECT_NAME="-x --filter=label=evil"\n' });
    const sc2 = await scenario(composeRules({ ...spec, dir: bad }), ['docker', 'docker-compose']);
    const s2 = await gatherSnapshot(options(bad), undefined, { env: sc2.env });
    expect(s2.notes.join('\n')).toMatch(/the Compose project name from COMPOSE_PROJECT_NAME in \.env is not usable/);
    expect((await sc2.calls()).some((c) => c.args.some((a) => a.includes('evil')))).toBe(false);
    expect(s2.state.containers).toBeUndefined();
  });

  it('never passes a service name from the file that could be read as an option', async () => {
    const compose = DOCUMENTED_COMPOSE.replace('  cloudflared:\n', '  "--volumes":\n');
    const dir = await project(compose);
    const sc = await scenario(composeRules({ flavor: 'v2-lines', project: projectOf(dir), dir, containers: containers() }));
    const s = await gatherSnapshot(options(dir), undefined, { env: sc.env });
    expect(s.notes.join('\n')).toMatch(/skipped the cloudflared service: "--volumes" is not a Compose service name/);
    expect((await sc.calls()).some((c) => c.args.includes('--volumes'))).toBe(false);
  });
});

describe('tool failures become runtime.tool-missing, never a crash', () => {
  const findingsOf = async (rules: Rule[], tools?: StandInTool[], over: Partial<TriageOptions> = {}) => {
    const dir = await project();
    const sc = await scenario(rules, tools);
    const s = await gatherSnapshot(options(dir, over), undefined, { env: sc.env });
    return { s, report: analyze(s), calls: await sc.calls() };
  };

  it('docker not installed', async () => {
    const { s, report } = await findingsOf([], ['kubectl']);
    const missing = report.findings.filter((x) => x.id === 'runtime.tool-missing');
    expect(missing.map((x) => x.title)).toEqual(['docker is not installed (not found on PATH)']); // not Compose too
    const f = missing[0]!;
    expect(f.detail).toMatch(/Install it on this host, or run mcp-tunnel-triage where the deployment runs/);
    expect(s.state.containers).toBeUndefined();
    expect(report.checks.find((c) => c.id === 'runtime.container-down')!.status).toBe('skipped');
  });

  it('the Docker daemon is not running (an error: nothing runs without it)', async () => {
    const { report, calls } = await findingsOf([
      { tool: 'docker', args: ['version'], match: 'prefix', ...toolError('docker-version-daemon-down') },
      { tool: 'docker', args: ['compose', 'version', '--short'], stdout: '2.29.7\n' },
      { tool: 'docker', args: [], match: 'prefix', ...toolError('docker-daemon-down') },
    ]);
    const f = report.findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f).toMatchObject({ severity: 'error', title: 'The Docker daemon is not running' });
    expect(f.detail).toMatch(/docker answered `Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock\. Is the docker daemon running\?`/);
    expect(f.detail).toMatch(/sudo systemctl start docker/);
    // The Compose commands asked at the same time as the versions failed the same way and are not a second
    // problem; nothing that needs their answer is asked of a daemon that is down.
    expect(report.findings.filter((x) => x.id === 'runtime.tool-missing')).toHaveLength(1);
    expect(calls.map((c) => c.args[0] === 'compose' ? c.args[1] : c.args[0]).sort()).toEqual(['logs', 'logs', 'ps', 'version', 'version']);
  });

  it('permission denied on the socket', async () => {
    const { report } = await findingsOf([
      { tool: 'docker', args: ['version'], match: 'prefix', ...toolError('docker-version-permission-denied') },
      { tool: 'docker', args: ['compose', 'version', '--short'], stdout: '2.29.7\n' },
    ]);
    const f = report.findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f.title).toBe('docker: permission denied on the Docker socket');
    expect(f.detail).toMatch(/sudo usermod -aG docker \$USER/);
    expect(f.evidence[0]!.text).toMatch(/^permission denied while trying to connect to the Docker daemon socket at unix:\/\/\/var\/run\/docker\.sock/);
  });

  it('no Compose at all: containers are still read with docker, and the finding says restarts need Compose', async () => {
    const dir = await project();
    const spec: ComposeSpec = { flavor: 'v1', project: projectOf(dir), dir, containers: containers() };
    const rules = composeRules(spec).filter((r) => r.tool !== 'docker-compose');
    const sc = await scenario(rules, ['docker']);
    const s = await gatherSnapshot(options(dir), undefined, { env: sc.env });
    expect(s.state.containers).toHaveLength(2);
    const f = analyze(s).findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f.title).toBe('Compose is not installed');
  });

  it('a hung command is killed at --timeout and becomes a finding; the rest of the gather completes', async () => {
    const dir = await project();
    const spec: ComposeSpec = { flavor: 'v2-lines', project: projectOf(dir), dir, containers: containers(), logs: LOGS };
    const sc = await scenario([{ tool: 'docker', args: ['compose', 'logs', 'cloudflared'], match: 'contains', hang: true }, ...composeRules(spec)]);
    // 3 s: long enough that a stand-in starting on a loaded machine is not what hangs.
    const s = await gatherSnapshot(options(dir, { timeoutMs: 3_000 }), undefined, { env: sc.env });
    const hung = s.state.commands!.find((c) => c.timedOut)!;
    expect(hung.argv).toEqual(['docker', 'compose', 'logs', '--no-color', '--timestamps', '--tail', '2000', 'cloudflared']);
    expect(hung.error).toBe('timed out after 3 s and was killed');
    expect(s.state.containers).toHaveLength(2);
    expect(s.logs['mcp-proxy']!.text).toContain('cannot unmarshal');
    const f = analyze(s).findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f.title).toBe('compose: a command hung and was killed after 3 s');
    expect(f.detail).toMatch(/^`docker compose logs --no-color --timestamps --tail 2000 cloudflared` did not finish within 3 s and was killed/);
    expect(f.detail).toMatch(/--timeout SECONDS/);
  });

  it('keeps the newest lines of a log longer than the limit per command, says so, and does not call it a failure', async () => {
    const dir = await project();
    const spec: ComposeSpec = { flavor: 'v2-lines', project: projectOf(dir), dir, containers: containers(), logs: LOGS };
    const line = (i: number) => `cloudflared-1  | 2026-11-28T03:10:00.000000000Z INF line ${String(i).padStart(5, '0')} of the log\n`;
    const big = Array.from({ length: 4000 }, (_, i) => line(i)).join('');
    const sc = await scenario([{ tool: 'docker', args: ['compose', 'logs', 'cloudflared'], match: 'contains', stdout: big }, ...composeRules(spec)]);
    const s = await gatherSnapshot(options(dir), undefined, { env: sc.env, maxBytes: 64 * 1024 });
    // `--tail 2000`: Compose prints the last 2000 lines, 125 kB, more than the 64 kB one command may keep.
    const printed = Array.from({ length: 2000 }, (_, i) => line(2000 + i)).join('');
    const log = s.logs.cloudflared!;
    expect(log.truncated).toBe(true);
    expect(log.text.length).toBeLessThanOrEqual(64 * 1024);
    // The newest lines, whole: the last one, and a line start where the kept part begins.
    expect(log.text.endsWith(line(3999))).toBe(true);
    expect(log.text).not.toContain(line(2000));
    expect(log.text.startsWith('cloudflared-1  | ')).toBe(true);
    expect(log.read).toMatchObject({ commands: 1, printed: Buffer.byteLength(printed), cut: 1 });
    expect(s.notes).toContain(`cloudflared log: 1 command printed ${Math.round(Buffer.byteLength(printed) / 1024)} kB; kept ${Math.round(log.read!.kept / 1024)} kB: 1 of them cut to their newest lines (at most 64 kB is kept from one command)`);
    expect(s.state.tools!.compose!.problem).toBeUndefined();
    expect(analyze(s).findings.some((f) => f.id === 'runtime.tool-missing')).toBe(false);
  });
});
