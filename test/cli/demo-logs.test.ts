// --demo shows the log findings: the recorded `docker compose logs` go through the signature matcher.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Finding {
  id: string;
  severity: string;
  title: string;
  evidence: { source: string; text: string; line?: number; count?: number; firstSeen?: string; lastSeen?: string; seenIn?: string[] }[];
}

describe('--demo: findings from the recorded logs', () => {
  it('connected over QUIC, the UDP buffer hint, no ingress per request, and the key crash loop', async () => {
    const r = await runCli(['diagnose', '--demo', '--json'], { timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
    const byId = (id: string) => findings.find((f) => f.id === id)!;
    const fromLog = (f: Finding, log: string) => f.evidence.filter((e) => e.source === `logs/${log}`);

    expect(byId('edge.connected')).toMatchObject({ severity: 'ok', title: 'cloudflared registered 4 tunnel connection(s) over QUIC' });
    expect(byId('edge.udp-buffer-hint').severity).toBe('info');
    expect(findings.some((f) => f.id === 'edge.unreachable')).toBe(false);

    const noIngress = byId('edge.no-ingress');
    expect(noIngress.severity).toBe('error');
    expect(fromLog(noIngress, 'cloudflared').at(-1)).toMatchObject({ count: 7, firstSeen: '2026-11-28T02:14:37Z', lastSeen: '2026-11-28T03:58:45Z', seenIn: ['cloudflared-1'] });
    expect(noIngress.evidence.some((e) => e.source === 'docker-compose.yaml')).toBe(true);

    const key = byId('tls.key-unreadable');
    expect(key.severity).toBe('error');
    const keyLog = fromLog(key, 'mcp-proxy');
    expect(keyLog.at(-1)).toMatchObject({ line: 30, count: 15, seenIn: ['mcp-proxy-1'] });
    expect(keyLog.at(-1)!.text).toMatch(/^time=2026-11-28T03:59:52.647Z level=ERROR msg="failed to start" err="load tls keypair: open \/data\/tls.key: permission denied"$/);
  });
});
