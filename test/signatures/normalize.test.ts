import { describe, expect, it } from 'vitest';
import { normalizeLine, normalizeTime, opensBlock, sourceOfName } from '../../src/signatures/normalize.js';
import { scanText } from '../../src/signatures/scanner.js';
import type { LogRecord } from '../../src/signatures/types.js';

const REGISTERED = 'Registered tunnel connection connIndex=0 connection=7a1c3e52-2f4d-4d9e-a6b1-5d0c7e9f8a21 event=0 ip=198.41.200.13 location=lhr01 protocol=quic';

describe('normalizeLine: program formats', () => {
  it('cloudflared console: TIME LVL message key=value', () => {
    const n = normalizeLine(`2026-11-28T03:58:02Z INF ${REGISTERED}`);
    expect(n).toMatchObject({ time: '2026-11-28T03:58:02Z', level: 'info', text: REGISTERED, continuation: false });
    expect(n.fields).toMatchObject({ connIndex: '0', location: 'lhr01', protocol: 'quic', ip: '198.41.200.13' });
  });

  it('cloudflared console with an empty message and a quoted error field', () => {
    const n = normalizeLine('2026-11-28T04:02:31Z ERR  error="Unable to reach the origin service: dial tcp 127.0.0.1:8080: connect: connection refused" originService=http://localhost:8080');
    expect(n.level).toBe('error');
    expect(n.fields.error).toBe('Unable to reach the origin service: dial tcp 127.0.0.1:8080: connect: connection refused');
    expect(n.fields.originService).toBe('http://localhost:8080');
  });

  it('cloudflared --logformat json: level, time, message, and the other keys as fields', () => {
    const n = normalizeLine('{"level":"error","error":"failed to dial to edge with quic: timeout: no recent network activity","connIndex":1,"time":"2026-11-28T03:58:07Z","message":"Failed to dial a quic connection"}');
    expect(n).toMatchObject({ time: '2026-11-28T03:58:07Z', level: 'error' });
    expect(n.text).toBe('Failed to dial a quic connection error="failed to dial to edge with quic: timeout: no recent network activity" connIndex=1');
    expect(n.fields).toEqual({ error: 'failed to dial to edge with quic: timeout: no recent network activity', connIndex: '1' });
  });

  it('slog text: time= level= msg="..." err="..."', () => {
    const n = normalizeLine('time=2026-11-28T04:05:10.201Z level=ERROR msg="tls handshake failed" remote=10.0.3.7:51234 err="remote error: tls: bad certificate"');
    expect(n).toMatchObject({ time: '2026-11-28T04:05:10.201Z', level: 'error', text: 'tls handshake failed remote=10.0.3.7:51234 err="remote error: tls: bad certificate"' });
    expect(n.fields).toEqual({ remote: '10.0.3.7:51234', err: 'remote error: tls: bad certificate' });
  });

  it('slog JSON: time, level, msg', () => {
    const n = normalizeLine('{"time":"2026-11-28T04:10:00.123456Z","level":"WARN","msg":"no route for host","host":"mcp.x.tunnel.anthropic.com"}');
    expect(n).toMatchObject({ time: '2026-11-28T04:10:00.123Z', level: 'warn', text: 'no route for host host=mcp.x.tunnel.anthropic.com', fields: { host: 'mcp.x.tunnel.anthropic.com' } });
  });

  it('Go log.Printf: date and time, no level, optional file:line', () => {
    expect(normalizeLine('2026/11/28 03:58:01 failed to sufficiently increase receive buffer size')).toMatchObject({ time: '2026-11-28T03:58:01', text: 'failed to sufficiently increase receive buffer size' });
    expect(normalizeLine('2026/11/28 03:58:01.123456 main.go:42: open /data/tls.key: permission denied')).toMatchObject({ time: '2026-11-28T03:58:01.123', text: 'open /data/tls.key: permission denied' });
  });

  it('plain text stays as it is', () => {
    expect(normalizeLine('Provided Tunnel token is not valid.')).toMatchObject({ text: 'Provided Tunnel token is not valid.', continuation: false, fields: {} });
  });

  it('a line that is not JSON but starts with { stays plain text', () => {
    expect(normalizeLine('{not json} at all').text).toBe('{not json} at all');
  });
});

describe('normalizeLine: prefixes added on the way', () => {
  it('docker compose v2 `svc-1  | ` and v1 `project_svc_1  | `, keeping the container as the origin', () => {
    expect(normalizeLine(`cloudflared-1  | 2026-11-28T03:58:02Z INF ${REGISTERED}`)).toMatchObject({ origin: 'cloudflared-1', source: 'cloudflared', level: 'info', text: REGISTERED });
    expect(normalizeLine(`tunnel_cloudflared_1  | 2026-11-28T03:58:02Z INF ${REGISTERED}`)).toMatchObject({ origin: 'tunnel_cloudflared_1', source: 'cloudflared', text: REGISTERED });
    expect(normalizeLine('mcp-proxy-1    | 2026/11/28 04:00:01 open /data/tls.key: permission denied')).toMatchObject({ origin: 'mcp-proxy-1', source: 'mcp-proxy' });
    expect(normalizeLine('setup-1  | token exchange failed')).toMatchObject({ source: 'setup', text: 'token exchange failed' });
  });

  it('does not take a table row or a pipe in a message for a compose prefix', () => {
    expect(normalizeLine('2026-11-28T03:58:01Z INF |  UDP Connectivity  Port 7844 (QUIC)  FAIL  |').origin).toBeUndefined();
    expect(normalizeLine('status | ok').origin).toBeUndefined();
  });

  it('docker logs -t / kubectl logs --timestamps: the runtime timestamp before the program line', () => {
    const n = normalizeLine(`2026-11-28T03:58:05.412345678Z 2026-11-28T03:58:05Z INF ${REGISTERED}`);
    expect(n).toMatchObject({ time: '2026-11-28T03:58:05Z', level: 'info', text: REGISTERED, display: `2026-11-28T03:58:05Z INF ${REGISTERED}` });
    // A program line without a time of its own takes the runtime's, and shows it.
    expect(normalizeLine('2026-11-28T04:00:01.123456789Z open /data/tls.key: permission denied')).toMatchObject({
      time: '2026-11-28T04:00:01.123Z',
      text: 'open /data/tls.key: permission denied',
      display: '2026-11-28T04:00:01.123456789Z open /data/tls.key: permission denied',
    });
  });

  it('kubectl logs --prefix: the pod is the origin, the container the source', () => {
    const n = normalizeLine(`[pod/mcp-tunnel-6d5f7c9b8-x2k4q/cloudflared] 2026-11-28T03:58:05.412345678Z 2026-11-28T03:58:05Z INF ${REGISTERED}`);
    expect(n).toMatchObject({ origin: 'mcp-tunnel-6d5f7c9b8-x2k4q', source: 'cloudflared', time: '2026-11-28T03:58:05Z', text: REGISTERED });
    expect(normalizeLine('[pod/mcp-tunnel-6d5f7c9b8-x2k4q/mcp-proxy] time=2026-11-28T04:05:10Z level=ERROR msg="tls handshake failed"')).toMatchObject({ source: 'mcp-proxy', level: 'error', text: 'tls handshake failed' });
  });

  it('journald, short and short-iso, with the syslog identifier as the source', () => {
    expect(normalizeLine(`Nov 28 03:58:05 edge-host cloudflared[812]: 2026-11-28T03:58:05Z INF ${REGISTERED}`)).toMatchObject({ source: 'cloudflared', time: '2026-11-28T03:58:05Z', text: REGISTERED });
    expect(normalizeLine('Nov  8 03:58:05 edge-host cloudflared[812]: Provided Tunnel token is not valid.')).toMatchObject({ source: 'cloudflared', time: 'Nov  8 03:58:05', text: 'Provided Tunnel token is not valid.' });
    expect(normalizeLine('2026-11-28T03:58:05+0000 edge-host mcp-proxy[90]: 2026/11/28 03:58:05 open /data/tls.key: permission denied')).toMatchObject({ source: 'mcp-proxy', text: 'open /data/tls.key: permission denied' });
  });

  it('is not fooled into journald by a cloudflared line with a colon', () => {
    expect(normalizeLine('2026-11-28T03:58:00Z INF Version: 2026.5.0')).toMatchObject({ level: 'info', text: 'Version: 2026.5.0' });
  });

  it('strips CR and ANSI colours', () => {
    expect(normalizeLine(`\u001b[90m2026-11-28T03:58:02Z\u001b[0m \u001b[32mINF\u001b[0m ${REGISTERED}\r`)).toMatchObject({ level: 'info', text: REGISTERED });
  });
});

describe('multi-line Go errors', () => {
  const records = (text: string) => {
    const out: LogRecord[] = [];
    scanText(text, (r) => out.push(r));
    return out;
  };

  it('marks indented lines as continuations and `...errors:` as a block opener', () => {
    expect(normalizeLine('  line 3: cannot unmarshal !!seq into map[string]string').continuation).toBe(true);
    expect(normalizeLine('mcp-proxy-1  |   line 3: cannot unmarshal !!seq into map[string]string').continuation).toBe(true);
    expect(opensBlock(normalizeLine('2026/11/28 04:00:01 load config: yaml: unmarshal errors:'))).toBe(true);
    expect(opensBlock(normalizeLine('2026/11/28 04:00:01 route configured'))).toBe(false);
  });

  it('joins `yaml: unmarshal errors:` and its indented lines into one record at the header line', () => {
    const [rec, ...rest] = records('noise\nmcp-proxy-1  | 2026/11/28 04:00:01 load config: yaml: unmarshal errors:\nmcp-proxy-1  |   line 3: cannot unmarshal !!seq into map[string]string\nmcp-proxy-1  |   line 9: cannot unmarshal !!seq into map[string]string\nafter\n');
    expect(rest).toEqual([]);
    expect(rec).toMatchObject({ line: 2, span: 3, time: '2026-11-28T04:00:01', origin: 'mcp-proxy-1' });
    expect(rec!.text).toBe('load config: yaml: unmarshal errors: line 3: cannot unmarshal !!seq into map[string]string line 9: cannot unmarshal !!seq into map[string]string');
  });

  it('does not join lines of another container interleaved by docker compose logs', () => {
    const [rec] = records('mcp-proxy-1  | 2026/11/28 04:00:01 load config: yaml: unmarshal errors:\nmcp-proxy-2  |   line 3: cannot unmarshal !!seq into map[string]string\n');
    expect(rec).toMatchObject({ line: 2, span: 1, origin: 'mcp-proxy-2' });
  });

  it('does not join an indented line that follows no opener', () => {
    const [rec] = records('2026/11/28 04:00:01 starting\n  line 3: cannot unmarshal !!seq into map[string]string\n');
    expect(rec).toMatchObject({ line: 2, span: 1 });
  });
});

describe('helpers', () => {
  it('names the service of a container, pod or syslog identifier', () => {
    expect(['cloudflared-1', 'tunnel_cloudflared_1', 'mcp-proxy', 'mcp-gateway', 'mcp-tunnel-setup', 'redis-1'].map(sourceOfName)).toEqual(['cloudflared', 'cloudflared', 'mcp-proxy', 'mcp-proxy', 'setup', undefined]);
  });

  it('normalises times to ISO-like strings, milliseconds at most', () => {
    expect(normalizeTime('2026-11-28T03:58:05.412345678Z')).toBe('2026-11-28T03:58:05.412Z');
    expect(normalizeTime('2026/11/28 03:58:05')).toBe('2026-11-28T03:58:05');
    expect(normalizeTime('"2026-11-28T03:58:05Z"')).toBe('2026-11-28T03:58:05Z');
  });
});

describe('normalizeLine: a cloudflared line behind a prefix no rule knows', () => {
  it('sees the console line through syslog with a year and facility, pm2, stderr:, and a glued timestamp', () => {
    const cases: [string, Partial<LogRecord>][] = [
      ['Tue May  9 07:33:05 2023 daemon.err cloudflared[4748]: 2023-05-08T23:33:05Z INF Registered tunnel connection connIndex=0', { source: 'cloudflared', level: 'info', time: '2023-05-08T23:33:05Z', text: 'Registered tunnel connection connIndex=0' }],
      ['89|tunnel  | 2021-07-15T10:00:00Z ERR Couldn\'t start tunnel error="x"', { level: 'error', text: 'Couldn\'t start tunnel error="x"' }],
      ['stderr: 2024-02-24T12:30:04Z INF Starting tunnel tunnelID=c4a2cb84-b434-4ae9-9d23-64750461f666', { level: 'info', text: 'Starting tunnel tunnelID=c4a2cb84-b434-4ae9-9d23-64750461f666' }],
      ['2025-11-11 12:49:51.025781+00:002025-11-11T12:49:51Z INF Retrying connection in up to 1m4s connIndex=0', { time: '2025-11-11T12:49:51Z', text: 'Retrying connection in up to 1m4s connIndex=0' }],
      ['Jun 21 12:22:47: 2025-06-21T10:22:47Z WRN Serve tunnel error error="connection with edge closed" connIndex=1', { level: 'warn', text: 'Serve tunnel error error="connection with edge closed" connIndex=1' }],
    ];
    for (const [raw, want] of cases) {
      const n = normalizeLine(raw);
      expect(n, raw).toMatchObject(want);
      expect(n.display, raw).toBe(raw.slice(raw.indexOf(raw.match(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ [A-Z]{3} /)![0])));
    }
    expect(normalizeLine('89|tunnel  | 2021-07-15T10:00:00Z ERR x').source).toBeUndefined();
    expect(normalizeLine('cloudflared_1_pm2 | 2021-07-15T10:00:00Z ERR x').source).toBe('cloudflared');
  });
});
