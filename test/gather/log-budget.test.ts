import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rm } from 'node:fs/promises';
import { TailBytes } from '../../src/gather/tail-bytes.js';
import { keepNewest } from '../../src/snapshot/text.js';
import { LogBudget, waterLevel } from '../../src/gather/log-budget.js';
import { withTail } from '../../src/gather/context.js';
import { podLogLineMin } from '../../src/gather/kube-commands.js';
import { gatherSnapshot } from '../../src/gather/index.js';
import { defaultOptions } from '../../src/options.js';
import { fastStandIns } from '../helpers/fast-stand-ins.js';
import { testKit } from '../helpers/test-kit.js';
import type { GatherSettings } from '../../src/gather/context.js';
import { kubeRules, type PodSpec } from '../helpers/deployment-scenarios.js';

const { folder, later } = testKit('mtt-budget-');

/** A live Helm gather of these pods and their logs (fast stand-ins), with these gather settings. */
async function gatherPods(pods: PodSpec[], logs: Record<string, Record<string, string[]>>, settings: GatherSettings) {
  const sc = await fastStandIns(kubeRules({ namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods, logs }));
  later(() => rm(sc.dir, { recursive: true, force: true }));
  return gatherSnapshot(defaultOptions({ dir: await folder(), kube: true, network: false }), undefined, { env: sc.env, ...settings });
}

const lines = (n: number, tag = 'line') => Array.from({ length: n }, (_, i) => `${tag} ${String(i).padStart(4, '0')} of the log\n`).join('');

/** Splits bytes at the given cut points (any chunking a pipe could deliver). */
function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...at, buf.length]) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  return out;
}

describe('keeping the newest lines', () => {
  it('keeps the newest whole lines that fit, and a single longer line by its end from a character boundary', () => {
    const text = Buffer.from(lines(100));
    // Lines are 21 bytes: four fit in 100.
    expect(keepNewest(text, 100).toString()).toBe('line 0096 of the log\nline 0097 of the log\nline 0098 of the log\nline 0099 of the log\n');
    expect(keepNewest(text, 84).toString()).toBe('line 0096 of the log\nline 0097 of the log\nline 0098 of the log\nline 0099 of the log\n');
    expect(keepNewest(text, 83).toString()).toBe('line 0097 of the log\nline 0098 of the log\nline 0099 of the log\n');
    const long = Buffer.from(`short\n${'é'.repeat(100)}\n`);
    const end = keepNewest(long, 51).toString();
    expect(end).not.toMatch(/\uFFFD/);
    expect(end.endsWith('é\n')).toBe(true);
    expect(Buffer.byteLength(end)).toBeLessThanOrEqual(51);
  });

  it('TailBytes keeps the same newest lines however the output is chunked, and counts every byte', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' ', '\n', '€'), maxLength: 40 }), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 200 }),
        (parts, cuts, limit) => {
          const all = Buffer.from(parts.join(''));
          const tail = new TailBytes(limit);
          for (const c of chunked(all, cuts)) tail.push(c);
          expect(tail.total).toBe(all.length);
          expect(tail.bytes().equals(keepNewest(all, limit))).toBe(true);
          expect(tail.truncated).toBe(all.length > limit);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the byte budget across all logs', () => {
  it('water level: the largest L whose capped sum fits', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 5000 }), { minLength: 1, maxLength: 30 }), fc.nat({ max: 40_000 }), (sizes, total) => {
        const level = waterLevel(sizes, total);
        const sum = (l: number) => sizes.reduce((n, s) => n + Math.min(s, l), 0);
        if (level === Infinity) expect(sum(Number.MAX_SAFE_INTEGER)).toBeLessThanOrEqual(total);
        else {
          expect(sum(level)).toBeLessThanOrEqual(total);
          expect(sum(level + 1)).toBeGreaterThan(total);
        }
      }),
    );
  });

  it('cuts the largest logs to a common size, keeps small ones whole, keeps newest lines, and ends the same in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 200, max: 4000 }), fc.nat(), (counts, total, seed) => {
        const texts = counts.map((n, i) => lines(n, `log${i}`));
        const run = (order: number[]) => {
          const budget = new LogBudget(total, 1e9);
          const parts = new Map(order.map((i) => [i, budget.add(Buffer.from(texts[i]!), Buffer.byteLength(texts[i]!), false)]));
          budget.finish();
          return { budget, texts: texts.map((_, i) => parts.get(i)!.data.toString()) };
        };
        const inOrder = run(texts.map((_, i) => i));
        const shuffled = run(texts.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101)));
        expect(shuffled.texts).toEqual(inOrder.texts);
        const kept = inOrder.texts.map((t) => Buffer.byteLength(t));
        expect(kept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(total);
        inOrder.texts.forEach((t, i) => {
          const whole = texts[i]!;
          expect(whole.endsWith(t)).toBe(true); // the newest lines
          // whole lines, unless the last line alone is longer than what was kept: then its end
          const atLineStart = t === '' || t.length === whole.length || whole[whole.length - t.length - 1] === '\n';
          expect(atLineStart || !t.slice(0, -1).includes('\n')).toBe(true);
        });
        const level = inOrder.budget.perPart;
        if (level === undefined) expect(inOrder.texts).toEqual(texts);
        else texts.forEach((t, i) => (Buffer.byteLength(t) <= level ? expect(inOrder.texts[i]).toBe(t) : expect(kept[i]).toBeLessThanOrEqual(level)));
      }),
      { numRuns: 200 },
    );
  });

  it('gathering 12 pods with a small budget keeps every log newest-first and says what the budget cut', async () => {
    const pods: PodSpec[] = Array.from({ length: 12 }, (_, i) => ({ name: `mcp-tunnel-6b7f9c8d4-b${String(i).padStart(2, '0')}`, ip: `127.0.0.${30 + i}`, containers: [{ name: 'mcp-proxy', state: 'running' }, { name: 'cloudflared', state: 'running' }] }));
    const logs = Object.fromEntries(pods.map((p) => [p.name, { 'mcp-proxy': Array.from({ length: 300 }, (_, i) => `proxy ${p.name} line ${String(i).padStart(4, '0')}`), cloudflared: [`INF cloudflared ${p.name} only line`] }]));
    const budget = 64 * 1024;
    const s = await gatherPods(pods, logs, { logBudget: budget });
    const proxy = s.logs['mcp-proxy']!;
    const cloudflared = s.logs.cloudflared!;
    expect(Buffer.byteLength(proxy.text) + Buffer.byteLength(cloudflared.text)).toBeLessThanOrEqual(budget);
    for (const p of pods) {
      expect(proxy.text).toContain(`proxy ${p.name} line 0299\n`); // each pod's newest line
      expect(proxy.text).not.toContain(`proxy ${p.name} line 0000\n`); // its oldest went
      expect(cloudflared.text).toContain(`INF cloudflared ${p.name} only line`); // small logs stay whole
    }
    expect(proxy.truncated).toBe(true);
    expect(proxy.read).toMatchObject({ commands: 12, cut: 12 });
    expect(proxy.read!.printed).toBeGreaterThan(proxy.read!.kept);
    expect(cloudflared.read).toMatchObject({ commands: 12 });
    expect(cloudflared.read!.cut).toBeUndefined();
    expect(s.notes).toContain(`cloudflared log: 12 commands printed ${Math.round(cloudflared.read!.printed / 1024)} kB, all of it read`);
    expect(s.notes.find((n) => n.startsWith('mcp-proxy log: 12 commands'))).toMatch(/12 of them cut to their newest lines \(the 64 kB budget across all logs leaves \d+ kB to each of the largest\)/);
    expect(s.state.bounds).toMatchObject({ logBudget: budget });
  });

  it('frees what a cut drops, cut after cut: no kept part holds on to a buffer more than twice its size', () => {
    // Parts arrive one by one; each arrival lowers the common size a little, so each part is cut many times
    // by a little. A view of a view of the first buffer would keep all 64 kB of it alive for 2 kB of text.
    const budget = new LogBudget(64 * 1024);
    const parts = Array.from({ length: 32 }, (_, i) => budget.add(Buffer.from(lines(3000, `p${String(i).padStart(2, '0')}`)), 0, false));
    budget.finish();
    for (const part of parts) {
      expect(part.data.length).toBeLessThanOrEqual(2048);
      expect(part.data.buffer.byteLength).toBeLessThanOrEqual(Math.max(2 * part.data.length, 8192)); // small copies share Node's 8 kB pool
    }
  });

  it('asks a log command for no more lines than the budget can still keep, as it starts', () => {
    expect(new LogBudget(1_000_000).linesWorthReading(2000, 50)).toBe(2000); // nothing cut yet: 20,000 lines could fit
    // Before any log is read, the per-command limit alone caps it: 1000 bytes hold at most 20 lines of 50.
    const small = new LogBudget(1000, 1000);
    expect(small.linesWorthReading(2000, 50)).toBe(20);
    expect(small.linesWorthReading(10, 50)).toBe(10);
    small.add(Buffer.alloc(1000, 0x61), 1000, false);
    small.add(Buffer.alloc(1000, 0x61), 1000, false); // past the budget: each of the two gets 500
    expect(small.perPart).toBe(500);
    expect(small.linesWorthReading(2000, 50)).toBe(10);
    expect(small.linesWorthReading(2000, 5000)).toBe(1); // never none: a line longer than the cap is kept by its end
    expect(withTail(['kubectl', 'logs', 'p', '--tail', '2000', '--prefix'], 37)).toEqual(['kubectl', 'logs', 'p', '--tail', '37', '--prefix']);
    expect(withTail(['kubectl', 'get', 'pods'], 37)).toEqual(['kubectl', 'get', 'pods']);
    // `[pod/p/c] ` (10) + `2026-11-28T03:00:00Z ` (21) + the newline
    expect(podLogLineMin('p', 'c')).toBe(32);
  });

  it('30 pods over a small budget: later commands ask for fewer lines, and every log still keeps all the budget allows', async () => {
    const pods: PodSpec[] = Array.from({ length: 30 }, (_, i) => ({ name: `mcp-tunnel-6b7f9c8d4-t${String(i).padStart(2, '0')}`, ip: `127.0.0.${60 + i}`, containers: [{ name: 'mcp-proxy', state: 'running' }, { name: 'cloudflared', state: 'running' }] }));
    const logs = Object.fromEntries(pods.map((p) => [p.name, { 'mcp-proxy': Array.from({ length: 2000 }, (_, i) => `proxy ${p.name} line ${String(i).padStart(4, '0')}`), cloudflared: [`INF cloudflared ${p.name} only line`] }]));
    const budget = 96 * 1024;
    const s = await gatherPods(pods, logs, { logBudget: budget, poolSize: 2 });
    const podLogs = (s.state.commands ?? []).filter((c) => c.argv[1] === 'logs' && c.argv[2]?.startsWith('mcp-tunnel-6b7f9c8d4-t'));
    const tailOf = (argv: string[]) => Number(argv[argv.indexOf('--tail') + 1]);
    const tails = podLogs.filter((c) => c.argv.includes('mcp-proxy')).map((c) => tailOf(c.argv));
    expect(tails).toHaveLength(30);
    expect(tails).toContain(2000); // the first ones, before the budget knew anything
    expect(Math.min(...tails)).toBeLessThan(2000);
    const lowered = podLogs.map((c) => tailOf(c.argv)).filter((t) => t < 2000);
    expect(s.notes).toContain(`logs: ${lowered.length} kubectl logs asked for fewer than 2000 lines (--tail down to ${Math.min(...lowered)}): the log budget could keep no more of them, so no line it keeps was left unread`);
    // Nothing the budget keeps was left unread: every pod holds its newest lines, as many as its share
    // holds: one more line each would not have fitted.
    const proxy = s.logs['mcp-proxy']!.text.split('\n').filter(Boolean);
    const cloudflaredBytes = Buffer.byteLength(s.logs.cloudflared!.text);
    const lineBytes = Buffer.byteLength(proxy[0]!) + 1;
    const share = Math.floor((budget - cloudflaredBytes) / 30);
    for (const p of pods) {
      const mine = proxy.filter((l) => l.startsWith(`[pod/${p.name}/mcp-proxy] `));
      expect(mine.at(-1)).toMatch(new RegExp(`proxy ${p.name} line 1999$`));
      expect(mine.map((l) => l.slice(-4))).toEqual(Array.from({ length: mine.length }, (_, i) => String(2000 - mine.length + i).padStart(4, '0')));
      expect((mine.length + 1) * lineBytes).toBeGreaterThan(share);
      expect(tails.every((t) => t >= mine.length)).toBe(true);
    }
  });
});

