import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/analyze/engine.js';
import type { Check } from '../../src/analyze/types.js';
import { snapshotOf } from '../helpers/snapshot.js';

// A log check and a file check that prove the same finding merge into one (same id and title); the most
// severe observation's words and data win, so a recovered log line cannot hide a file that is wrong now.
const fileSays: Check = {
  id: 'test.file', layer: 'tls', title: 'file', needs: ['always'], emits: ['tls.key-unreadable'],
  run: () => [{ id: 'tls.key-unreadable', vars: { mode: '0600', owner: 'root', user: '65532' }, evidence: [{ source: 'data/tls.key', text: 'mode 0600' }], data: { file: 'data/tls.key' } }],
};
const logSays: Check = {
  id: 'test.log', layer: 'tls', title: 'log', needs: ['always'], emits: ['tls.key-unreadable'],
  run: () => [{ id: 'tls.key-unreadable', variant: 'recovered', severity: 'info', vars: { path: '/data/tls.key', count: 2, last: 'x', recovery: 'y' }, evidence: [{ source: 'logs/mcp-proxy', text: 'open /data/tls.key: permission denied' }], data: { from: 'log', recovered: true } }],
};

describe('merging log and file observations', () => {
  for (const order of [[logSays, fileSays], [fileSays, logSays]]) {
    it(`the current file problem wins over a recovered log line (${order.map((c) => c.id).join(' then ')})`, () => {
      const { findings } = runChecks(snapshotOf(), order);
      expect(findings).toHaveLength(1);
      const f = findings[0]!;
      expect(f.severity).toBe('error');
      expect(f.detail).toMatch(/^The key is 0600 owned by root/);
      expect(f.data).toMatchObject({ file: 'data/tls.key', from: 'log' });
      expect(f.data?.recovered).toBeUndefined();
      expect(f.evidence.map((e) => e.source).sort()).toEqual(['data/tls.key', 'logs/mcp-proxy']);
    });
  }
});
