// The benchmark's log: a mixed `docker compose logs` of cloudflared and mcp-proxy, mostly ordinary
// traffic (debug request lines, slog request lines, JSON lines) with about 1.5% of lines that match a
// signature, as a troubled deployment's log does. Deterministic (a fixed-seed generator).
import { closeSync, openSync, writeSync } from 'node:fs';

let seed = 0x2545f491;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x100000000);
const pick = (items) => items[Math.floor(rand() * items.length)];
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
const ip = () => `198.41.${192 + Math.floor(rand() * 16)}.${Math.floor(rand() * 255)}`;

const CF = 'cloudflared-1  | ';
const PX = 'mcp-proxy-1    | ';
const HOST = 'abcd1234.tunnel.anthropic.com';

function ordinary(t) {
  const ray = `${hex(16)}-LHR`;
  switch (Math.floor(rand() * 8)) {
    case 0:
      return `${CF}${t}Z DBG GET https://mcp.${HOST}/mcp HTTP/1.1 connIndex=${Math.floor(rand() * 4)} content-length=0 event=1 headers={"Accept":["text/event-stream"],"Cf-Ray":["${ray}"],"User-Agent":["Claude-User"]} host=mcp.${HOST} ingressRule=0 originService=http://localhost:8080 path=/mcp`;
    case 1:
      return `${CF}${t}Z DBG 200 OK connIndex=${Math.floor(rand() * 4)} content-length=-1 event=1 ingressRule=0 originService=http://localhost:8080`;
    case 2:
      return `${PX}time=${t}.${hex(3).replace(/\D/g, '0')}Z level=INFO msg="request" method=POST host=mcp.${HOST} route=mcp upstream=http://10.20.0.15:8080 status=200 dur=${(rand() * 90).toFixed(1)}ms`;
    case 3:
      return `${PX}time=${t}.000Z level=DEBUG msg="websocket frame" route=mcp bytes=${Math.floor(rand() * 4096)} direction=${pick(['upstream', 'downstream'])}`;
    case 4:
      return `${PX}{"time":"${t}Z","level":"INFO","msg":"session","route":"wiki","session":"${hex(24)}","tools":${Math.floor(rand() * 30)}}`;
    case 5:
      return `${CF}{"level":"debug","connIndex":${Math.floor(rand() * 4)},"event":1,"cfRay":"${ray}","ingressRule":0,"originService":"http://localhost:8080","time":"${t}Z","message":"Request content length 0"}`;
    case 6:
      return `${PX}time=${t}.000Z level=INFO msg="upstream closed" route=${pick(['mcp', 'wiki'])} reason=eof bytes_in=${Math.floor(rand() * 1e6)} bytes_out=${Math.floor(rand() * 1e6)}`;
    default:
      return `${CF}${t}Z INF Updated to new configuration config="{\\"ingress\\":[{\\"service\\":\\"http://localhost:8080\\"}],\\"warp-routing\\":{\\"enabled\\":false}}" version=${Math.floor(rand() * 9)}`;
  }
}

function signatureLine(t) {
  switch (Math.floor(rand() * 10)) {
    case 0:
      return `${CF}${t}Z INF Registered tunnel connection connIndex=${Math.floor(rand() * 4)} connection=${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)} event=0 ip=${ip()} location=lhr${10 + Math.floor(rand() * 9)} protocol=quic`;
    case 1:
      return `${CF}${t}Z ERR Failed to dial a quic connection error="failed to dial to edge with quic: timeout: no recent network activity" connIndex=${Math.floor(rand() * 4)} event=0 ip=${ip()}`;
    case 2:
      return `${CF}${t}Z WRN No ingress rules were defined in provided config (if any) nor from the cli, cloudflared will return 503 for all incoming HTTP requests`;
    case 3:
      return `${CF}${t}Z ERR  error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused" cfRay=${hex(16)}-LHR event=1 ingressRule=0 originService=http://localhost:8080`;
    case 4:
      return `${PX}time=${t}.000Z level=ERROR msg="tls handshake failed" remote=10.0.3.${Math.floor(rand() * 255)}:${40000 + Math.floor(rand() * 20000)} err="remote error: tls: bad certificate"`;
    case 5:
      return `${PX}time=${t}.000Z level=WARN msg="no route for host" host=mcp.wxyz9876.tunnel.anthropic.com`;
    case 6:
      return `${PX}time=${t}.000Z level=ERROR msg="upstream dial refused" route=wiki host=wiki.example.com err="IP validation failed: 203.0.113.${Math.floor(rand() * 255)} is not a private address"`;
    case 7:
      return `${PX}2026/11/28 ${t.slice(11)} open /data/tls.key: permission denied`;
    case 8:
      return `${CF}2026/11/28 ${t.slice(11)} failed to sufficiently increase receive buffer size (was: 208 kiB, wanted: 7168 kiB, got: 416 kiB). See https://github.com/quic-go/quic-go/wiki/UDP-Buffer-Sizes for details.`;
    default:
      return `${PX}time=${t}.000Z level=INFO msg="route configured" route=mcp upstream=http://10.20.0.15:8080`;
  }
}

/** Writes about `bytes` bytes of mixed log to `path`. */
export function writeMixedLog(path, bytes) {
  const fd = openSync(path, 'w');
  let written = 0;
  let second = 0;
  let chunk = [];
  let chunkBytes = 0;
  try {
    while (written < bytes) {
      const s = second++;
      const t = `2026-11-28T${String(Math.floor(s / 3600) % 24).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
      const line = `${rand() < 0.015 ? signatureLine(t) : ordinary(t)}\n`;
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
