import { describe, expect, it } from 'vitest';
import { runChecks, materialize } from '../../src/analyze/engine.js';
import { analyze, exitCodeOf, selectChecks } from '../../src/analyze/index.js';
import { CHECKS } from '../../src/analyze/registry.js';
import type { Check } from '../../src/analyze/types.js';
import { proxyConfig, snapshotOf, DOCUMENTED_COMPOSE } from '../helpers/snapshot.js';

const crashing: Check = {
  id: 'test.crash', layer: 'edge', title: 'crashes', needs: ['always'], emits: ['edge.connected'],
  run: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'x')\n    at somewhere");
  },
};
const emitting: Check = {
  id: 'test.emit', layer: 'tls', title: 'emits', needs: ['always'], emits: ['tls.plaintext-listener', 'tls.key-mismatch'],
  run: () => [
    { id: 'tls.plaintext-listener', evidence: [] },
    { id: 'tls.key-mismatch', vars: { cert: 'data/tls.crt', key: 'data/tls.key' }, evidence: [] },
  ],
};

describe('engine', () => {
  it('turns a crashing check into a checks[] entry with status error and runs the rest', () => {
    const run = runChecks(snapshotOf({}), [crashing, emitting]);
    expect(run.checks[0]).toMatchObject({ id: 'test.crash', status: 'error', reason: "check crashed: Cannot read properties of undefined (reading 'x')" });
    expect(run.checks[1]).toMatchObject({ id: 'test.emit', status: 'problem' });
    expect(run.findings.map((f) => f.id)).toEqual(['tls.key-mismatch', 'tls.plaintext-listener']);
  });

  it('fills the catalog words from the observation', () => {
    const f = materialize({ id: 'tls.key-mismatch', vars: { cert: 'data/tls.crt', key: 'data/tls.key' }, evidence: [] }, snapshotOf({}));
    expect(f).toMatchObject({ severity: 'error', layer: 'tls', title: 'The private key does not belong to the certificate' });
    expect(f.detail).toContain('The public key in data/tls.crt differs from the one in data/tls.key');
  });

  it('lets an observation pick a variant and override the severity', () => {
    const f = materialize({ id: 'edge.unreachable', variant: 'udp-blocked', severity: 'warning', evidence: [] }, snapshotOf({}));
    expect(f.severity).toBe('warning');
    expect(f.detail).toMatch(/fell back to HTTP\/2/);
  });

  it('offers only fixes that apply to the deployment', () => {
    const s = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n') } });
    const f = analyze(s).findings.find((x) => x.id === 'routing.routes-is-list')!;
    expect(f.fixes.map((x) => x.id)).toEqual(['routes-to-map']);
    expect(f.fixes[0]!.commands).toEqual(['docker compose restart mcp-proxy']);
    expect(f.fixes[0]!.diff).toContain('+  mcp: http://10.0.0.5:8080');
  });

  it('runs only the checks of a symptom', () => {
    expect(selectChecks({ symptom: 'routes-list' }).map((c) => c.id)).toContain('routing.routes-is-list');
    expect(selectChecks({ symptom: 'routes-list' }).map((c) => c.id)).not.toContain('routing.allowed-ips-open');
    // Every check, but a symptom's own guidance (the picker's Console checklist) only for that symptom.
    expect(selectChecks({}).map((c) => c.id)).toEqual(CHECKS.filter((c) => c.id !== 'tls.picker-checklist').map((c) => c.id));
    expect(selectChecks({ symptom: 'not-in-picker' }).map((c) => c.id)).toContain('tls.picker-checklist');
    expect(selectChecks({ symptom: 'cert-errors' }).map((c) => c.id)).not.toContain('tls.picker-checklist');
  });

  it('exits 1 only while an error finding remains', () => {
    const warnOnly = snapshotOf({ files: { 'config/mcp-proxy.yaml': proxyConfig('routes:\n  a: http://10.0.0.1:80\nupstream:\n  allowed_ips: [0.0.0.0/0]\n') } });
    expect(exitCodeOf(analyze(warnOnly))).toBe(0);
    const broken = snapshotOf({ files: { 'config/mcp-proxy.yaml': proxyConfig('routes:\n  - a: http://10.0.0.1:80\n') } });
    expect(exitCodeOf(analyze(broken))).toBe(1);
  });
});
