import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LogTails, TAIL_LINES } from '../../src/signatures/tails.js';
import { lastLogLines } from '../../src/analyze/containers.js';
import { snapshotOf } from '../helpers/snapshot.js';

/** What lastLogLines did before: split the whole log, every time. */
const KUBE_PREFIX = /^\[pod\/([^/\]]+)\/([^\]]+)\] /;
function naive(text: string, n: number, pod?: string): string[] {
  let lines = text.split('\n').filter((l) => l.trim() !== '');
  if (pod) lines = lines.filter((l) => KUBE_PREFIX.exec(l)?.[1] === pod);
  return lines.slice(-n);
}

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

const POD_NAMES = ['mcp-tunnel-a', 'mcp-tunnel-b', 'mcp-tunnel-ab', 'x/y', ''];
/** Lines as kubectl --prefix, Compose and hand-made logs have them, with the odd ones among them. */
const line = fc.oneof(
  fc.tuple(fc.constantFrom(...POD_NAMES), fc.constantFrom('cloudflared', 'mcp-proxy', 'a]b', ''), fc.string({ unit: fc.constantFrom('x', ' ', 'é', '[', ']', '/', '\t', '€'), maxLength: 12 }), fc.constantFrom(' ', '', '  '))
    .map(([p, c, rest, sep]) => `[pod/${p}/${c}]${sep}${rest}`),
  fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\r', '\u00a0', '\u2028', 'é', '[', 'p'), maxLength: 10 }),
  fc.constant(''),
  fc.constant('cloudflared-1  | 2026-11-28T03:10:00Z INF Registered tunnel connection'),
);

describe('the last lines of a log', () => {
  it('equal the naive split-and-filter, overall and per pod, however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 1, max: TAIL_LINES }), (lines, finalNewline, cuts, n) => {
        const text = lines.join('\n') + (finalNewline ? '\n' : '');
        const tails = new LogTails();
        // Each chunk is overwritten once pushed, as the bundle reader reuses its buffer.
        for (const c of chunked(Buffer.from(text), cuts)) {
          const copy = Buffer.from(c);
          tails.push(copy);
          copy.fill(0x23);
        }
        tails.end();
        expect(tails.last(n)).toEqual(naive(text, n));
        for (const pod of POD_NAMES.filter(Boolean)) expect(tails.last(n, pod), pod).toEqual(naive(text, n, pod));
      }),
      { numRuns: 500 },
    );
  });

  it('lastLogLines reads them from the snapshot, once per log, for every pod', () => {
    const pods = Array.from({ length: 50 }, (_, i) => `mcp-tunnel-6b7f9c8d4-${String(i).padStart(5, '0')}`);
    const text = pods.flatMap((p) => Array.from({ length: 100 }, (_, i) => `[pod/${p}/mcp-proxy] 2026-11-28T03:00:00Z line ${i} of ${p}`)).join('\n');
    const s = snapshotOf({ logs: { 'mcp-proxy': text, setup: '\n\nlast words\n\n' } });
    for (const p of pods) expect(lastLogLines(s, 'mcp-proxy', 5, p)).toEqual(naive(text, 5, p));
    expect(lastLogLines(s, 'mcp-proxy', 3)).toEqual(naive(text, 3));
    expect(lastLogLines(s, 'setup', 5)).toEqual(['last words']);
    expect(lastLogLines(s, 'cloudflared', 5)).toEqual([]);
    expect(lastLogLines(s, 'mcp-proxy', 5, 'no-such-pod')).toEqual([]);
  });
});
