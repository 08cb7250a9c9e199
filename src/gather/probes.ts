// Network probes (skipped with --no-network): a TCP connect to the tunnel edge on 7844, and a look at the
// proxy's :8080 listener on a loopback or container address. Both only connect. The listener probe sends one
// plaintext HTTP request that says it is ours (PROBE_MARKER in its Host, its User-Agent and a header of its
// own), for a host no route has, and asks for a WebSocket version no server speaks: the proxy answers without
// upgrading or dialling anything, and a line it logs about it carries the marker, which analysis leaves out.
// No TLS is sent to the plaintext listener: a proxy that reads a ClientHello as a request logs a miss for an
// empty host, which nothing could tell apart from a real one.
import { connect, isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { ProbeResult } from '../snapshot/types.js';
import { PROBE_MARKER } from '../snapshot/probe-marker.js';
import { VERSION } from '../version.js';

/** The documented edge: an address of region1.v2.argotunnel.com, in 198.41.192.0/19, TCP 7844. */
export const DEFAULT_EDGE = '198.41.192.7:7844';

export interface HostPort {
  host: string;
  port: number;
}

/** `host:port`, `[v6]:port`; undefined when it is not one. */
export function parseHostPort(text: string): HostPort | undefined {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  const host = m[1]!;
  if (m[0].startsWith('[') ? isIP(host) !== 6 : host.startsWith('-') || host.startsWith('.')) return undefined;
  return { host, port };
}

const label = (t: HostPort) => (isIP(t.host) === 6 ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`);

/** A plain TCP connect, closed at once. */
export function probeTcp(target: HostPort, timeoutMs: number): Promise<ProbeResult> {
  const start = performance.now();
  const at = new Date().toISOString();
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const done = (ok: boolean, detail: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ target: label(target), ok, ms: Math.round(performance.now() - start), detail, at });
    };
    const timer = setTimeout(() => done(false, `no answer within ${Math.round(timeoutMs / 100) / 10} s (dropped by a firewall?)`), timeoutMs);
    socket.once('connect', () => done(true, 'TCP connection established'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(false, `${err.code ?? 'error'}: ${err.message}`));
  });
}

/** What the listener answered to a WebSocket upgrade request in plaintext. */
function classifyAnswer(head: string): { answer: ProbeResult['answer']; statusLine?: string } {
  const statusLine = head.split('\r\n')[0]?.trim();
  if (!statusLine || !/^HTTP\/1\.[01] \d{3}/.test(statusLine)) return { answer: 'not-http', ...(statusLine ? { statusLine: statusLine.replace(/[^\x20-\x7e]/g, '.').slice(0, 80) } : {}) };
  const websocket = /^HTTP\/1\.[01] (101|426)/.test(statusLine) || /^sec-websocket-version:/im.test(head) || /websocket/i.test(head);
  return { answer: websocket ? 'websocket' : 'http', statusLine };
}

function plaintextUpgrade(target: HostPort, host: string, timeoutMs: number): Promise<{ head?: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    let head = '';
    const done = (r: { head?: string; error?: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done(head ? { head } : { error: `no answer within ${Math.round(timeoutMs / 100) / 10} s` }), timeoutMs);
    socket.once('connect', () => {
      socket.write(
        [
          'GET / HTTP/1.1',
          `Host: ${host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          // Unsupported on purpose: a WebSocket server refuses (426 / 400 naming its versions) rather than upgrading.
          'Sec-WebSocket-Version: 0',
          `User-Agent: ${PROBE_MARKER}/${VERSION}`,
          `X-Mcp-Tunnel-Triage-Probe: ${PROBE_MARKER}`,
          '',
          '',
        ].join('\r\n'),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n') || head.length > 8192) done({ head });
    });
    socket.once('end', () => done(head ? { head } : { error: 'the listener closed the connection without answering' }));
    socket.once('error', (err: NodeJS.ErrnoException) => done(head ? { head } : { error: `${err.code ?? 'error'}: ${err.message}` }));
  });
}

/** `host`: the Host header to send (PROBE_MARKER under the tunnel domain: see src/snapshot/probe-marker.ts). */
export async function probeListener(target: HostPort, host: string, timeoutMs: number): Promise<ProbeResult> {
  const start = performance.now();
  const at = new Date().toISOString();
  const upgrade = await plaintextUpgrade(target, host, timeoutMs);
  const result: ProbeResult = { target: label(target), ok: false, at, host };
  if (upgrade.error) {
    result.detail = upgrade.error;
  } else {
    const { answer, statusLine } = classifyAnswer(upgrade.head ?? '');
    result.answer = answer;
    if (statusLine) result.statusLine = statusLine;
    result.ok = answer !== 'not-http';
    result.detail = answer === 'websocket' ? 'answers a WebSocket upgrade in plaintext' : answer === 'http' ? 'answers plaintext HTTP' : 'answered something other than HTTP';
  }
  result.ms = Math.round(performance.now() - start);
  return result;
}
