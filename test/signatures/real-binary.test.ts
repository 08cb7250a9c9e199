// The real cloudflared 2025.5.0's own output (test/signatures/real/, made by scripts/cloudflared-fixtures.mjs in a
// loopback-only network namespace) through the catalog: as `scan` reads it (findings by line) and as
// `diagnose --from-bundle` reads it (the log checks, with recovery and sequence), console and JSON alike.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { analyze } from '../../src/analyze/index.js';
import { scanText } from '../../src/signatures/scanner.js';
import { ScanTally } from '../../src/signatures/tally.js';
import { snapshotOf } from '../helpers/snapshot.js';

const DIR = fileURLToPath(new URL('./real/', import.meta.url));

interface Case {
  name: string;
  what: string;
  command: string[];
  exit: number | string;
  expect: string[];
  json: boolean;
  edgeSaw?: number[];
  ready?: { status: number; body: string };
}
const manifest = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { version: string; edges: string[]; cases: Case[] };

/** Each case's logs: the console output, and the same run's JSON --logfile when it wrote one. */
const logsOf = (c: Case) => [['console', readFileSync(join(DIR, `${c.name}.log`), 'utf8')], ...(c.json ? [['json', readFileSync(join(DIR, `${c.name}.json.log`), 'utf8')]] : [])] as [string, string][];

describe(`the real ${manifest.version}`, () => {
  it('was run with --no-autoupdate and two loopback --edge addresses, every case', () => {
    expect(manifest.version).toMatch(/^cloudflared version 2025\.5\.0/);
    for (const c of manifest.cases) {
      expect(c.command, c.name).toContain('--no-autoupdate');
      const edges = c.command.flatMap((a, i) => (c.command[i - 1] === '--edge' ? [a] : []));
      expect(edges, c.name).toEqual(['127.0.0.1:7844', '127.0.0.2:7844']);
      for (const [, text] of logsOf(c)) expect(text.length, c.name).toBeGreaterThan(0);
    }
    expect(manifest.cases.map((c) => c.name)).toEqual(expect.arrayContaining(['token-missing', 'token-garbage', 'edge-refused-http2', 'edge-silent-http2', 'no-ingress', 'origin-refused']));
  });

  for (const c of manifest.cases) {
    describe(`${c.name}: ${c.what}`, () => {
      for (const [format, text] of logsOf(c)) {
        it(`scan (${format}): the expected findings are among the matches, and nothing else is an error`, () => {
          const tally = new ScanTally();
          scanText(text, (r, m) => tally.add(r, m));
          const errors = [...tally.findings.values()].filter((t) => t.severity === 'error').map((t) => t.id);
          for (const id of c.expect) expect(Object.keys(tally.counts()), `${c.name} ${format}`).toContain(id);
          // Line by line, `scan` also sees the DNS failure every run here has (the namespace has no resolver).
          const dnsOnly = text.includes('error looking up Cloudflare edge IPs') ? ['edge.unreachable'] : [];
          expect(new Set(errors), `${c.name} ${format}`).toEqual(new Set([...c.expect, ...dnsOnly].filter((id) => id !== 'edge.connected')));
        });

        it(`diagnose (${format}): exactly the expected error findings, read in sequence`, () => {
          const report = analyze(snapshotOf({ logs: { cloudflared: text } }));
          const problems = report.findings.filter((f) => f.severity === 'error').map((f) => f.id);
          expect(problems.sort(), `${c.name} ${format}`).toEqual([...c.expect].sort());
        });
      }
    });
  }

  it('reads the edge failure right: refused and silent edges are TCP failures, not DNS, though DNS failed too', () => {
    for (const name of ['edge-refused-http2', 'edge-silent-http2']) {
      const report = analyze(snapshotOf({ logs: { cloudflared: readFileSync(join(DIR, `${name}.log`), 'utf8') } }));
      expect(report.findings.find((f) => f.id === 'edge.unreachable')?.data, name).toMatchObject({ state: 'tcp', tcpFailed: true, dnsFailed: true });
    }
    const quic = analyze(snapshotOf({ logs: { cloudflared: readFileSync(join(DIR, 'edge-quic.log'), 'utf8') } }));
    expect(quic.findings.find((f) => f.id === 'edge.unreachable')?.data).toMatchObject({ state: 'quic-only' });
  });

  it('requests through the tunnel prove the edge reached cloudflared: the DNS failure before them is not current', () => {
    for (const name of ['no-ingress', 'origin-refused', 'origin-ok-debug']) {
      const report = analyze(snapshotOf({ logs: { cloudflared: readFileSync(join(DIR, `${name}.log`), 'utf8') } }));
      const edge = report.findings.find((f) => f.id === 'edge.unreachable')!;
      expect(edge, name).toMatchObject({ severity: 'info', data: { state: 'reached' } });
      expect(edge.detail, name).toMatch(/later the edge reached it/);
    }
  });

  it('the fake edge saw what cloudflared answered: 503 without ingress, 502 with the origin down, 200 with it up', () => {
    const saw = Object.fromEntries(manifest.cases.filter((c) => c.edgeSaw).map((c) => [c.name, [...new Set(c.edgeSaw)]]));
    expect(saw).toEqual({ 'no-ingress': [503], 'origin-refused': [502], 'origin-ok-debug': [200] });
  });

  it('/ready said 503 with no registered connection (and that is not read as a recovery)', () => {
    const ready = manifest.cases.find((c) => c.name === 'edge-refused-http2')!.ready!;
    expect(ready.status).toBe(503);
    const tally = new ScanTally();
    scanText(`${ready.body}\n`, (r, m) => tally.add(r, m));
    expect(tally.signatures.has('cloudflared.ready')).toBe(false);
  });

  it('the token never reached the output', () => {
    for (const c of manifest.cases) for (const [, text] of logsOf(c)) expect(text).not.toMatch(/eyJ[A-Za-z0-9+/=]{20,}/);
    expect(existsSync(join(DIR, 'token-missing.json.log'))).toBe(false);
  });
});
