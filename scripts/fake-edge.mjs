#!/usr/bin/env node
// A stand-in for the tunnel edge, on loopback only, for the real cloudflared: a TLS server that
// cloudflared trusts through its hidden `--cacert FILE` flag, speaking HTTP/2 as the *client* on the
// connection cloudflared opens (as the edge does), sending it proxied requests. No registration is
// needed for that (without it cloudflared's /ready says 0 connections), so cloudflared's origin-side lines
// (`No ingress rules were defined`, `Unable to reach the origin service`, the 502/503 it answers) can be
// seen without the real edge. Plain JavaScript, so that it runs with `node` inside a network namespace
// (`unshare -n`, `nsenter --net`): it never dials anything, it only accepts. The one fake edge: the fixture
// script (scripts/cloudflared-fixtures.mjs) and the real-Docker tests (test/helpers/fake-edge.ts) use it.
//
//   node scripts/fake-edge.mjs --listen 127.0.0.1:7844 --listen 127.0.0.2:7844 (--ca-out ca.pem | --pki DIR) \
//        [--requests 3] [--interval-ms 500] [--host mcp.abcd1234.tunnel.anthropic.com] [--stdin]
//
// --pki DIR takes the CA, certificate and key from DIR/ca.pem, cert.pem, key.pem (writePki makes them), so the
// CA can be given to cloudflared before the edge starts (in another network namespace, through nsenter).
// --requests N sends N requests on each connection by itself (0: none). --stdin takes requests on demand, one
// JSON object a line: {"id":1,"host":"wiki.example.com","path":"/mcp","method":"GET","ray":"…"}, sent on the
// newest connection (waiting up to `waitMs`, default 20000, for one); the answer is a line
// {"id":1,"status":502,"headers":{…},"body":"…"} or {"id":1,"error":"…"}; the edge exits when stdin ends.
//
// It prints one JSON line per event on stdout ({"event":"listening"|"connected"|"closed"|"response"|"error",...})
// and runs until killed. Only loopback addresses are accepted for --listen.
import { createServer } from 'node:tls';
import { connect } from 'node:http2';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import forge from 'node-forge';

/** cloudflared checks the edge's certificate for this name on HTTP/2 connections. */
export const EDGE_H2_SERVER_NAME = 'h2.cftunnel.com';

const isLoopback = (host) => host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

function certificate(subjectCn, publicPem, issuerCn, signerPem, { ca, dns }) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60_000);
  cert.validity.notAfter = new Date(now + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subjectCn }]);
  cert.setIssuer([{ name: 'commonName', value: issuerCn }]);
  const ext = [{ name: 'basicConstraints', cA: ca, critical: true }];
  if (ca) ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true });
  else ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true }, { name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames: dns.map((value) => ({ type: 2, value })) });
  cert.setExtensions(ext);
  cert.sign(forge.pki.privateKeyFromPem(signerPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A throwaway CA and a server certificate for the edge's HTTP/2 name, signed by it. */
export function edgePki() {
  const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const caKeys = pair();
  const serverKeys = pair();
  const caPem = certificate('fake tunnel edge CA (tests only)', caKeys.publicKey, 'fake tunnel edge CA (tests only)', caKeys.privateKey, { ca: true });
  const certPem = certificate(EDGE_H2_SERVER_NAME, serverKeys.publicKey, 'fake tunnel edge CA (tests only)', caKeys.privateKey, { ca: false, dns: [EDGE_H2_SERVER_NAME] });
  return { caPem, certPem, keyPem: serverKeys.privateKey };
}

/** Writes a fresh edge PKI to DIR (ca.pem, cert.pem, key.pem) for `--pki DIR`; returns it. */
export function writePki(dir) {
  const pki = edgePki();
  writeFileSync(join(dir, 'ca.pem'), pki.caPem);
  writeFileSync(join(dir, 'cert.pem'), pki.certPem);
  writeFileSync(join(dir, 'key.pem'), pki.keyPem, { mode: 0o600 });
  return pki;
}

/**
 * Listens on each loopback address; on every connection cloudflared opens, sends it `requests` requests
 * (one every `intervalMs`) as the edge would, and reports each response through `onEvent`. `send(req)` sends
 * one more request on the newest connection and resolves with its answer.
 */
export async function startFakeEdge({ listen, pki = edgePki(), requests = 3, intervalMs = 500, host = 'mcp.abcd1234.tunnel.anthropic.com', onEvent = () => {} }) {
  const servers = [];
  const sessions = [];
  let connections = 0;
  for (const addr of listen) {
    const at = addr.lastIndexOf(':');
    const hostPart = addr.slice(0, at).replace(/^\[|\]$/g, '');
    const port = Number(addr.slice(at + 1));
    if (!isLoopback(hostPart)) throw new Error(`the fake edge listens on loopback only, not ${hostPart}`);
    const server = createServer({ key: pki.keyPem, cert: pki.certPem, ALPNProtocols: ['h2'] }, (socket) => {
      const n = ++connections;
      onEvent({ event: 'connected', n, local: `${socket.localAddress}:${socket.localPort}`, remote: `${socket.remoteAddress}:${socket.remotePort}`, alpn: socket.alpnProtocol });
      socket.on('error', (err) => onEvent({ event: 'error', where: 'socket', error: err.message }));
      // cloudflared serves HTTP/2 on the connection it dialled: the edge is the client.
      const session = connect(`https://${EDGE_H2_SERVER_NAME}`, { createConnection: () => socket });
      session.on('error', (err) => onEvent({ event: 'error', where: 'session', error: err.message }));
      session.on('close', () => {
        const i = sessions.indexOf(session);
        if (i >= 0) sessions.splice(i, 1);
        onEvent({ event: 'closed', n });
      });
      sessions.push(session);
      let sent = 0;
      const next = () => {
        if (session.closed || session.destroyed || sent >= requests) return;
        sent++;
        const ray = `${randomBytes(8).toString('hex')}-LHR`;
        const req = session.request({ ':method': 'GET', ':path': '/mcp', ':authority': host, ':scheme': 'https', 'cf-ray': ray });
        req.on('response', (headers) => onEvent({ event: 'response', status: headers[':status'], ray }));
        req.on('error', (err) => onEvent({ event: 'error', where: 'request', error: err.message }));
        req.resume();
        req.end();
        setTimeout(next, intervalMs).unref();
      };
      if (requests > 0) setTimeout(next, intervalMs).unref();
    });
    server.on('tlsClientError', (err) => onEvent({ event: 'error', where: 'tls', error: err.message }));
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostPart, resolve);
    });
    onEvent({ event: 'listening', address: addr });
    servers.push(server);
  }
  return {
    caPem: pki.caPem,
    send: (req) => sendOnNewest(sessions, req),
    close: () => Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve())))),
  };
}

async function newestSession(sessions, waitMs) {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const s = sessions.at(-1);
    if (s && !s.closed && !s.destroyed) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** One request on the newest connection: `{id, status, headers, body}` or `{id, error}`. */
async function sendOnNewest(sessions, req) {
  const session = await newestSession(sessions, req.waitMs ?? 20_000);
  if (!session) return { id: req.id, error: 'no connection from cloudflared' };
  const headers = {
    ':method': req.method ?? 'GET',
    ':scheme': 'https',
    ':authority': req.host,
    ':path': req.path ?? '/',
    ...(req.ray ? { 'cf-ray': req.ray } : {}),
    ...(req.headers ?? {}),
  };
  return new Promise((resolve) => {
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
    stream.on('error', (err) => resolve({ id: req.id, error: String(err.message) }));
    stream.on('close', () => {
      clearTimeout(timer);
      if (status === undefined) resolve({ id: req.id, error: `stream closed without a response (code ${stream.rstCode})` });
      else resolve({ id: req.id, status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const all = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
  const one = (name, dflt) => all(name)[0] ?? dflt;
  const listen = all('--listen');
  if (listen.length === 0) {
    console.error('usage: node scripts/fake-edge.mjs --listen 127.0.0.1:7844 [--listen ...] (--ca-out FILE | --pki DIR) [--requests N] [--interval-ms MS] [--host NAME] [--stdin]');
    process.exit(2);
  }
  const dir = one('--pki');
  const pki = dir ? { caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'key.pem'), 'utf8') } : edgePki();
  const caOut = one('--ca-out');
  if (caOut) writeFileSync(caOut, pki.caPem);
  const print = (e) => process.stdout.write(`${JSON.stringify(e)}\n`);
  const edge = await startFakeEdge({ listen, pki, requests: Number(one('--requests', 3)), intervalMs: Number(one('--interval-ms', 500)), host: one('--host', undefined), onEvent: print });
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
  if (args.includes('--stdin')) {
    createInterface({ input: process.stdin }).on('line', (line) => {
      if (!line.trim()) return;
      let req;
      try {
        req = JSON.parse(line);
      } catch {
        return print({ event: 'error', where: 'stdin', error: `not JSON: ${line.slice(0, 80)}` });
      }
      void edge.send(req).then(print);
    });
    process.stdin.on('end', () => process.exit(0));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
