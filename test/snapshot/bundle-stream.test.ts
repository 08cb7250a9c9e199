// Bundle logs are streamed from disk through the scanner (never held whole): the findings must be the
// ones the same logs give when held as text, as they were before.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestParts, readBundle, readLogFile } from '../../src/snapshot/bundle.js';
import { readBundleForAnalysis } from '../../src/commands/load.js';
import { analyze } from '../../src/analyze/index.js';
import { logIndex } from '../../src/signatures/log-index.js';
import { redact } from '../../src/snapshot/redact.js';
import type { LogSource, Snapshot } from '../../src/snapshot/types.js';
import { tempDir } from '../helpers/cli.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const FIXTURES = fileURLToPath(new URL('../signatures/', import.meta.url));
/** Every line the signature fixtures say must match, by the log it belongs to. */
function fixtureLines(prefix: string): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.log'))
    .flatMap((f) => readFileSync(join(FIXTURES, f), 'utf8').split('\n'))
    .filter((l) => l.startsWith('+ ') || l.startsWith('> '))
    .map((l) => l.slice(2));
}

const PODS = Array.from({ length: 30 }, (_, i) => `mcp-tunnel-6b7f9c8d4-${String(i).padStart(5, '0')}`);

/** ~1.5 MB per log (past the reader's 1 MB chunks), every pod's lines after another's, as kubectl --prefix prints them. */
function podLog(container: string, lines: string[], filler: string): string {
  const out: string[] = [];
  for (const pod of PODS) {
    for (let i = 0; i < 400; i++) out.push(`[pod/${pod}/${container}] 2026-11-28T03:${String(10 + (i % 50)).padStart(2, '0')}:00.000000000Z ${filler} ${i}`);
    for (const l of lines) out.push(`[pod/${pod}/${container}] ${l}`);
  }
  return `${out.join('\n')}\n`;
}

async function bundle(): Promise<string> {
  const t = await tempDir('mtt-bundle-stream-');
  cleanups.push(t.cleanup);
  const root = t.dir;
  for (const sub of ['logs', 'state']) await mkdir(join(root, sub), { recursive: true });
  await writeFile(join(root, 'logs/mcp-proxy.log'), podLog('mcp-proxy', fixtureLines('proxy.'), 'time=2026-11-28T03:00:00.000Z level=INFO msg="request" route=mcp status=200'));
  // Two files for one log: read as if joined by a newline.
  await writeFile(join(root, 'logs/cloudflared.log'), podLog('cloudflared', fixtureLines('cloudflared.').slice(0, 20), 'INF Updated to new configuration version=3'));
  await writeFile(join(root, 'logs/cloudflared.txt'), fixtureLines('cloudflared.').slice(20).join('\n'));
  await writeFile(join(root, 'logs/setup.log'), `${fixtureLines('setup.').join('\n')}\n`);
  const pods = PODS.map((name) => ({
    name,
    phase: 'Running',
    ready: false,
    containers: [
      { service: 'mcp-proxy', name: 'mcp-proxy', pod: name, state: 'waiting', reason: 'CrashLoopBackOff', restartCount: 7, lastTermination: { exitCode: 1, reason: 'Error' } },
      { service: 'cloudflared', name: 'cloudflared', pod: name, state: 'running' },
    ],
  }));
  const state = { kube: { namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods, jobs: [{ name: 'mcp-tunnel-setup', failed: 1, conditions: ['Failed: BackoffLimitExceeded'] }] }, containers: pods.flatMap((p) => p.containers) };
  await writeFile(join(root, 'state/state.json'), JSON.stringify(state));
  await writeFile(join(root, 'manifest.json'), JSON.stringify({ format: 'mcp-tunnel-triage-bundle/1', created: '2026-11-28T04:00:00.000Z', deployment: { kind: 'helm', how: 'test', paths: {}, release: 'mcp-tunnel', namespace: 'mcp-tunnel' } }));
  return root;
}

/** The same bundle as before this change: every log read whole into text. */
function asText(s: Snapshot, root: string): Snapshot {
  const logs: Snapshot['logs'] = {};
  const read = (f: string) => readFileSync(join(root, 'logs', f), 'utf8');
  logs['mcp-proxy'] = { text: read('mcp-proxy.log') };
  logs.cloudflared = { text: `${read('cloudflared.log')}\n${read('cloudflared.txt')}` };
  logs.setup = { text: read('setup.log') };
  return { ...s, logs };
}

describe('bundle logs streamed from disk', () => {
  it('give the same findings, evidence and counts as the logs held whole', async () => {
    const root = await bundle();
    const streamed = await readBundleForAnalysis(root);
    const whole = asText(await readBundle(root), root);
    // The streamed snapshot holds only the logs' last lines; the files are read through the scanner.
    expect(streamed.logs['mcp-proxy']!.text.length).toBeLessThanOrEqual(64 * 1024);
    expect(streamed.logs['mcp-proxy']!.files).toHaveLength(1);
    expect(streamed.logs.cloudflared!.files).toHaveLength(2);
    const a = analyze(streamed);
    const b = analyze(whole);
    expect(a.findings.length).toBeGreaterThan(5);
    expect(a.findings).toEqual(b.findings);
    expect(a.checks.map((c) => [c.id, c.status])).toEqual(b.checks.map((c) => [c.id, c.status]));
    const [ia, ib] = [logIndex(streamed), logIndex(whole)];
    expect([...ia.counts]).toEqual([...ib.counts]);
    for (const source of ['mcp-proxy', 'cloudflared', 'setup'] as LogSource[]) {
      expect(ia.stats[source]).toEqual(ib.stats[source]);
      for (const pod of PODS.slice(0, 3)) expect(ia.tails[source]!.last(5, pod)).toEqual(ib.tails[source]!.last(5, pod));
    }
    // Every crash-looping pod's evidence has its own last lines.
    const down = a.findings.find((f) => f.id === 'runtime.container-down')!;
    expect(down.evidence.filter((e) => e.source === 'logs/mcp-proxy').length).toBe(PODS.length * 5);
  });

  it('hands checks redacted captures: a password in a streamed log line never reaches a finding (nothing redacted the file)', async () => {
    const t = await tempDir('mtt-bundle-secret-');
    cleanups.push(t.cleanup);
    await mkdir(join(t.dir, 'logs'));
    const password = 'pw-5f0c1d2e3a4b5c6d7e';
    const line = `time=2026-11-28T04:00:01Z level=ERROR msg="invalid upstream (must be scheme://host:port)" route=mcp upstream=http://client:${password}@10.20.0.16:8080`;
    await writeFile(join(t.dir, 'logs/mcp-proxy.log'), `${line}\n`);
    const streamed = analyze(await readBundleForAnalysis(t.dir));
    const found = streamed.findings.find((f) => f.id === 'routing.invalid-upstream');
    expect(found?.data).toMatchObject({ route: 'mcp', url: 'http://[REDACTED]@10.20.0.16:8080' });
    expect(JSON.stringify(streamed)).not.toContain(password.slice(3, 15));
    // As the same log read whole and redacted gives it.
    const whole = await readBundle(t.dir);
    expect(streamed.findings).toEqual(analyze({ ...whole, logs: { 'mcp-proxy': { text: redact(`${line}\n`) } } }).findings);
  });

  it('says to prepare the index when a bundle snapshot reaches analysis without it', async () => {
    const root = await bundle();
    const raw = await readBundle(root);
    expect(() => logIndex(raw)).toThrow(/prepareLogIndex\(\) must read it before analysis/);
  });

  it('reads the newest bytes of a source over its limit, the last file first, however many files feed it', () => {
    const parts = [
      { path: 'a', from: 0, to: 100 },
      { path: 'b', from: 0, to: 50 },
    ];
    expect(newestParts(parts, 200)).toEqual({ parts, cut: false });
    expect(newestParts(parts, 120)).toEqual({ parts: [{ path: 'a', from: 30, to: 100 }, { path: 'b', from: 0, to: 50 }], cut: true });
    expect(newestParts(parts, 40)).toEqual({ parts: [{ path: 'b', from: 10, to: 50 }], cut: true });
  });

  it('streams a part that starts inside a file from its next whole line', async () => {
    const t = await tempDir('mtt-bundle-part-');
    cleanups.push(t.cleanup);
    const path = join(t.dir, 'x.log');
    await writeFile(path, 'first line\nsecond line\nthird line\n');
    const read = async (from: number) => {
      const out: Buffer[] = [];
      for await (const c of readLogFile({ path, from, to: 34 })) out.push(Buffer.from(c));
      return Buffer.concat(out).toString();
    };
    expect(await read(0)).toBe('first line\nsecond line\nthird line\n');
    expect(await read(3)).toBe('second line\nthird line\n');
    expect(await read(11)).toBe('third line\n'); // at a line start, the part before it counts as cut
  });
});
