import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CATALOG, FINDING_IDS } from '../../src/analyze/catalog.js';
import { FIXES, fixById, planFix } from '../../src/fixes/registry.js';
import { ROOT } from '../helpers/cli.js';
import { snapshotOf, DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

/** Fix ids an observation names itself (`fixes: ['...']` in a check), besides the catalog's. */
async function idsInChecks(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const dir = join(ROOT, 'src', 'analyze');
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(/fixes: \[([^\]]*)\]/g)) {
      for (const id of m[1]!.matchAll(/'([a-z0-9-]+)'/g)) out.set(id[1]!, file);
    }
  }
  return out;
}

describe('fix registry', () => {
  it('holds every fix id the catalog names, once', () => {
    const ids = FIXES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const findingId of FINDING_IDS) {
      for (const fixId of CATALOG[findingId].fixes as readonly string[]) expect(fixById(fixId), `${findingId} -> ${fixId}`).toBeDefined();
    }
  });

  it('holds every fix id a check names for its own observations', async () => {
    const named = await idsInChecks();
    expect(named.size).toBeGreaterThan(0);
    for (const [id, file] of named) expect(fixById(id), `${id} (named in ${file})`).toBeDefined();
  });

  it('lists, for each fix, only finding ids that exist, and a finding that offers it', () => {
    const offered = new Set(FINDING_IDS.flatMap((id) => CATALOG[id].fixes as readonly string[]));
    for (const fix of FIXES) {
      expect(fix.findings.length, fix.id).toBeGreaterThan(0);
      for (const id of fix.findings) expect(FINDING_IDS, `${fix.id} -> ${id}`).toContain(id);
      expect(offered.has(fix.id) || fix.id === 'data-dir-chmod', `${fix.id} is offered by some catalog entry`).toBe(true);
    }
  });

  it('plans are pure: the same snapshot gives the same plan, and the snapshot is not changed', () => {
    const snapshots = [
      snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\nupstream:\n  allowed_ips: [0.0.0.0/0]\n') }, state: { runAs: { uid: 0, gid: 0 } } }),
      snapshotOf({ files: { 'values.yaml': 'gateway:\n  config:\n    routes:\n      - mcp: http://10.0.0.5:8080\n' }, inputs: { audience: 'https://api.anthropic.com' } }),
      snapshotOf({}),
    ];
    for (const s of snapshots) {
      const frozen = JSON.stringify(s);
      for (const fix of FIXES) {
        const a = planFix(fix.id, s, { expected: 'https://api.anthropic.com' });
        const b = planFix(fix.id, s, { expected: 'https://api.anthropic.com' });
        expect(JSON.stringify(a), fix.id).toBe(JSON.stringify(b));
        for (const step of a?.steps ?? []) {
          if (step.kind === 'command') expect(step.argv.every((arg) => typeof arg === 'string' && arg !== ''), fix.id).toBe(true);
          if (step.kind === 'command') expect(step.argv.slice(1).some((arg) => /^-{1,2}[a-z]/.test(arg) && /\s/.test(arg)), fix.id).toBe(false);
        }
      }
      expect(JSON.stringify(s)).toBe(frozen);
    }
  });
});
