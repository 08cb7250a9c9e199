#!/usr/bin/env node
// Regenerates test/signatures/real/: what the real cloudflared prints for each way a tunnel breaks, run
// ONLY inside a new network namespace that holds nothing but loopback (it dials the edge and looks up
// DNS names by itself), always with --no-autoupdate and two --edge loopback addresses, each run bounded
// in time. The edge is absent, a closed port, a port that accepts and never answers, or
// scripts/fake-edge.mjs (trusted through --cacert), which sends proxied requests.
//
//   sudo node scripts/cloudflared-fixtures.mjs [--binary /work/shared/tools/cloudflared/cloudflared]
//
// Needs root (unshare -n). Writes <case>.log (cloudflared's console output), <case>.json.log (the same run's
// --logfile, JSON) where it logged anything, and cases.json (how each was run and what it should show).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createServer as createHttpServer, get } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startFakeEdge } from './fake-edge.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(root, 'test', 'signatures', 'real');
const EDGES = ['127.0.0.1:7844', '127.0.0.2:7844'];
const METRICS = '127.0.0.1:20241';

/**
 * The cases: what runs, for how long, and which findings its log must give (`expect`), as the catalog and
 * the checks read it (test/signatures/real-binary.test.ts holds the test).
 */
const CASES = [
  { name: 'token-missing', token: 'none', edge: 'none', ms: 8_000, expect: ['edge.token-missing'], what: 'no TUNNEL_TOKEN and no tunnel name' },
  { name: 'token-garbage', token: 'garbage', edge: 'none', ms: 8_000, expect: ['edge.token-malformed'], what: 'a TUNNEL_TOKEN that is not base64 of JSON' },
  { name: 'token-quoted', token: 'quoted', edge: 'none', ms: 8_000, expect: ['edge.token-malformed'], what: 'the token wrapped in quotes, as a .env line passes it' },
  { name: 'edge-refused-http2', token: 'fake', edge: 'closed', protocol: 'http2', ms: 12_000, expect: ['edge.unreachable'], what: 'HTTP/2 to an edge whose port is closed (connection refused)' },
  { name: 'edge-silent-http2', token: 'fake', edge: 'hang', protocol: 'http2', ms: 22_000, expect: ['edge.unreachable'], what: 'HTTP/2 to an edge that accepts TCP and never answers (TLS handshake times out)' },
  { name: 'edge-quic', token: 'fake', edge: 'closed', protocol: 'quic', ms: 10_000, expect: ['edge.unreachable'], what: 'QUIC (this build cannot offer its post-quantum curve, so every QUIC dial fails locally)' },
  { name: 'no-ingress', token: 'fake', edge: 'fake', protocol: 'http2', ms: 9_000, expect: ['edge.no-ingress'], what: 'no --url: requests from the edge get 503 and the no-ingress warning' },
  { name: 'origin-refused', token: 'fake', edge: 'fake', protocol: 'http2', url: 'http://localhost:8080', ms: 9_000, expect: ['edge.origin-unreachable'], what: '--url http://localhost:8080 with nothing listening: 502 and Unable to reach the origin service' },
  { name: 'origin-ok-debug', token: 'fake', edge: 'fake', protocol: 'http2', url: 'http://localhost:8080', origin: true, loglevel: 'debug', ms: 9_000, expect: [], what: 'requests proxied to a working origin (debug level): proof the edge reaches cloudflared' },
];

function mustBeRoot() {
  if (process.getuid?.() !== 0) {
    console.error('cloudflared-fixtures: run as root (it needs `unshare -n` to give cloudflared a loopback-only network namespace)');
    process.exit(2);
  }
}

/** Inside the namespace: nothing but loopback, or stop. */
function assertLoopbackOnly() {
  const names = Object.keys(networkInterfaces());
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  const other = links.filter((l) => !/^\d+: lo[:@]/.test(l));
  if (other.length || names.some((n) => n !== 'lo')) {
    console.error(`cloudflared-fixtures: refusing to run cloudflared: this network namespace has more than loopback (${other.join('; ') || names.join(', ')})`);
    process.exit(2);
  }
}

function fakeToken() {
  return Buffer.from(JSON.stringify({ a: randomBytes(16).toString('hex'), t: randomUUID(), s: randomBytes(32).toString('base64') })).toString('base64');
}

/** A TCP listener that accepts and then says nothing (a black-holed edge). */
function silentListener(addr) {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
  const sockets = new Set();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(port, host, () =>
      resolve({ close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }) }),
    ),
  );
}

function httpGet(url) {
  return new Promise((resolve) => {
    const req = get(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
  });
}

async function runCase(bin, c, work) {
  const token = c.token === 'fake' ? fakeToken() : c.token === 'garbage' ? 'not-a-token-at-all' : c.token === 'quoted' ? `"${fakeToken()}"` : undefined;
  const logfile = join(work, `${c.name}.json.log`);
  const args = ['tunnel', '--no-autoupdate', ...EDGES.flatMap((e) => ['--edge', e]), '--metrics', METRICS, '--logfile', logfile];
  if (c.protocol) args.push('--protocol', c.protocol);
  if (c.loglevel) args.push('--loglevel', c.loglevel);
  const cleanups = [];
  let edgeEvents = [];
  if (c.edge === 'hang') for (const e of EDGES) cleanups.push((await silentListener(e)).close);
  if (c.edge === 'fake') {
    const edge = await startFakeEdge({ listen: EDGES, requests: 3, intervalMs: 700, onEvent: (e) => edgeEvents.push(e) });
    const ca = join(work, 'edge-ca.pem');
    writeFileSync(ca, edge.caPem);
    args.push('--cacert', ca);
    cleanups.push(edge.close);
  }
  if (c.origin) {
    const origin = createHttpServer((req, res) => res.end('ok\n'));
    await new Promise((r) => origin.listen(8080, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => origin.close(() => r())));
  }
  args.push('run');
  if (c.url) args.push('--url', c.url);
  const env = { PATH: '/usr/bin:/bin', HOME: work };
  if (token !== undefined) env.TUNNEL_TOKEN = token;

  const started = Date.now();
  const child = spawn(bin, args, { env, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let ready;
  const readyTimer = setTimeout(async () => (ready = await httpGet(`http://${METRICS}/ready`)), Math.min(c.ms - 2000, 6000));
  const exit = await new Promise((resolve) => {
    const stop = setTimeout(() => child.kill('SIGTERM'), c.ms);
    const kill = setTimeout(() => child.kill('SIGKILL'), c.ms + 5000);
    child.on('exit', (code, signal) => {
      clearTimeout(stop);
      clearTimeout(kill);
      clearTimeout(readyTimer);
      resolve({ code, signal });
    });
  });
  for (const close of cleanups) await close();
  const json = existsSync(logfile) ? readFileSync(logfile, 'utf8') : '';
  for (const text of [output, json]) if (token && text.includes(token.replace(/"/g, ''))) throw new Error(`${c.name}: the token reached cloudflared's output`);
  return { output, json, exit, ms: Date.now() - started, ready, edgeEvents, command: ['cloudflared', ...args.map((a) => (a.startsWith(work) ? a.replace(work, '$WORK') : a))] };
}

async function inside(bin) {
  assertLoopbackOnly();
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  mkdirSync(OUT, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'cfd-fixtures-'));
  const manifest = { about: 'Output of the real cloudflared, regenerated by scripts/cloudflared-fixtures.mjs in a loopback-only network namespace. Tested by test/signatures/real-binary.test.ts.', version, edges: EDGES, cases: [] };
  try {
    for (const c of CASES) {
      process.stderr.write(`case ${c.name} (${c.ms / 1000} s) ... `);
      const r = await runCase(bin, c, work);
      writeFileSync(join(OUT, `${c.name}.log`), r.output);
      if (r.json.trim()) writeFileSync(join(OUT, `${c.name}.json.log`), r.json);
      else rmSync(join(OUT, `${c.name}.json.log`), { force: true });
      const responses = r.edgeEvents.filter((e) => e.event === 'response').map((e) => e.status);
      manifest.cases.push({
        name: c.name,
        what: c.what,
        command: r.command,
        token: c.token,
        exit: r.exit.signal ?? r.exit.code,
        ranMs: Math.round(r.ms / 1000) * 1000,
        ...(responses.length ? { edgeSaw: responses } : {}),
        ...(r.ready ? { ready: r.ready } : {}),
        expect: c.expect,
        json: Boolean(r.json.trim()),
      });
      process.stderr.write(`exit ${r.exit.signal ?? r.exit.code}, ${r.output.split('\n').length - 1} lines${responses.length ? `, edge saw ${responses.join(' ')}` : ''}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(join(OUT, 'cases.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function main() {
  const args = process.argv.slice(2);
  const bin = args.includes('--binary') ? args[args.indexOf('--binary') + 1] : '/work/shared/tools/cloudflared/cloudflared';
  if (args.includes('--inside-namespace')) return inside(bin);
  mustBeRoot();
  if (!existsSync(bin)) {
    console.error(`cloudflared-fixtures: no cloudflared at ${bin} (give --binary PATH)`);
    process.exit(2);
  }
  // Re-run this script in a new network namespace with only loopback up.
  const r = spawnSync('unshare', ['-n', '--', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, fileURLToPath(import.meta.url), '--inside-namespace', '--binary', bin], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

await main();
