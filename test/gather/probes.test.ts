// Every probe here dials a loopback listener this test started (SPEC section 7).
import { describe, expect, it, afterEach, beforeAll } from 'vitest';
import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTlsServer } from 'node:tls';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { probeListener, probeTcp, parseHostPort } from '../../src/gather/probes.js';
import { probeHost } from '../../src/snapshot/probe-marker.js';
import { gatherSnapshot } from '../../src/gather/index.js';
import { analyze } from '../../src/analyze/index.js';
import { defaultOptions } from '../../src/options.js';
import { setupStylePki, privateKeyPem, type DeploymentPki } from '../../src/gather/make-cert.js';
import { makeScenario } from '../helpers/stand-ins.js';
import { composeRules, type ComposeSpec } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { tempDir } from '../helpers/cli.js';
import { listenOnLoopback } from '../helpers/listen.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const listen = (server: Server) => listenOnLoopback(server, cleanups);

/** A port nobody listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Plaintext WebSocket as the proxy serves it: 101 for version 13, else 426 naming the versions it speaks. */
async function plaintextWebSocket(): Promise<{ port: number; upgrades: string[]; requests: { host?: string; ua?: string; marker?: string }[]; connections: () => number }> {
  const upgrades: string[] = [];
  const requests: { host?: string; ua?: string; marker?: string }[] = [];
  let connections = 0;
  const server = createHttpServer((_req, res) => {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end('Bad Request');
  });
  server.on('connection', () => connections++);
  server.on('upgrade', (req, socket) => {
    const version = String(req.headers['sec-websocket-version'] ?? '');
    upgrades.push(version);
    requests.push({ host: req.headers.host, ua: req.headers['user-agent'], marker: req.headers['x-mcp-tunnel-triage-probe'] as string | undefined });
    if (version !== '13') {
      socket.end('HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  });
  return { port: await listen(server as unknown as Server), upgrades, requests, connections: () => connections };
}

let pki: DeploymentPki;
beforeAll(async () => {
  pki = await setupStylePki({ domain: 'abcd1234.tunnel.anthropic.com', now: new Date(), serverBits: 2048 });
});

describe('the edge probe (TCP connect)', () => {
  it('connects to an open port', async () => {
    const port = await listen(createTcpServer((s) => s.end()));
    const r = await probeTcp({ host: '127.0.0.1', port }, 2_000);
    expect(r).toMatchObject({ target: `127.0.0.1:${port}`, ok: true, detail: 'TCP connection established' });
  });

  it('reports a closed port', async () => {
    const port = await closedPort();
    const r = await probeTcp({ host: '127.0.0.1', port }, 2_000);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^ECONNREFUSED/);
  });

  it('parses HOST:PORT and [v6]:PORT and nothing else', () => {
    expect(parseHostPort('198.41.192.7:7844')).toEqual({ host: '198.41.192.7', port: 7844 });
    expect(parseHostPort('[::1]:7844')).toEqual({ host: '::1', port: 7844 });
    expect(parseHostPort('region1.v2.argotunnel.com:7844')).toEqual({ host: 'region1.v2.argotunnel.com', port: 7844 });
    for (const bad of ['7844', 'host', 'host:0', 'host:99999', '::1:7844', '-x:1', '[zz]:1']) expect(parseHostPort(bad), bad).toBeUndefined();
  });
});

describe('the listener probe', () => {
  it('finds plaintext WebSocket without upgrading, in one request marked as ours and no TLS', async () => {
    const ws = await plaintextWebSocket();
    const r = await probeListener({ host: '127.0.0.1', port: ws.port }, probeHost('abcd1234.tunnel.anthropic.com'), 3_000);
    expect(r).toMatchObject({ ok: true, answer: 'websocket', statusLine: 'HTTP/1.1 426 Upgrade Required', host: 'mcp-tunnel-triage-probe.abcd1234.tunnel.anthropic.com' });
    expect(ws.upgrades).toEqual(['0']); // never a version the server would upgrade on
    // The Host is a name under the tunnel domain that no route has, never the address dialled; all of it says it is ours.
    expect(ws.requests).toEqual([{ host: 'mcp-tunnel-triage-probe.abcd1234.tunnel.anthropic.com', ua: expect.stringMatching(/^mcp-tunnel-triage-probe\//), marker: 'mcp-tunnel-triage-probe' }]);
    // One connection: no TLS ClientHello is sent to a plaintext listener (a proxy logs it as a miss for an empty host).
    await new Promise((done) => setTimeout(done, 200));
    expect(ws.connections()).toBe(1);
    expect(r.tlsError).toBeUndefined();
  });

  it('tells a TLS listener from a plaintext one', async () => {
    const server = createTlsServer({ key: privateKeyPem(pki.serverKey.privateKey), cert: pki.server.pem }, (s) => s.end());
    server.on('tlsClientError', () => {});
    const port = await listen(server as unknown as Server);
    const r = await probeListener({ host: '127.0.0.1', port }, probeHost(undefined), 3_000);
    expect(r.ok).toBe(false);
    expect(r.answer ?? 'no answer').not.toBe('websocket');
  });

  it('reports a closed port', async () => {
    const port = await closedPort();
    const r = await probeListener({ host: '127.0.0.1', port }, probeHost(undefined), 2_000);
    expect(r).toMatchObject({ ok: false });
    expect(r.detail).toMatch(/^ECONNREFUSED/);
  });
});

describe('probes in a live gather', () => {
  async function compose(): Promise<{ dir: string; project: string }> {
    const t = await tempDir('mtt-probe-');
    cleanups.push(t.cleanup);
    await mkdir(join(t.dir, 'config'));
    await writeFile(join(t.dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    await writeFile(join(t.dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
    return { dir: t.dir, project: basename(t.dir).toLowerCase().replace(/[^-_a-z0-9]/g, '') };
  }

  it('dials the published listener on loopback and the edge named with --edge: plaintext info, no edge error', async () => {
    const { dir, project } = await compose();
    const ws = await plaintextWebSocket();
    const edge = await listen(createTcpServer((s) => s.end()));
    const spec: ComposeSpec = { flavor: 'v2-lines', project, dir, containers: [{ service: 'mcp-proxy', state: 'running', ip: '127.0.0.2', published: [{ containerPort: 8080, hostPort: ws.port, hostIp: '0.0.0.0' }] }, { service: 'cloudflared', state: 'running' }] };
    const sc = await makeScenario(composeRules(spec));
    cleanups.push(sc.cleanup);
    const s = await gatherSnapshot(defaultOptions({ dir, edge: `127.0.0.1:${edge}`, timeoutMs: 5_000 }), undefined, { env: sc.env });
    expect(s.state.probes!.edge).toMatchObject({ target: `127.0.0.1:${edge}`, ok: true });
    expect(s.state.probes!.listener).toMatchObject({ target: `127.0.0.1:${ws.port}`, answer: 'websocket' });
    const report = analyze(s);
    const info = report.findings.find((f) => f.id === 'tls.plaintext-listener')!;
    expect(info.severity).toBe('info');
    expect(info.detail).toContain(`answered a WebSocket request in plaintext (\`HTTP/1.1 426 Upgrade Required\`)`);
    // The probe asked for a host under the config's tunnel_domain that no route has.
    expect(ws.requests.map((q) => q.host)).toEqual(['mcp-tunnel-triage-probe.abcd1234.tunnel.anthropic.com']);
    expect(report.findings.some((f) => f.id === 'edge.unreachable')).toBe(false);
  });

  it('an edge that refuses is edge.unreachable (probe); --no-network dials nothing', async () => {
    const { dir, project } = await compose();
    const port = await closedPort();
    // Not published: the container's own address is dialled on the config's listen port (our listener here).
    const ws = await plaintextWebSocket();
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n').replace('listen_addr: ":8080"', `listen_addr: ":${ws.port}"`));
    const spec: ComposeSpec = { flavor: 'v2-lines', project, dir, containers: [{ service: 'mcp-proxy', state: 'running', ip: '127.0.0.1' }, { service: 'cloudflared', state: 'running' }] };
    const sc = await makeScenario(composeRules(spec));
    cleanups.push(sc.cleanup);
    const s = await gatherSnapshot(defaultOptions({ dir, edge: `127.0.0.1:${port}`, timeoutMs: 5_000 }), undefined, { env: sc.env });
    const f = analyze(s).findings.find((x) => x.id === 'edge.unreachable')!;
    expect(f.detail).toMatch(new RegExp(`^A TCP connection to 127\\.0\\.0\\.1:${port} failed \\(ECONNREFUSED`));
    expect(f.evidence[0]!.source).toBe('probe');
    expect(s.state.probes!.listener).toMatchObject({ target: `127.0.0.1:${ws.port}`, answer: 'websocket' });

    const off = await gatherSnapshot(defaultOptions({ dir, network: false, timeoutMs: 5_000 }), undefined, { env: sc.env });
    expect(off.state.probes).toBeUndefined();
    expect(off.notes).toContain('network probes skipped (--no-network)');
  });
});
