import { describe, expect, it } from 'vitest';
import { findingView, planLines } from '../../src/wizard/detail.js';
import type { Finding } from '../../src/analyze/types.js';

const text = (lines: { text: string }[][]) => lines.map((l) => l.map((s) => s.text).join(''));

const finding: Finding = {
  id: 'tls.key-unreadable', severity: 'error', layer: 'tls', title: 'The proxy cannot read its TLS key (permission denied)',
  detail: 'The key is 0600 owned by 0:0, and the proxy runs as 65532:65532 (non-root).',
  evidence: [
    { source: 'data/tls.key', text: 'mode 0600, owner 0:0' },
    { source: 'logs/mcp-proxy', line: 2, text: `level=ERROR msg="failed to start" err="load tls: open /data/tls.key: permission denied" ${'x'.repeat(200)}`, count: 12, firstSeen: '2026-11-28T03:52:40Z', lastSeen: '2026-11-28T03:59:52Z', seenIn: ['mcp-tunnel-7d9f-abc', 'mcp-tunnel-7d9f-def'] },
  ],
  fixes: [
    { id: 'key-chown', title: "Give the TLS key to the proxy's user", kind: 'command', commands: ['chown 65532:65532 data/tls.key', 'docker compose restart mcp-proxy'] },
    { id: 'key-chmod', title: 'Make the TLS key readable (chmod 644)', kind: 'command', commands: ['chmod 644 data/tls.key'] },
    { id: 'helm-cleanup', title: 'Clean up the failed setup Job', kind: 'command', commands: ['helm uninstall mcp-tunnel -n mcp-tunnel'], destructive: true },
  ],
};

describe('a finding opened', () => {
  it('shows what it means, each evidence line with how often, when and where, and the fixes with their keys', () => {
    const view = findingView(finding, 80);
    const lines = text(view.lines);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines[0]).toBe('ERROR The proxy cannot read its TLS key (permission denied)');
    expect(lines[1]).toBe('tls.key-unreadable · TLS: the inner handshake from Anthropic to the proxy');
    expect(lines).toContain('What it means');
    expect(lines).toContain('  data/tls.key  mode 0600, owner 0:0');
    expect(lines.find((l) => l.startsWith('  logs/mcp-proxy:2  level=ERROR'))).toMatch(/…$/);
    expect(lines).toContain('      12× · first 2026-11-28T03:52:40Z, last 2026-11-28T03:59:52Z');
    expect(lines).toContain('      in mcp-tunnel-7d9f-abc, mcp-tunnel-7d9f-def');
    expect(view.keys).toEqual(['f', 'm', 'h']);
    expect(lines).toContain('  (f) chown 65532:65532 data/tls.key (+1 more)');
    expect(lines).toContain('  (m) chmod 644 data/tls.key');
    expect(lines).toContain('  (h) helm uninstall mcp-tunnel -n mcp-tunnel  destructive');
    expect(lines).toContain('  (c) copy the commands for a manual run');
  });

  it('says why fixes cannot run when they cannot, and shows a plan step by step', () => {
    const lines = text(findingView(finding, 100, { fixesUnavailable: 'Fixes cannot run on a bundle.' }).lines);
    expect(lines).toContain('  Fixes cannot run on a bundle.');
    const plan = text(planLines({ fixId: 'routes-to-map', title: 'Rewrite routes', kind: 'edit', steps: [
      { kind: 'edit', path: 'config/mcp-proxy.yaml', before: 'a', after: 'b', diff: '--- a/config/mcp-proxy.yaml\n+++ b/config/mcp-proxy.yaml\n@@ -1 +1 @@\n-a\n+b', why: 'the proxy needs a map' },
      { kind: 'command', argv: ['docker', 'compose', 'restart', 'mcp-proxy'], cwd: '/srv/tunnel' },
      { kind: 'manual', text: 'Register the CA in the Console.' },
    ] }, 100));
    expect(plan).toEqual([
      'Rewrite routes', '',
      '1. edit config/mcp-proxy.yaml  the proxy needs a map',
      '     --- a/config/mcp-proxy.yaml', '     +++ b/config/mcp-proxy.yaml', '     @@ -1 +1 @@', '     -a', '     +b',
      '2. run $ docker compose restart mcp-proxy', '     in /srv/tunnel',
      '3. by hand: ', '     Register the CA in the Console.',
    ]);
  });
});
