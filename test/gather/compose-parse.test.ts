import { describe, expect, it } from 'vitest';
import { mergeContainer, mergeTimestamped, parseInspect, parseLabelString, parsePs } from '../../src/gather/compose-parse.js';
import { composeRules, inspectOf, type ComposeSpec } from '../helpers/deployment-scenarios.js';
import { readFileSync } from 'node:fs';

const spec: ComposeSpec = {
  flavor: 'v2-lines',
  project: 'tunnel',
  dir: '/srv/tunnel',
  containers: [
    { service: 'mcp-proxy', state: 'restarting', exitCode: 1, restartCount: 14, user: '65532:65532', published: [{ containerPort: 8080, hostPort: 18080 }] },
    { service: 'cloudflared', state: 'running', ip: '127.0.0.3', env: ['TUNNEL_TOKEN=eyJhIjoiZmFrZS1hY2NvdW50LWlkLWZvci10ZXN0cy1vbmx5In0=', 'PATH=/bin'] },
    { service: 'setup', state: 'exited', exitCode: 0, oneOff: true },
  ],
};

const psOf = (flavor: ComposeSpec['flavor']) => {
  const rules = composeRules({ ...spec, flavor });
  const rule = rules.find((r) => r.args?.includes('ps'))!;
  return rule.stdout!;
};

describe('compose ps output, both shapes', () => {
  it('reads the JSON array of Compose before 2.21 and one object per line since, to the same rows', () => {
    const array = psOf('v2-array');
    const lines = psOf('v2-lines');
    expect(array.trim().startsWith('[')).toBe(true);
    expect(lines.trim().split('\n')).toHaveLength(3);
    const a = parsePs(array);
    const l = parsePs(lines);
    expect(a.bad).toBe(0);
    expect(l.bad).toBe(0);
    const keyFacts = (rows: typeof a.rows) => rows.map(({ name, service, project, state, exitCode }) => ({ name, service, project, state, exitCode }));
    expect(keyFacts(a.rows)).toEqual(keyFacts(l.rows));
    expect(keyFacts(l.rows)).toEqual([
      { name: 'tunnel-mcp-proxy-1', service: 'mcp-proxy', project: 'tunnel', state: 'restarting', exitCode: 1 },
      { name: 'tunnel-cloudflared-1', service: 'cloudflared', project: 'tunnel', state: 'running', exitCode: 0 },
      { name: expect.stringMatching(/^tunnel-setup-run-[0-9a-f]{12}$/), service: 'setup', project: 'tunnel', state: 'exited', exitCode: 0 },
    ]);
    expect(l.rows[2]!.oneOff).toBe(true);
  });

  it('reads docker ps rows of a v1 project, the service from the label and the exit code from the status', () => {
    const rows = parsePs(psOf('v1')).rows;
    expect(rows.map((r) => [r.name, r.service, r.state, r.exitCode])).toEqual([
      ['tunnel_mcp-proxy_1', 'mcp-proxy', 'restarting', 1],
      ['tunnel_cloudflared_1', 'cloudflared', 'running', undefined],
      [expect.stringMatching(/^tunnel_setup_run_/), 'setup', 'exited', 0],
    ]);
  });

  it('skips lines that are not JSON and counts them, and takes empty output as no containers', () => {
    expect(parsePs('')).toEqual({ rows: [], bad: 0 });
    const r = parsePs('{"ID":"abc","Name":"x-1","Service":"x","State":"running"}\nWARN[0000] something\n');
    expect(r.rows).toHaveLength(1);
    expect(r.bad).toBe(1);
  });

  it('splits label strings on the commas between labels, not inside a value', () => {
    expect(parseLabelString('com.docker.compose.project.config_files=a.yml,b.yml,com.docker.compose.service=mcp-proxy')).toEqual({
      'com.docker.compose.project.config_files': 'a.yml,b.yml',
      'com.docker.compose.service': 'mcp-proxy',
    });
  });
});

describe('docker inspect', () => {
  it('reads the recorded real output: state, restarts, user, network, mounts, start time', () => {
    const recorded = JSON.parse(readFileSync(new URL('../stand-ins/scenarios/recorded/docker-inspect.json', import.meta.url), 'utf8'));
    const [proxy, cloudflared] = parseInspect(JSON.stringify([recorded['mcp-proxy'], recorded.cloudflared]));
    expect(proxy).toMatchObject({ name: 'proj_mcp-proxy_1', service: 'mcp-proxy', user: '65532:65532', networkMode: 'proj_default', startedAt: '2026-11-28T04:17:44.530375933Z' });
    expect(proxy!.mounts).toEqual([{ source: '/tmp/mtt5-dockerd/proj/config', destination: '/etc/mcp-gateway', readOnly: true }]);
    expect(proxy!.restartCount).toBe(2);
    expect(cloudflared!.networkMode).toMatch(/^container:/);
    expect(cloudflared!.finishedAt).toBeUndefined(); // 0001-01-01 means never
  });

  it('keeps the names of environment variables and never their values', () => {
    const [, cloudflared] = parseInspect(JSON.stringify(spec.containers.map((c) => inspectOf(spec, c))));
    expect(cloudflared!.envNames).toEqual(['TUNNEL_TOKEN', 'PATH']);
    expect(JSON.stringify(cloudflared)).not.toContain('eyJhIjoi');
  });

  it('reads published ports, the IP, restarting as its own state, and merges with the ps row', () => {
    const inspected = parseInspect(JSON.stringify(spec.containers.map((c) => inspectOf(spec, c))));
    expect(inspected[0]).toMatchObject({ state: 'restarting', exitCode: 1, restartCount: 14, ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18080 }] });
    expect(inspected[1]!.ip).toBe('127.0.0.3');
    const row = parsePs(psOf('v2-lines')).rows[0]!;
    const merged = mergeContainer(row, inspected[0]);
    expect(merged).toMatchObject({ service: 'mcp-proxy', name: 'tunnel-mcp-proxy-1', status: 'Restarting (1) 5 seconds ago', restartCount: 14, user: '65532:65532' });
    expect(parseInspect('not json')).toEqual([]);
  });
});

describe('docker logs streams', () => {
  it('merges stdout and stderr back into time order by their timestamps', () => {
    const out = '2026-11-28T04:17:33.490056131Z c\n';
    const err = '2026-11-28T04:17:33.489806114Z a\n2026-11-28T04:17:33.489989777Z b\n2026-11-28T04:17:34.000000000Z d\n';
    expect(mergeTimestamped(out, err)).toBe(
      '2026-11-28T04:17:33.489806114Z a\n2026-11-28T04:17:33.489989777Z b\n2026-11-28T04:17:33.490056131Z c\n2026-11-28T04:17:34.000000000Z d\n',
    );
    expect(mergeTimestamped('', '')).toBe('');
  });
});
