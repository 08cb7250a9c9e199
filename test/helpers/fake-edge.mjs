#!/usr/bin/env node
// A small stand-in for the tunnel edge, for the real cloudflared with `--protocol http2`: a TLS server on
// loopback (cloudflared trusts its certificate through the hidden `--cacert FILE` flag) that speaks HTTP/2
// as the CLIENT on each connection cloudflared opens, as the edge does, and sends it requests. No
// registration (the control stream) is needed for proxied requests; without it cloudflared's /ready says
// 0 connections. Plain JavaScript so that it runs with `node` inside a network namespace (`unshare -n`,
// `nsenter --net`): it never dials anything, it only accepts.
//
//   node fake-edge.mjs --cert CERT.pem --key KEY.pem --listen 127.0.0.1:7844 [--listen 127.0.0.2:7844]
//
// stdin, one JSON object a line: {"id":1,"host":"wiki.example.com","path":"/mcp","method":"GET","ray":"…"}
// sends that request on the newest connection (waiting up to `waitMs`, default 20000, for one).
// stdout, one JSON object a line: {"event":"listening","address":…}, {"event":"connected",…},
// {"event":"closed",…}, and per request {"id":1,"status":502,"headers":{…},"body":"…"} or {"id":1,"error":"…"}.
import { createServer } from 'node:tls';
import { connect } from 'node:http2';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const flag = (name) => args.flatMap((a, i) => (a === `--${name}` ? [args[i + 1]] : []));
const [certFile] = flag('cert');
const [keyFile] = flag('key');
const listens = flag('listen');
if (!certFile || !keyFile || listens.length === 0) {
  process.stderr.write('usage: fake-edge.mjs --cert CERT --key KEY --listen HOST:PORT [--listen HOST:PORT]\n');
  process.exit(2);
}

const say = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const sessions = [];
let connections = 0;

function onConnection(socket) {
  const n = ++connections;
  say({ event: 'connected', n, remote: `${socket.remoteAddress}:${socket.remotePort}` });
  // cloudflared serves HTTP/2 on the connection it dialled: the edge is the client.
  const session = connect('https://h2.cftunnel.com', { createConnection: () => socket });
  session.on('error', (err) => say({ event: 'session-error', n, error: String(err.message) }));
  session.on('close', () => {
    const i = sessions.indexOf(session);
    if (i >= 0) sessions.splice(i, 1);
    say({ event: 'closed', n });
  });
  sessions.push(session);
}

for (const listen of listens) {
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at);
  const port = Number(listen.slice(at + 1));
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, onConnection);
  server.on('tlsClientError', (err) => say({ event: 'tls-error', error: String(err.message) }));
  server.listen(port, host, () => say({ event: 'listening', address: listen }));
}

async function newestSession(waitMs) {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const s = sessions.at(-1);
    if (s && !s.closed && !s.destroyed) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

async function send(req) {
  const session = await newestSession(req.waitMs ?? 20_000);
  if (!session) return say({ id: req.id, error: 'no connection from cloudflared' });
  const headers = {
    ':method': req.method ?? 'GET',
    ':scheme': 'https',
    ':authority': req.host,
    ':path': req.path ?? '/',
    ...(req.ray ? { 'cf-ray': req.ray } : {}),
    ...(req.headers ?? {}),
  };
  const stream = session.request(headers, { endStream: true });
  let status;
  let responseHeaders = {};
  const chunks = [];
  const timer = setTimeout(() => stream.close(), req.timeoutMs ?? 30_000);
  stream.on('response', (h) => {
    status = Number(h[':status']);
    responseHeaders = Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith(':')));
  });
  stream.on('data', (c) => chunks.push(c));
  stream.on('close', () => {
    clearTimeout(timer);
    if (status === undefined) say({ id: req.id, error: `stream closed without a response (code ${stream.rstCode})` });
    else say({ id: req.id, status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) });
  });
  stream.on('error', (err) => say({ id: req.id, error: String(err.message) }));
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    return say({ error: `not JSON: ${line.slice(0, 80)}` });
  }
  void send(req);
});
process.stdin.on('end', () => process.exit(0));
