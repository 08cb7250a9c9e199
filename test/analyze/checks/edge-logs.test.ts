import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analyze/index.js';
import { connectionLog } from '../../../src/analyze/checks/edge/connection-log.js';
import { tokenLog } from '../../../src/analyze/checks/edge/token-log.js';
import { noIngressLog } from '../../../src/analyze/checks/edge/no-ingress-log.js';
import { originLog } from '../../../src/analyze/checks/edge/origin-log.js';
import { udpBufferLog } from '../../../src/analyze/checks/edge/udp-buffer-log.js';
import { snapshotOf } from '../../helpers/snapshot.js';

const cf = (lines: string[]) => snapshotOf({ logs: { cloudflared: `${lines.join('\n')}\n` } });
const reg = (i: number, protocol: string, location = 'lhr01', at = '03:58:1') =>
  `cloudflared-1  | 2026-11-28T${at}${i}Z INF Registered tunnel connection connIndex=${i} connection=7a1c3e52-2f4d-4d9e-a6b1-5d0c7e9f8a2${i} event=0 ip=198.41.200.1${i} location=${location} protocol=${protocol}`;
const START = 'cloudflared-1  | 2026-11-28T03:58:00Z INF Starting tunnel tunnelID=3f1e2d4c-1111-2222-3333-444455556666';
const QUIC_FAIL = 'cloudflared-1  | 2026-11-28T03:58:06Z ERR Failed to dial a quic connection error="failed to dial to edge with quic: timeout: no recent network activity" connIndex=0 event=0 ip=198.41.192.7';
const FALLBACK = 'cloudflared-1  | 2026-11-28T03:58:09Z INF Switching to fallback protocol http2 connIndex=0 event=0 ip=198.41.192.7';
const TCP_FAIL = 'cloudflared-1  | 2026-11-28T03:58:20Z ERR Unable to establish connection with Cloudflare edge error="DialContext error: dial tcp 198.41.192.167:7844: i/o timeout" connIndex=0 event=0 ip=198.41.192.167';

describe('edge.connection-log: edge.unreachable and edge.connected', () => {
  it('healthy: four registrations over QUIC, ok, with count, protocol and locations; no unreachable', () => {
    const report = analyze(cf([START, reg(0, 'quic', 'lhr01'), reg(1, 'quic', 'ams08'), reg(2, 'quic', 'lhr01'), reg(3, 'quic', 'fra10')]), { checks: [connectionLog] });
    expect(report.findings.map((f) => [f.id, f.severity])).toEqual([['edge.connected', 'ok']]);
    const f = report.findings[0]!;
    expect(f.title).toBe('cloudflared registered 4 tunnel connection(s) over QUIC');
    expect(f.detail).toContain('at lhr01, ams08, fra10');
    expect(f.data).toMatchObject({ connections: 4, protocols: ['quic'], locations: ['lhr01', 'ams08', 'fra10'] });
    expect(f.evidence.at(-1)).toMatchObject({ source: 'logs/cloudflared', line: 5, count: 4, firstSeen: '2026-11-28T03:58:10Z', lastSeen: '2026-11-28T03:58:13Z', seenIn: ['cloudflared-1'] });
  });

  it('QUIC failing, then HTTP/2 connecting: a warning that UDP 7844 is blocked, not an error', () => {
    const report = analyze(cf([START, QUIC_FAIL, FALLBACK, reg(0, 'http2', 'lhr01', '03:58:2'), reg(1, 'http2', 'lhr01', '03:58:2')]), { checks: [connectionLog] });
    const unreachable = report.findings.find((f) => f.id === 'edge.unreachable')!;
    expect(unreachable.severity).toBe('warning');
    expect(unreachable.title).toMatch(/QUIC \(UDP 7844\) to the edge is blocked; cloudflared runs over HTTP\/2/);
    expect(unreachable.detail).toMatch(/fell back to HTTP\/2, which connected/);
    expect(unreachable.data).toMatchObject({ state: 'udp-blocked', quicFailed: true, tcpFailed: false });
    expect(report.findings.find((f) => f.id === 'edge.connected')).toMatchObject({ severity: 'ok', title: 'cloudflared registered 2 tunnel connection(s) over HTTP/2' });
    expect(report.findings.some((f) => f.severity === 'error')).toBe(false);
  });

  it('no protocol connects (QUIC and HTTP/2 both fail): an error, no connected finding', () => {
    const report = analyze(cf([START, QUIC_FAIL, FALLBACK, TCP_FAIL, TCP_FAIL.replace('03:58:20', '03:58:40')]), { checks: [connectionLog] });
    expect(report.findings.map((f) => [f.id, f.severity])).toEqual([['edge.unreachable', 'error']]);
    const f = report.findings[0]!;
    expect(f.title).toBe('cloudflared cannot reach the tunnel edge on port 7844');
    expect(f.detail).toMatch(/fail over both QUIC \(UDP\) and HTTP\/2 \(TCP\)/);
    expect(f.data).toMatchObject({ state: 'both', quicFailed: true, tcpFailed: true, errors: ['failed to dial to edge with quic: timeout: no recent network activity', 'DialContext error: dial tcp 198.41.192.167:7844: i/o timeout'] });
    expect(f.evidence.at(-1)).toMatchObject({ count: 4, firstSeen: '2026-11-28T03:58:06Z', lastSeen: '2026-11-28T03:58:40Z' });
  });

  it('QUIC failing with nothing registered yet is still an error: no protocol connects', () => {
    const report = analyze(cf([START, QUIC_FAIL]), { checks: [connectionLog] });
    expect(report.findings.map((f) => [f.id, f.severity, f.title])).toEqual([['edge.unreachable', 'error', 'cloudflared cannot reach the tunnel edge over QUIC (UDP 7844)']]);
  });

  it('failures followed by registrations over QUIC: recovered (info), and connected', () => {
    const report = analyze(cf([START, TCP_FAIL, QUIC_FAIL, reg(0, 'quic', 'lhr01', '03:59:0')]), { checks: [connectionLog] });
    const f = report.findings.find((x) => x.id === 'edge.unreachable')!;
    expect(f.severity).toBe('info');
    expect(f.title).toBe('cloudflared reached the tunnel edge after earlier failures');
    expect(f.detail).toMatch(/then registered tunnel connections over quic \(a tunnel connection registered with the edge at 2026-11-28T03:59:00Z/);
    expect(report.findings.find((x) => x.id === 'edge.connected')?.severity).toBe('ok');
  });

  it('a registration before the failures does not count: the latest state wins', () => {
    const report = analyze(cf([START, reg(0, 'quic', 'lhr01', '03:58:0'), TCP_FAIL, QUIC_FAIL.replace('03:58:06', '03:58:30')]), { checks: [connectionLog] });
    expect(report.findings.map((f) => [f.id, f.severity])).toEqual([['edge.unreachable', 'error']]);
  });

  it('a DNS failure with dials after it: the dials say what fails (cloudflared had addresses anyway)', () => {
    const dns = 'cloudflared-1  | 2026-11-28T03:58:01Z ERR edge discovery: error looking up Cloudflare edge IPs: the DNS query failed error="lookup _v2-origintunneld._tcp.argotunnel.com on 127.0.0.11:53: no such host" event=0';
    const report = analyze(cf([START, dns, TCP_FAIL]), { checks: [connectionLog] });
    expect(report.findings[0]).toMatchObject({ id: 'edge.unreachable', severity: 'error', data: { state: 'tcp', dnsFailed: true, tcpFailed: true } });
  });

  it('connections the edge closed, and none registered since: dropped (a warning); registered again: recovered', () => {
    const lost = 'cloudflared-1  | 2026-11-28T04:10:00Z INF Lost connection with the edge connIndex=1';
    const closed = 'cloudflared-1  | 2026-11-28T04:10:00Z WRN Serve tunnel error error="connection with edge closed" connIndex=1 event=0 ip=198.41.200.23';
    const dropped = analyze(cf([START, reg(1, 'http2'), lost, closed]), { checks: [connectionLog] });
    expect(dropped.findings.find((f) => f.id === 'edge.unreachable')).toMatchObject({ severity: 'warning', title: 'cloudflared lost its connections to the tunnel edge and has not reconnected', data: { state: 'dropped', dropped: true } });
    const back = analyze(cf([START, reg(1, 'http2'), lost, closed, reg(1, 'http2', 'lhr01', '04:10:0')]), { checks: [connectionLog] });
    expect(back.findings.find((f) => f.id === 'edge.unreachable')).toMatchObject({ severity: 'info', data: { state: 'recovered' } });
  });

  it('a request through the tunnel after failures: the edge reached cloudflared then (info), though no registration is in the log', () => {
    const request = 'cloudflared-1  | 2026-11-28T04:02:31Z ERR  error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused" cfRay=8e1f2a3b4c5d6e7f-LHR event=1 ingressRule=0 originService=http://localhost:8080';
    const report = analyze(cf([START, QUIC_FAIL, request]), { checks: [connectionLog] });
    const f = report.findings.find((x) => x.id === 'edge.unreachable')!;
    expect(f).toMatchObject({ severity: 'info', data: { state: 'reached' } });
    expect(f.detail).toMatch(/later the edge reached it \(a request arrived through the tunnel .* at 2026-11-28T04:02:31Z/);
    expect(report.findings.some((x) => x.id === 'edge.connected')).toBe(false);
  });

  it('a QUIC connection that went silent (no recent network activity) with nothing registered since: QUIC fails', () => {
    const idle = 'cloudflared-1  | 2026-11-28T04:20:21Z ERR Failed to serve quic connection error="failed to accept QUIC stream: timeout: no recent network activity" connIndex=0 event=0 ip=198.41.200.23';
    const report = analyze(cf([START, reg(0, 'quic'), idle]), { checks: [connectionLog] });
    expect(report.findings.map((f) => [f.id, f.severity])).toEqual([['edge.unreachable', 'error']]);
    expect(report.findings[0]!.data).toMatchObject({ state: 'quic-only' });
  });

  it('the first `No ingress rules` since a start may be the start-up warning; from the second on each answers a request', () => {
    const noIngress = (t: string) => `cloudflared-1  | 2026-11-28T04:0${t}Z WRN No ingress rules were defined in provided config (if any) nor from the cli, cloudflared will return 503 for all incoming HTTP requests`;
    const once = analyze(cf([START, TCP_FAIL, noIngress('1:00')]), { checks: [connectionLog] });
    expect(once.findings.find((f) => f.id === 'edge.unreachable')?.severity).toBe('error');
    const twice = analyze(cf([START, TCP_FAIL, noIngress('1:00'), noIngress('1:05')]), { checks: [connectionLog] });
    expect(twice.findings.find((f) => f.id === 'edge.unreachable')).toMatchObject({ severity: 'info', data: { state: 'reached' } });
  });

  it('DNS failure of edge discovery: the dns variant', () => {
    const report = analyze(cf([START, 'cloudflared-1  | 2026-11-28T03:58:01Z ERR edge discovery: error looking up Cloudflare edge IPs: the DNS query failed error="lookup _v2-origintunneld._tcp.argotunnel.com on 127.0.0.11:53: no such host" event=0']), { checks: [connectionLog] });
    expect(report.findings[0]).toMatchObject({ id: 'edge.unreachable', severity: 'error', title: 'cloudflared cannot look up the tunnel edge (DNS)', data: { state: 'dns' } });
  });

  it('several pods: the failing one is named in seenIn, the healthy one counted as connected', () => {
    const a = (line: string) => `[pod/mcp-tunnel-6d5f7c9b8-aaaaa/cloudflared] ${line.replace(/^cloudflared-1 {2}\| /, '')}`;
    const b = (line: string) => `[pod/mcp-tunnel-6d5f7c9b8-bbbbb/cloudflared] ${line.replace(/^cloudflared-1 {2}\| /, '')}`;
    const report = analyze(cf([a(START), b(START), a(reg(0, 'quic')), b(QUIC_FAIL), a(reg(1, 'quic')), b(TCP_FAIL)]), { checks: [connectionLog] });
    const unreachable = report.findings.find((f) => f.id === 'edge.unreachable')!;
    expect(unreachable.severity).toBe('error');
    expect(unreachable.evidence.at(-1)!.seenIn).toEqual(['mcp-tunnel-6d5f7c9b8-bbbbb']);
    const connected = report.findings.find((f) => f.id === 'edge.connected')!;
    expect(connected.data).toMatchObject({ connections: 2, pods: ['mcp-tunnel-6d5f7c9b8-aaaaa'] });
  });

  it('the pre-check table: HTTP/2 and QUIC FAIL rows make an error', () => {
    const report = analyze(
      cf([
        'cloudflared-1  | 2026-11-28T03:58:01Z INF |  UDP Connectivity  Port 7844 (QUIC)    FAIL    QUIC connection failed                       |',
        'cloudflared-1  | 2026-11-28T03:58:01Z INF |  TCP Connectivity  Port 7844 (HTTP/2)  FAIL    HTTP/2 connection is blocked or unreachable  |',
      ]),
      { checks: [connectionLog] },
    );
    expect(report.findings.map((f) => [f.id, f.severity, f.data?.state])).toEqual([['edge.unreachable', 'error', 'both']]);
  });
});

describe('edge.token-log', () => {
  it('the usage error: token missing (current), with evidence', () => {
    const report = analyze(cf(['"cloudflared tunnel run" requires the ID or name of the tunnel to run as the last command line argument or in the configuration file.']), { checks: [tokenLog] });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ id: 'edge.token-missing', severity: 'error', data: { from: 'log', problem: 'missing' } });
    expect(report.findings[0]!.detail).toMatch(/usage error/);
  });

  it('an invalid token, then a restart that registers: recovered, not current', () => {
    const report = analyze(cf(['cloudflared-1  | Provided Tunnel token is not valid.', 'cloudflared-1  | Provided Tunnel token is not valid.', START, reg(0, 'quic')]), { checks: [tokenLog] });
    expect(report.findings.map((f) => [f.id, f.severity])).toEqual([['edge.token-malformed', 'info']]);
    expect(report.findings[0]!.detail).toMatch(/2× .* then registered tunnel connections .* the token it runs with now decodes/);
    expect(report.findings[0]!.data).toMatchObject({ recovered: true });
    expect(report.findings[0]!.evidence.at(-1)!.text).toMatch(/Registered tunnel connection/);
  });

  it('the edge refusing the token names the reason', () => {
    const report = analyze(cf(['2026-11-28T04:00:05Z ERR Register tunnel error from server side error="Unauthorized: Invalid tunnel secret" connIndex=0 event=0 ip=198.41.200.13']), { checks: [tokenLog] });
    expect(report.findings[0]).toMatchObject({ id: 'edge.token-rejected', severity: 'error', data: { reason: 'Invalid tunnel secret' } });
    expect(report.findings[0]!.detail).toMatch(/^The edge answered `Unauthorized: Invalid tunnel secret`/);
  });
});

describe('edge.no-ingress-log, edge.origin-log, edge.udp-buffer-log', () => {
  const NO_INGRESS = (t: string) => `cloudflared-1  | 2026-11-28T04:0${t}Z WRN No ingress rules were defined in provided config (if any) nor from the cli, cloudflared will return 503 for all incoming HTTP requests`;

  it('no ingress per request: an error with how many and when', () => {
    const report = analyze(cf([START, NO_INGRESS('1:12'), NO_INGRESS('1:30'), NO_INGRESS('2:02')]), { checks: [noIngressLog] });
    expect(report.findings[0]).toMatchObject({ id: 'edge.no-ingress', severity: 'error' });
    expect(report.findings[0]!.detail).toMatch(/logged per request/);
    // The first line, then the latest with the count, first and last seen, and the container.
    expect(report.findings[0]!.evidence).toEqual([
      { source: 'logs/cloudflared', line: 2, text: expect.stringMatching(/^2026-11-28T04:01:12Z WRN No ingress rules were defined/) },
      { source: 'logs/cloudflared', line: 4, text: expect.stringMatching(/^2026-11-28T04:02:02Z WRN No ingress/), count: 3, firstSeen: '2026-11-28T04:01:12Z', lastSeen: '2026-11-28T04:02:02Z', seenIn: ['cloudflared-1'] },
    ]);
  });

  it('no ingress, then a restart with none since: only a warning that says so', () => {
    const report = analyze(cf([NO_INGRESS('1:12'), START.replace('03:58:00', '04:05:00')]), { checks: [noIngressLog] });
    expect(report.findings[0]).toMatchObject({ id: 'edge.no-ingress', severity: 'warning' });
    expect(report.findings[0]!.detail).toMatch(/then restarted .* has not logged it since/);
  });

  it('origin unreachable: the origin and the dial error', () => {
    const report = analyze(cf(['2026-11-28T04:02:31Z ERR  error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused" cfRay=8e1f2a3b4c5d6e7f-LHR event=1 ingressRule=0 originService=http://localhost:8080']), { checks: [originLog] });
    expect(report.findings[0]).toMatchObject({ id: 'edge.origin-unreachable', severity: 'error', data: { origin: 'http://localhost:8080', error: 'dial tcp 127.0.0.1:8080: connect: connection refused' } });
    expect(report.findings[0]!.detail).toContain('at http://localhost:8080 (dial tcp 127.0.0.1:8080: connect: connection refused)');
  });

  it('the UDP buffer warning is info, not a cause', () => {
    const report = analyze(cf(['cloudflared-1  | 2026/11/28 03:58:01 failed to sufficiently increase receive buffer size (was: 208 kiB, wanted: 7168 kiB, got: 416 kiB). See https://github.com/quic-go/quic-go/wiki/UDP-Buffer-Sizes for details.']), { checks: [udpBufferLog] });
    expect(report.findings[0]).toMatchObject({ id: 'edge.udp-buffer-hint', severity: 'info', data: { wantedKiB: 7168, gotKiB: 416 } });
    expect(report.findings[0]!.evidence[0]).toMatchObject({ firstSeen: '2026-11-28T03:58:01' });
  });

  it('nothing to say about a log without these lines', () => {
    const s = cf([START, reg(0, 'quic')]);
    for (const check of [tokenLog, noIngressLog, originLog, udpBufferLog]) expect(check.run(s)).toEqual([]);
  });

  it('redacts a token that appears in a matched line', () => {
    const token = `eyJhIjoi${'A'.repeat(60)}`;
    const report = analyze(cf([`cloudflared-1  | 2026-11-28T04:00:05Z ERR Register tunnel error from server side error="Unauthorized: Invalid tunnel secret" token=${token}`]), { checks: [tokenLog] });
    expect(JSON.stringify(report)).not.toContain(token);
    expect(report.findings[0]!.evidence[0]!.text).toContain('[REDACTED]');
  });
});
