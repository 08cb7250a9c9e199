// The benchmark's logs: a mixed `docker compose logs` of cloudflared and mcp-proxy. Ordinary traffic lines
// (slog request lines, JSON lines, cloudflared debug lines) hold none of the catalog's literals; a set share of
// lines (the density) are lines that do, as a troubled deployment logs them: a crash loop can make a quarter
// of all lines match. Deterministic (a fixed-seed generator), so both tools read the same bytes every run.
import { closeSync, openSync, writeSync } from 'node:fs';

let seed = 0x2545f491;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x100000000);
const pick = (items) => items[Math.floor(rand() * items.length)];
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
const ip = () => `198.41.${192 + Math.floor(rand() * 16)}.${Math.floor(rand() * 255)}`;

const CF = 'cloudflared-1  | ';
const PX = 'mcp-proxy-1    | ';
const HOST = 'abcd1234.tunnel.anthropic.com';

/** Lines with no literal of the catalog (checked by bench/scan.mjs against the catalog it bundles). */
export function ordinary(t) {
  switch (Math.floor(rand() * 7)) {
    case 0:
      return `${PX}time=${t}.${String(Math.floor(rand() * 1000)).padStart(3, '0')}Z level=INFO msg="request" method=POST host=mcp.${HOST} route=mcp upstream=http://10.20.0.15:8080 status=200 dur=${(rand() * 90).toFixed(1)}ms`;
    case 1:
      return `${PX}time=${t}.000Z level=DEBUG msg="websocket frame" route=mcp bytes=${Math.floor(rand() * 4096)} direction=${pick(['upstream', 'downstream'])}`;
    case 2:
      return `${PX}{"time":"${t}Z","level":"INFO","msg":"session","route":"wiki","session":"${hex(24)}","tools":${Math.floor(rand() * 30)}}`;
    case 3:
      return `${PX}time=${t}.000Z level=INFO msg="upstream closed" route=${pick(['mcp', 'wiki'])} reason=eof bytes_in=${Math.floor(rand() * 1e6)} bytes_out=${Math.floor(rand() * 1e6)}`;
    case 4:
      return `${CF}${t}Z DBG Tunnel connection options connIndex=${Math.floor(rand() * 4)} event=0 features=["management_logs","allow_remote_config","serialized_headers","support_datagram_v2"] ip=${ip()}`;
    case 5:
      return `${CF}${t}Z INF Tunnel connection curve preferences: [X25519MLKEM768 CurveP256] connIndex=${Math.floor(rand() * 4)} event=0 ip=${ip()}`;
    default:
      return `${PX}time=${t}.000Z level=DEBUG msg="tool call" route=mcp tool=${pick(['search', 'fetch', 'list_files', 'read_file'])} id=${hex(12)} ms=${Math.floor(rand() * 400)}`;
  }
}

/** Lines that hold a literal: a crash-looping, reconnecting tunnel and a failing proxy, in cloudflared's real wording. */
export function matching(t) {
  const c = Math.floor(rand() * 4);
  switch (Math.floor(rand() * 12)) {
    case 0:
      return `${CF}${t}Z ERR Failed to dial a quic connection error="failed to dial to edge with quic: timeout: no recent network activity" connIndex=${c} event=0 ip=${ip()}`;
    case 1:
      return `${CF}${t}Z INF Retrying connection in up to ${pick(['1s', '2s', '4s', '8s', '16s', '32s', '1m4s'])} connIndex=${c} event=0 ip=${ip()}`;
    case 2:
      return `${CF}${t}Z ERR Unable to establish connection with Cloudflare edge error="DialContext error: dial tcp ${ip()}:7844: i/o timeout" connIndex=${c} event=0 ip=${ip()}`;
    case 3:
      return `${CF}${t}Z ERR Serve tunnel error error="DialContext error: dial tcp ${ip()}:7844: i/o timeout" connIndex=${c} event=0 ip=${ip()}`;
    case 4:
      return `${CF}${t}Z ERR Connection terminated error="failed to dial to edge with quic: timeout: no recent network activity" connIndex=${c}`;
    case 5:
      return `${CF}${t}Z INF Registered tunnel connection connIndex=${c} connection=${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)} event=0 ip=${ip()} location=lhr${10 + Math.floor(rand() * 9)} protocol=http2`;
    case 6:
      return `${CF}${t}Z ERR  error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused" cfRay=${hex(16)}-LHR event=1 ingressRule=0 originService=http://localhost:8080`;
    case 7:
      return `${CF}${t}Z ERR Failed to fetch features, default to disable error="lookup cfd-features.argotunnel.com on 127.0.0.11:53: i/o timeout"`;
    case 8:
      return `${PX}time=${t}.000Z level=ERROR msg="tls handshake failed" remote=10.0.3.${Math.floor(rand() * 255)}:${40000 + Math.floor(rand() * 20000)} err="remote error: tls: bad certificate"`;
    case 9:
      return `${PX}time=${t}.000Z level=WARN msg="no route for host" host=mcp.wxyz9876.tunnel.anthropic.com`;
    case 10:
      return `${PX}2026/11/28 ${t.slice(11)} open /data/tls.key: permission denied`;
    default:
      return `${CF}{"level":"error","connIndex":${c},"error":"failed to accept QUIC stream: timeout: no recent network activity","time":"${t}Z","message":"Failed to serve quic connection"}`;
  }
}

/** Writes about `bytes` bytes of mixed log to `path`, `density` (0..1) of its lines matching. */
export function writeMixedLog(path, bytes, density) {
  const fd = openSync(path, 'w');
  let written = 0;
  let second = 0;
  let chunk = [];
  let chunkBytes = 0;
  try {
    while (written + chunkBytes < bytes) {
      const s = second++;
      const t = `2026-11-28T${String(Math.floor(s / 3600) % 24).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
      const line = `${rand() < density ? matching(t) : ordinary(t)}\n`;
      chunk.push(line);
      chunkBytes += line.length;
      if (chunkBytes >= 1 << 20) {
        written += writeSync(fd, chunk.join(''));
        chunk = [];
        chunkBytes = 0;
      }
    }
    if (chunk.length) writeSync(fd, chunk.join(''));
  } finally {
    closeSync(fd);
  }
}

/** One line of `bytes` bytes (a binary-ish blob with a signature at its start), then a newline. */
export function writeSingleLine(path, bytes) {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'mcp-proxy-1    | 2026/11/28 04:00:01 open /data/tls.key: permission denied ');
    const block = Buffer.alloc(1 << 20, 'x');
    for (let left = bytes; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(block.length, left));
    writeSync(fd, '\n');
  } finally {
    closeSync(fd);
  }
}
