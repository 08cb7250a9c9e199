// --demo shows the log findings: the recorded `docker compose logs` go through the signature matcher.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Finding {
  id: string;
  severity: string;
  title: string;
  evidence: { source: string; text: string; line?: number; count?: number; firstSeen?: string; lastSeen?: string; seenIn?: string[]; history?: boolean }[];
  fixes: { id: string }[];
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
    // The recording is moved to end now (its times keep their distances: 1 h 44 min 8 s between these two).
    const ingress = fromLog(noIngress, 'cloudflared').at(-1)!;
    expect(ingress).toMatchObject({ count: 7, seenIn: ['cloudflared-1'] });
    expect(Date.parse(ingress.lastSeen!) - Date.parse(ingress.firstSeen!)).toBe((104 * 60 + 8) * 1000);
    expect(Date.now() - Date.parse(ingress.lastSeen!)).toBeLessThan(5 * 60_000);
    expect(noIngress.evidence.some((e) => e.source === 'docker-compose.yaml')).toBe(true);

    // The crash loop: its latest runs' lines are the present (Docker's back-off is at most a minute between
    // runs); the loop's older runs' lines are shown too, marked as history.
    const key = byId('tls.key-unreadable');
    expect(key.severity).toBe('error');
    const keyLog = fromLog(key, 'mcp-proxy');
    const now = keyLog.filter((e) => !e.history);
    const past = keyLog.filter((e) => e.history);
    expect(now.at(-1)).toMatchObject({ line: 37, count: 3, seenIn: ['mcp-proxy-1'] });
    expect(now.at(-1)!.text).toMatch(/^time=\S+ level=ERROR msg="failed to start" err="load tls keypair: open \/data\/tls.key: permission denied"$/);
    expect(past.at(-1)).toMatchObject({ count: 12, seenIn: ['mcp-proxy-1'], history: true });

    // Misses from the evening before, in a run that has since ended: history (info, no fix), marked as such.
    const miss = byId('routing.no-route-for-host');
    expect(miss).toMatchObject({ severity: 'info', title: 'The proxy has no route for the host it receives (history: logged before the current run)', fixes: [] });
    expect(fromLog(miss, 'mcp-proxy').map((e) => [e.text.replace(/^time=\S+ /, ''), e.history])).toEqual([
      ['level=WARN msg="no route for host" host=wiki.wxyz9876.tunnel.anthropic.com', true],
      ['level=WARN msg="no route for host" host=wiki.wxyz9876.tunnel.anthropic.com', true],
    ]);
    const text = await runCli(['diagnose', '--demo'], { timeout: 60_000 });
    expect(text.stdout).toMatch(/host=wiki\.wxyz9876\.tunnel\.anthropic\.com {2}\(2×, .*history: before the current run\)/);
  });
});
