// An operator's pasted logs as a hand-made bundle: `diagnose --from-bundle` reads them with the same
// matcher, latest state first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('mtt-bundle-logs-');
});
afterAll(async () => tmp.cleanup());

describe('diagnose --from-bundle with only logs/', () => {
  it('QUIC blocked then HTTP/2 connected is a warning; a key error that recovered is info, not an error', async () => {
    const dir = join(tmp.dir, 'bundle');
    await mkdir(join(dir, 'logs'), { recursive: true });
    await writeFile(
      join(dir, 'logs', 'cloudflared.log'),
      [
        '2026-11-28T03:58:00Z INF Starting tunnel tunnelID=3f1e2d4c-1111-2222-3333-444455556666',
        '2026-11-28T03:58:06Z ERR Failed to dial a quic connection error="failed to dial to edge with quic: timeout: no recent network activity" connIndex=0 event=0 ip=198.41.192.7',
        '2026-11-28T03:58:09Z WRN If this log occurs persistently, and cloudflared is unable to connect to Cloudflare Network with `quic` protocol, then most likely your machine/network is getting its egress UDP to port 7844 (or others) blocked or dropped. Make sure to allow egress connectivity as per https://developers.cloudflare.com/cloudflare-one/connections/connect-apps/configuration/ports-and-ips/ connIndex=0 event=0 ip=198.41.192.7',
        '2026-11-28T03:58:09Z INF Switching to fallback protocol http2 connIndex=0 event=0 ip=198.41.192.7',
        ...[0, 1, 2, 3].map((i) => `2026-11-28T03:58:1${i}Z INF Registered tunnel connection connIndex=${i} connection=7a1c3e52-2f4d-4d9e-a6b1-5d0c7e9f8a2${i} event=0 ip=198.41.200.1${i} location=lhr01 protocol=http2`),
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'logs', 'mcp-proxy.log'),
      ['2026/11/28 04:00:01 open /data/tls.key: permission denied', '2026/11/28 04:00:31 open /data/tls.key: permission denied', 'time=2026-11-28T04:05:00Z level=INFO msg="route configured" route=mcp upstream=http://10.0.0.5:8080'].join('\n'),
    );
    const r = await runCli(['diagnose', '--from-bundle', dir, '--json']);
    expect(r.exitCode).toBe(0);
    const findings = (JSON.parse(r.stdout) as { findings: { id: string; severity: string; title: string }[] }).findings;
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['edge.unreachable', 'warning'],
      ['edge.connected', 'ok'],
      ['tls.key-unreadable', 'info'],
    ]);
    expect(findings[1]!.title).toBe('cloudflared registered 4 tunnel connection(s) over HTTP/2');
    const text = await runCli(['diagnose', '--from-bundle', dir]);
    expect(text.stdout).toMatch(/then started cleanly \(the proxy loaded its config and configured a route at 2026-11-28T04:05:00Z/);
  });
});
