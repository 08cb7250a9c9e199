// Evidence knows its container run (issue 11 point 3): a line logged before the container's current run
// began is history (info, no fix, marked), by the runtime's --timestamps stamp; a crash loop's latest runs are
// the present; a failure followed by the origin coming back is recovered; verify reads only the new run.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { linesInCurrentRun } from '../../src/analyze/log-runs.js';
import { fixById, planFix } from '../../src/fixes/registry.js';
import { verifyFix } from '../../src/fixes/verify.js';
import { scanText } from '../../src/signatures/scanner.js';
import type { ContainerState, Snapshot } from '../../src/snapshot/types.js';
import type { LogRecord } from '../../src/signatures/types.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';

const LIST = proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n');
const MAP = proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n');
// The stand-in's own time is in whole seconds; Docker's stamp is to the nanosecond.
const CRASH = (stamp: string) => `mcp-proxy-1  | ${stamp} time=${stamp.slice(0, 19)}Z level=ERROR msg="failed to load config" err="yaml: unmarshal errors:\\n  line 7: cannot unmarshal !!seq into map[string]string"`;
const READY = (stamp: string) => `mcp-proxy-1  | ${stamp} time=${stamp.slice(0, 19)}Z level=INFO msg="ready"`;
const proxy = (over: Partial<ContainerState>): ContainerState => ({ service: 'mcp-proxy', name: 'tunnel-mcp-proxy-1', state: 'running', restartCount: 0, ...over });

function snapshot(config: string, log: string[], container: Partial<ContainerState>, createdAt = '2026-11-28T03:20:00Z'): Snapshot {
  return snapshotOf({ createdAt, files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': config }, logs: { 'mcp-proxy': log.join('\n') }, state: { containers: [proxy(container)] } });
}
const listFindings = (s: Snapshot) => analyze(s).findings.filter((f) => f.id === 'routing.routes-is-list');

describe('a log line belongs to a run of its container', () => {
  it('before the current run (StartedAt) it is history: info, no fix, marked; the config on disk decides', () => {
    const s = snapshot(MAP, [CRASH('2026-11-28T03:10:00.100000000Z'), CRASH('2026-11-28T03:10:01.200000000Z'), READY('2026-11-28T03:12:00.500000000Z')], { startedAt: '2026-11-28T03:12:00.400000000Z' });
    const [f] = listFindings(s);
    expect([f?.severity, f?.title, f?.fixes]).toEqual(['info', '`routes` is a YAML list; the proxy needs a map (history: logged before the current run)', []]);
    expect(f!.detail).toContain('Logged 2× (last 2026-11-28T03:10:01Z), all before the current run of mcp-proxy (current run started 2026-11-28T03:12:00.400000000Z)');
    expect(f!.evidence.every((e) => e.history)).toBe(true);
  });

  it('the runtime stamp places a line, not the program\'s own time in whole seconds', () => {
    // Logged 300 ms after the run began, in the same second as the start: the current run's, not history.
    const s = snapshot(LIST, [CRASH('2026-11-28T03:12:00.700000000Z')], { startedAt: '2026-11-28T03:12:00.400000000Z' });
    expect(listFindings(s).map((f) => f.severity)).toEqual(['error']);
    // Without a runtime stamp, a time in whole seconds in the start's second is not placed before it.
    const own = snapshot(LIST, ['time=2026-11-28T03:12:00Z level=ERROR msg="failed to load config" err="yaml: unmarshal errors:\\n  line 7: cannot unmarshal !!seq into map[string]string"'], { startedAt: '2026-11-28T03:12:00.400000000Z' });
    expect(listFindings(own).map((f) => f.severity)).toEqual(['error']);
  });

  it('a crash loop\'s latest runs are the present, whichever of them the gather read last; older ones history', () => {
    const loop = snapshot(LIST, [CRASH('2026-11-28T02:00:00.100000000Z'), CRASH('2026-11-28T03:11:30.100000000Z')], { state: 'restarting', restartCount: 9, startedAt: '2026-11-28T03:12:00.000000000Z' });
    const [f] = listFindings(loop);
    expect(f?.severity).toBe('error');
    expect(f!.evidence.filter((e) => e.source === 'logs/mcp-proxy').map((e) => [e.text.slice(5, 24), e.history ?? false])).toEqual([
      ['2026-11-28T03:11:30', false],
      ['2026-11-28T02:00:00', true],
    ]);
    // Running again moments after its 3rd restart (caught between two crashes): the same.
    const between = snapshot(LIST, [CRASH('2026-11-28T03:11:59.100000000Z')], { restartCount: 3, startedAt: '2026-11-28T03:12:00.000000000Z' }, '2026-11-28T03:12:02Z');
    expect(listFindings(between)[0]?.severity).toBe('error');
  });

  it('a one-line record keeps its runtime stamp: the old process\'s last line, in the second the new run began, is history', () => {
    // Seen in CI: cloudflared's old process (in the proxy's dead network namespace) logged its last failure
    // at .132, the restart began its new run at .969 of the same second. Its own time says only `…:23Z`.
    const cf = (stamp: string) => `${stamp} ${stamp.slice(0, 19)}Z ERR error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused" connIndex=0 event=1 ingressRule=0 originService=http://localhost:8080`;
    const records: LogRecord[] = [];
    scanText(`${cf('2026-12-04T10:29:23.132800377Z')}\n`, (r) => records.push(r), { source: 'cloudflared' });
    expect(records.map((r) => r.stamp)).toEqual(['2026-12-04T10:29:23.132800377Z']);
    const s = snapshotOf({
      createdAt: '2026-12-04T10:29:40Z',
      files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': MAP },
      logs: { cloudflared: [cf('2026-12-04T10:29:22.117764837Z'), cf('2026-12-04T10:29:23.132800377Z'), '2026-12-04T10:29:24.012944151Z 2026-12-04T10:29:24Z INF Registered tunnel connection connIndex=0 connection=7a1c3e52-2f4d-4d9e-a6b1-5d0c7e9f8a20 event=0 ip=198.41.200.10 location=lhr01 protocol=quic'].join('\n') },
      state: { containers: [proxy({ startedAt: '2026-12-04T10:29:23.070768101Z' }), { service: 'cloudflared', name: 'tunnel-cloudflared-1', state: 'running', restartCount: 0, startedAt: '2026-12-04T10:29:23.969290277Z' }] },
    });
    const [f] = analyze(s).findings.filter((x) => x.id === 'edge.origin-unreachable');
    expect(f?.severity).toBe('info');
    expect(f!.evidence.every((e) => e.history)).toBe(true);
  });

  it('a multi-line message joined across `docker logs -t` lines carries no runtime stamp in its middle', () => {
    const records: LogRecord[] = [];
    scanText('2026-11-28T03:10:00.100000000Z 2026/11/28 03:10:00 yaml: unmarshal errors:\n2026-11-28T03:10:00.100000001Z   line 7: cannot unmarshal !!seq into map[string]string\n', (r) => records.push(r), { source: 'mcp-proxy' });
    expect(records).toHaveLength(1);
    expect(records[0]!.display).toBe('2026/11/28 03:10:00 yaml: unmarshal errors: line 7: cannot unmarshal !!seq into map[string]string');
    expect(records[0]!.stamp).toBe('2026-11-28T03:10:00.100000000Z');
  });
});

describe('a failure followed by the origin coming back is recovered', () => {
  const cf = (stamp: string) => `cloudflared-1  | ${stamp} ${stamp.slice(0, 19)}Z ERR  error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused" originService=http://localhost:8080`;
  const deployment = (proxyStarted: string) =>
    snapshotOf({
      createdAt: '2026-11-28T03:20:00Z',
      files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': MAP },
      logs: { cloudflared: cf('2026-11-28T03:12:00.500000000Z') },
      state: { containers: [proxy({ startedAt: proxyStarted }), { service: 'cloudflared', name: 'tunnel-cloudflared-1', state: 'running', startedAt: '2026-11-28T01:00:00Z' }] },
    });

  it('cloudflared missed the proxy while it restarted: the proxy\'s current run began after, and nothing since', () => {
    const [f] = analyze(deployment('2026-11-28T03:12:01.000000000Z')).findings.filter((x) => x.id === 'edge.origin-unreachable');
    expect([f?.severity, f?.title, f?.fixes]).toEqual(['info', 'cloudflared could not reach the proxy while it restarted', []]);
    expect(f!.detail).toContain('mcp-proxy started its current run at 2026-11-28T03:12:01.000000000Z');
  });

  it('still an error when it happened during the proxy\'s current run', () => {
    const [f] = analyze(deployment('2026-11-28T03:11:00.000000000Z')).findings.filter((x) => x.id === 'edge.origin-unreachable');
    expect(f?.severity).toBe('error');
  });
});

describe('verify after a fix reads only the restarted run', () => {
  it('a crash logged between the fix starting and the restart does not make it "not fixed"', async () => {
    const applied = Date.parse('2026-11-28T03:12:00Z');
    const before = snapshot(LIST, [CRASH('2026-11-28T03:11:59.000000000Z')], { state: 'restarting', restartCount: 4, startedAt: '2026-11-28T03:11:59.000000000Z' });
    const plan = planFix('routes-to-map', before)!;
    let n = 0;
    // What `--since` returns: the crash from the second before the restart, then (later) the new run's first line.
    const regather = async () => {
      n++;
      const log = [CRASH('2026-11-28T03:12:00.500000000Z'), ...(n >= 2 ? [READY('2026-11-28T03:12:02.100000000Z')] : [])];
      return snapshot(MAP, log, { startedAt: '2026-11-28T03:12:02.000000000Z' }, '2026-11-28T03:12:03Z');
    };
    const first = await regather();
    n = 0;
    expect(linesInCurrentRun(first, 'mcp-proxy')).toBe(0);
    const v = await verifyFix(fixById('routes-to-map')!, { snapshot: before, dir: '/srv/tunnel', demo: false, timeoutMs: 5_000, regather, plan, appliedAt: applied, verifyAttempts: 4, verifyBudgetMs: 20_000 });
    expect(v).toMatchObject({ status: 'fixed', attempts: 2 });
  });
});
