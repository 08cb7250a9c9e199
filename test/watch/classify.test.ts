// The line -> event classifier and the reducer, on lines the real cloudflared 2025.5.0 printed behind the
// test's fake edge (test/watch/recorded/, made by capture.sh) and on the stand-in proxy's lines.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LineFeed } from '../../src/gather/watch-session.js';
import { addEvents, initialWatch, watchExitCode } from '../../src/watch/reduce.js';
import { watchPathModel } from '../../src/watch/path.js';
import { NO_ROUTE, type WatchEvent } from '../../src/watch/types.js';
import type { LogSource } from '../../src/snapshot/types.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';

const RECORDED = fileURLToPath(new URL('./recorded/', import.meta.url));
const recorded = (name: string) => readFileSync(`${RECORDED}${name}`, 'utf8');
const DOMAIN = 'abcd1234.tunnel.anthropic.com';
const snapshot = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  wiki: http://10.0.0.5:8080\n  docs: http://10.0.0.6:8080\n') } });

/** Lines through the same path as a live watch: scanner, catalog, classifier. */
function eventsOf(lines: string, source: LogSource, key: string = source): WatchEvent[] {
  const out: WatchEvent[] = [];
  const feed = new LineFeed(snapshot, (events) => out.push(...events), () => Date.parse('2026-12-04T01:16:50Z'));
  // In pieces of odd sizes, as a pipe hands them over.
  const bytes = Buffer.from(lines);
  for (let i = 0; i < bytes.length; i += 97) feed.push(key, source, bytes.subarray(i, i + 97));
  feed.end();
  return out;
}

const proxyLine = (level: string, msg: string, rest: string) => `time=2026-12-04T01:16:50Z level=${level} msg="${msg}" ${rest}\n`;

describe('watch classifier on the real cloudflared', () => {
  it('requests through the tunnel: each request line at cloudflared, the origin answering at the proxy, the refused dial at cloudflared once (its echo is the same request)', () => {
    const events = eventsOf(recorded('cloudflared-with-url.log'), 'cloudflared');
    const requests = events.filter((e) => e.request);
    expect(requests.map((e) => [e.signature, e.hop, e.outcome, e.status ?? null])).toEqual([
      ['cloudflared.request', 'cloudflared', 'ok', null],
      ['cloudflared.origin-response', 'proxy', 'ok', 200],
      ['cloudflared.request', 'cloudflared', 'ok', null],
      ['cloudflared.origin-response', 'proxy', 'ok', 404],
      ['cloudflared.request', 'cloudflared', 'ok', null],
      ['cloudflared.origin-unreachable', 'cloudflared', 'failed', 502],
    ]);
    expect(requests[0]!.host).toBe(`wiki.${DOMAIN}`);
    expect(requests[0]!.line).toBe(`GET /index.html host=wiki.${DOMAIN}`);
    const refused = requests.at(-1)!;
    expect(refused.finding).toBe('edge.origin-unreachable');
    expect(refused.severity).toBe('error');
    expect(refused.line).toMatch(/Unable to reach the origin service.*connection refused/);
    // Its own lines: where the metrics are, that it started; its DNS lookups fail in the test's namespace.
    expect(events.find((e) => e.signature === 'cloudflared.metrics-server')?.line).toMatch(/127\.0\.0\.1:20241\/metrics/);
    expect(events.some((e) => e.signature === 'cloudflared.edge-dns' && !e.request && e.outcome === 'failed')).toBe(true);
  });

  it('no --url: every request is a 503 from cloudflared (edge.no-ingress), logged once per request', () => {
    const requests = eventsOf(recorded('cloudflared-no-url.log'), 'cloudflared').filter((e) => e.request);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ signature: 'cloudflared.no-ingress', finding: 'edge.no-ingress', hop: 'cloudflared', outcome: 'failed', status: 503 });
  });

  it('the proxy: a routed request at its route, no route for a host, an upstream outside the allowed ranges by host', () => {
    const events = eventsOf(
      proxyLine('INFO', 'proxied request', `host=wiki.${DOMAIN} route=wiki upstream=http://10.0.0.5:8080 status=200`) +
        proxyLine('WARN', 'no route for host', 'host=x.example.com') +
        proxyLine('ERROR', 'IP validation failed: 8.8.8.8 is not a private address', `host=docs.${DOMAIN}`) +
        proxyLine('INFO', 'proxied request', `host=docs.${DOMAIN} route=docs upstream=http://10.0.0.6:8080 status=502`),
      'mcp-proxy',
    );
    expect(events.map((e) => [e.signature, e.hop, e.route, e.outcome])).toEqual([
      ['proxy.request-routed', 'routes', 'wiki', 'ok'],
      ['proxy.no-route', 'routes', NO_ROUTE, 'failed'],
      ['proxy.ip-not-private', 'routes', 'docs', 'failed'],
      ['proxy.request-routed', 'routes', 'docs', 'failed'],
    ]);
    expect(events[0]!.status).toBe(200);
    expect(events[1]!.finding).toBe('routing.no-route-for-host');
  });

  it('prefixes and formats seen through: a pod named by kubectl --prefix, cloudflared JSON lines', () => {
    const [e] = eventsOf(`[pod/mcp-tunnel-7d9f-x2x9k/cloudflared] 2026-12-04T01:16:47.123456789Z {"level":"error","error":"Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused","originService":"http://localhost:8080","time":"2026-12-04T01:16:47Z","message":""}\n`, 'cloudflared', 'pod');
    expect(e).toMatchObject({ origin: 'mcp-tunnel-7d9f-x2x9k', hop: 'cloudflared', outcome: 'failed', time: '2026-12-04T01:16:47Z' });
  });

  it('what it shows is redacted and has no terminal controls', () => {
    const [e] = eventsOf(proxyLine('ERROR', 'tls handshake failed', 'err="remote error: bad certificate \u001b]0;pwned\u0007 Authorization: Bearer abcdefghijklmnop1234"'), 'mcp-proxy');
    expect(e!.hop).toBe('proxy');
    expect(e!.line).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(e!.line).not.toContain('abcdefghijklmnop1234');
    expect(e!.line).toContain('[REDACTED]');
  });

  it('lines the catalog does not know are not events', () => {
    expect(eventsOf(proxyLine('INFO', 'listening', 'addr=:8080') + 'random noise\n', 'mcp-proxy')).toEqual([]);
  });
});

describe('watch reducer: the path alive', () => {
  const routed = eventsOf(proxyLine('INFO', 'proxied request', `host=wiki.${DOMAIN} route=wiki upstream=http://10.0.0.5:8080 status=200`), 'mcp-proxy');
  const noRoute = eventsOf(proxyLine('WARN', 'no route for host', 'host=x.example.com'), 'mcp-proxy');
  const originDown = eventsOf(recorded('cloudflared-with-url.log').split('\n').filter((l) => /Unable to reach/.test(l)).join('\n') + '\n', 'cloudflared');
  let seq = 0;
  const renumber = (es: WatchEvent[]) => es.map((e) => ({ ...e, seq: ++seq }));

  it('a routed request lights every hop to its route; counts per hop', () => {
    const s = addEvents(initialWatch('2026-12-04T01:16:40Z'), renumber(routed));
    const model = watchPathModel(s, ['wiki', 'docs']);
    expect(model.hops.map((h) => [h.key, h.status])).toEqual([
      ['claude', 'ok'], ['edge', 'ok'], ['cloudflared', 'ok'], ['proxy', 'ok'], ['route:wiki', 'ok'], ['route:docs', 'unknown'],
    ]);
    expect(s.hops.routes).toEqual({ ok: 1, failed: 0 });
    expect(s.routes.wiki).toEqual({ ok: 1, failed: 0 });
    expect(watchExitCode(s)).toBe(0);
  });

  it('then no route: the proxy passed, the route box for it fails with the line; then the origin down: cloudflared fails, and the hops after it were not reached', () => {
    let s = addEvents(initialWatch('2026-12-04T01:16:40Z'), renumber([...routed, ...noRoute]));
    let model = watchPathModel(s, ['wiki', 'docs']);
    const status = () => Object.fromEntries(model.hops.map((h) => [h.key, h.status]));
    expect(status()).toMatchObject({ proxy: 'ok', 'route:wiki': 'ok', [`route:${NO_ROUTE}`]: 'failing' });
    expect(model.hops.find((h) => h.key === `route:${NO_ROUTE}`)!.failing[0]!.title).toBe('no route for host host=x.example.com');
    s = addEvents(s, renumber(originDown));
    model = watchPathModel(s, ['wiki', 'docs']);
    expect(status()).toMatchObject({ claude: 'ok', edge: 'ok', cloudflared: 'failing', proxy: 'unknown', 'route:wiki': 'unknown', [`route:${NO_ROUTE}`]: 'unknown' });
    expect(model.hops.find((h) => h.key === 'cloudflared')!.failing[0]!.title).toMatch(/Unable to reach the origin service/);
    expect(s.hops.cloudflared).toEqual({ ok: 0, failed: 1 });
    expect(s.bySeverity.error).toBe(2);
    expect(s.byFinding).toEqual({ 'routing.no-route-for-host': 1, 'edge.origin-unreachable': 1 });
    expect(watchExitCode(s)).toBe(1);
  });

  it("a crash stands until the catalog's recovery line (the key unreadable until `route configured`)", () => {
    const crash = eventsOf(proxyLine('ERROR', 'failed to start', 'err="load tls keypair: open /data/tls.key: permission denied"'), 'mcp-proxy');
    const started = eventsOf(proxyLine('INFO', 'route configured', 'route=wiki upstream=http://10.0.0.5:8080'), 'mcp-proxy');
    let s = addEvents(initialWatch('2026-12-04T01:16:40Z'), renumber(crash));
    expect(watchPathModel(s, ['wiki']).hops.find((h) => h.key === 'proxy')).toMatchObject({ status: 'failing' });
    expect(s.standing.proxy?.finding).toBe('tls.key-unreadable');
    s = addEvents(s, renumber(started));
    expect(s.standing.proxy).toBeUndefined();
    expect(watchPathModel(s, ['wiki']).hops.find((h) => h.key === 'proxy')!.status).not.toBe('failing');
  });
});

describe('watch reducer: the tunnel state', () => {
  it('a registered connection lights the edge only; the proxy starting lights the proxy only', () => {
    const events: WatchEvent[] = [];
    const feed = new LineFeed(snapshot, (e) => events.push(...e));
    feed.push('cf', 'cloudflared', Buffer.from('2026-12-04T01:00:00Z INF Registered tunnel connection connIndex=0 connection=1c9e2f4a-7b3d-4e6f-8a1c-2d4e6f8a0b1c event=0 ip=198.41.200.23 location=lhr01 protocol=quic\n'));
    feed.push('px', 'mcp-proxy', Buffer.from('time=2026-12-04T01:00:01Z level=INFO msg="route configured" route=wiki upstream=http://10.0.0.5:8080\n'));
    feed.end();
    expect(events.map((e) => [e.signature, e.hop, e.request])).toEqual([
      ['cloudflared.registered', 'edge', false],
      ['proxy.route-configured', 'routes', false],
    ]);
    const model = watchPathModel(addEvents(initialWatch('t'), events), ['wiki']);
    expect(Object.fromEntries(model.hops.map((h) => [h.key, h.status]))).toEqual({ claude: 'unknown', edge: 'ok', cloudflared: 'unknown', proxy: 'ok', 'route:wiki': 'unknown' });
  });
});
