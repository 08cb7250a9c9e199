import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixKeys, fixLabel, SCREEN_KEYS } from '../../src/wizard/fix-keys.js';
import { copyText } from '../../src/wizard/copy.js';
import { analyze } from '../../src/analyze/index.js';
import { CATALOG } from '../../src/analyze/catalog.js';
import { fixById } from '../../src/fixes/registry.js';
import type { Finding } from '../../src/analyze/types.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';

describe('fix keys', () => {
  it('gives the first fix f and the others a letter of their own words', () => {
    expect(fixKeys([{ id: 'key-chown', title: 'Give the key to the proxy user' }, { id: 'compose-restart-proxy', title: 'Restart the proxy' }, { id: 'helm-cleanup', title: 'Clean up the setup Job' }])).toEqual(['f', 'r', 'h']);
  });

  it('never gives a key the screen uses, never twice, and the same list always gets the same keys', () => {
    const fix = fc.record({ id: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), title: fc.string({ maxLength: 40 }) });
    fc.assert(
      fc.property(fc.array(fix, { maxLength: 12 }), (fixes) => {
        const keys = fixKeys(fixes);
        expect(keys).toHaveLength(fixes.length);
        expect(new Set(keys).size).toBe(keys.length);
        for (const k of keys) expect(SCREEN_KEYS.has(k)).toBe(false);
        expect(fixKeys(fixes)).toEqual(keys);
      }),
      { numRuns: 400 },
    );
  });

  it('gives every finding of the catalog distinct keys for its default fixes', () => {
    for (const [id, entry] of Object.entries(CATALOG)) {
      const fixes = entry.fixes.map((f) => ({ id: f, title: fixById(f)?.title ?? f }));
      const keys = fixKeys(fixes);
      expect(new Set(keys).size, id).toBe(keys.length);
      if (keys.length) expect(keys[0], id).toBe('f');
    }
  });

  it('labels a one-command fix with its command, others with their title', () => {
    expect(fixLabel({ id: 'x', title: 'Restart', kind: 'command', commands: ['docker compose restart mcp-proxy'] })).toBe('docker compose restart mcp-proxy');
    expect(fixLabel({ id: 'x', title: 'Clean up', kind: 'command', commands: ['helm uninstall mcp-tunnel -n mcp-tunnel', 'kubectl -n mcp-tunnel delete job mcp-tunnel-setup'] })).toBe('helm uninstall mcp-tunnel -n mcp-tunnel (+1 more)');
    expect(fixLabel({ id: 'x', title: 'Rewrite routes', kind: 'edit', diff: '...' })).toBe('Rewrite routes');
  });
});

describe('(c): the commands for a manual run', () => {
  it('is a script that, pasted in a shell, makes the same edit the fix would', async () => {
    const config = proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080 # the MCP server\n  - wiki: http://192.168.1.7:3000\n');
    const dir = await mkdtemp(join(tmpdir(), 'mtt-copy-'));
    try {
      await mkdir(join(dir, 'config'));
      await writeFile(join(dir, 'config/mcp-proxy.yaml'), config);
      await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
      const s = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': config } });
      s.deployment.dir = dir;
      const finding = analyze(s).findings.find((f) => f.id === 'routing.routes-is-list')!;
      const script = copyText(finding, dir);
      expect(script).toMatch(/^# routing\.routes-is-list: /);
      expect(script).toContain(`cd ${dir}`);
      expect(script).toMatch(/docker compose restart mcp-proxy/);
      // Run only the patch part (no docker here): it must apply cleanly and give the fix's text.
      const patchOnly = script.split('\n').filter((l) => !/^docker /.test(l)).join('\n');
      const r = await execa('sh', ['-e'], { input: patchOnly, reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      const after = await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8');
      expect(after).toMatch(/^routes:\n {2}mcp: http:\/\/10\.0\.0\.5:8080 # the MCP server\n {2}wiki: http:\/\/192\.168\.1\.7:3000\n/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('separates alternatives and says when there is nothing to run', () => {
    const base: Finding = { id: 'tls.key-unreadable', severity: 'error', layer: 'tls', title: 'key', detail: '', evidence: [], fixes: [] };
    expect(copyText(base, '/srv')).toMatch(/no fix to run/);
    const two = copyText({ ...base, fixes: [{ id: 'key-chown', title: 'chown', kind: 'command', commands: ['sudo chown 65532:65532 data/tls.key'] }, { id: 'key-chmod', title: 'chmod', kind: 'command', commands: ['chmod 644 data/tls.key'] }] }, '/srv/my tunnel');
    expect(two).toContain("cd '/srv/my tunnel'");
    expect(two).toMatch(/# \(f\) chown\nsudo chown 65532:65532 data\/tls\.key\n# --- or ---\n# \(\w\) chmod\nchmod 644 data\/tls\.key\n$/);
  });
});
