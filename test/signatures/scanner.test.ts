import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LiteralSet } from '../../src/signatures/literals.js';
import { LogScanner, MAX_LINE_BYTES, scanText } from '../../src/signatures/scanner.js';

type Seen = [line: number, span: number, ids: string, captures: string];

function collect(feed: (scanner: LogScanner) => void): { seen: Seen[]; stats: LogScanner['stats'] } {
  const seen: Seen[] = [];
  const scanner = new LogScanner((r, m) => seen.push([r.line, r.span, m.map((x) => x.signature.id).join(','), JSON.stringify(m.map((x) => x.captures))]));
  feed(scanner);
  scanner.end();
  return { seen, stats: scanner.stats };
}

const whole = (bytes: Buffer) => collect((s) => s.push(bytes));
const chunked = (bytes: Buffer, cuts: number[]) =>
  collect((s) => {
    let at = 0;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      s.push(bytes.subarray(at, cut));
      at = cut;
    }
    s.push(bytes.subarray(at));
  });

const LINES = [
  'cloudflared-1  | 2026-11-28T03:58:02Z INF Registered tunnel connection connIndex=0 connection=7a1c3e52-2f4d-4d9e-a6b1-5d0c7e9f8a21 event=0 ip=198.41.200.13 location=lhr01 protocol=quic',
  'cloudflared-1  | 2026-11-28T03:58:06Z ERR Failed to dial a quic connection error="failed to dial to edge with quic: timeout: no recent network activity" connIndex=0 event=0 ip=198.41.192.7',
  'mcp-proxy-1    | 2026/11/28 04:00:01 load config: yaml: unmarshal errors:',
  'mcp-proxy-1    |   line 12: cannot unmarshal !!seq into map[string]string',
  'mcp-proxy-1    | time=2026-11-28T04:10:00.000Z level=WARN msg="no route for host" host=mcp.wrong1234.tunnel.anthropic.com',
  'mcp-proxy-1    | time=2026-11-28T04:10:01.000Z level=INFO msg="request" route=mcp status=101',
  '2026/11/28 03:58:01 failed to sufficiently increase receive buffer size (was: 208 kiB, wanted: 7168 kiB, got: 416 kiB).',
  'cloudflared-1  | 2026-11-28T03:58:02Z DBG GET https://mcp.abcd1234.tunnel.anthropic.com/ HTTP/1.1 connIndex=1',
  '',
  'héllo wörld — unicode is fine',
];

describe('LogScanner: streaming', () => {
  it('finds the same records, lines and captures whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: LINES.length - 1 }), { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 30 }), fc.boolean(), (picks, cutSeeds, crlf) => {
        const text = picks.map((i) => LINES[i]).join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
        const bytes = Buffer.from(text, 'utf8');
        const cuts = cutSeeds.map((n) => n % (bytes.length + 1));
        expect(chunked(bytes, cuts).seen).toEqual(whole(bytes).seen);
      }),
      { numRuns: 150 },
    );
  });

  it('feeds byte by byte: multi-line records and line numbers survive', () => {
    const bytes = Buffer.from(`${LINES.join('\n')}\n`);
    const one = collect((s) => {
      for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
    });
    expect(one.seen).toEqual(whole(bytes).seen);
    expect(one.seen.map(([line, span, ids]) => [line, span, ids])).toEqual([
      [1, 1, 'cloudflared.registered'],
      [2, 1, 'cloudflared.quic-dial-failed,cloudflared.quic-timeout'],
      [3, 2, 'proxy.routes-is-list'],
      [5, 1, 'proxy.no-route'],
      [7, 1, 'cloudflared.udp-buffer'],
    ]);
    expect(one.stats).toMatchObject({ lines: LINES.length, skipped: 0, bytes: bytes.length });
  });

  it('treats CRLF like LF: same matches, no \\r in captures', () => {
    const lf = whole(Buffer.from(`${LINES.join('\n')}\n`)).seen;
    const crlf = whole(Buffer.from(`${LINES.join('\r\n')}\r\n`)).seen;
    expect(crlf).toEqual(lf);
    expect(JSON.stringify(crlf)).not.toContain('\\r');
  });

  it('counts a last line without a newline', () => {
    const r = whole(Buffer.from('x\nProvided Tunnel token is not valid.'));
    expect(r.seen.map((s) => [s[0], s[2]])).toEqual([[2, 'cloudflared.token-not-valid']]);
    expect(r.stats.lines).toBe(2);
  });

  it('skips lines with invalid UTF-8 or NUL bytes, keeps going, keeps line numbers right', () => {
    const bytes = Buffer.concat([
      Buffer.from('Provided Tunnel token is not valid. \xff\xfe\n', 'latin1'),
      Buffer.from('binary \u0000 Provided Tunnel token is not valid.\n'),
      Buffer.from([0xc3, 0x28, 0x0a]), // invalid 2-byte sequence, no literal: never even decoded
      Buffer.from('2026/11/28 04:00:01 open /data/tls.key: permission denied\n'),
    ]);
    const r = whole(bytes);
    expect(r.seen.map((s) => [s[0], s[2]])).toEqual([[4, 'proxy.key-permission-denied']]);
    expect(r.stats).toMatchObject({ lines: 4, skipped: 2 });
  });

  it('reads a huge single line up to MAX_LINE_BYTES, in bounded memory, and goes on after it', () => {
    const size = 64 * 1024 * 1024;
    const block = Buffer.alloc(1024 * 1024, 'a');
    const head = Buffer.from('2026/11/28 04:00:01 open /data/tls.key: permission denied ');
    const late = Buffer.from(' No ingress rules were defined '); // beyond the first MAX_LINE_BYTES: not read
    const before = process.memoryUsage().rss;
    let peak = before;
    const r = collect((s) => {
      s.push(head);
      for (let sent = head.length; sent < size; sent += block.length) {
        s.push(block);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      s.push(late);
      s.push(Buffer.from('\nProvided Tunnel token is not valid.\n'));
    });
    expect(r.seen.map((s) => [s[0], s[2]])).toEqual([
      [1, 'proxy.key-permission-denied'],
      [2, 'cloudflared.token-not-valid'],
    ]);
    expect(r.stats).toMatchObject({ lines: 2, longLines: 1 });
    expect(r.stats.bytes).toBeGreaterThan(size);
    // Nothing of the line is kept beyond MAX_LINE_BYTES: memory does not grow with it.
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
    expect(MAX_LINE_BYTES).toBeLessThan(1024 * 1024);
  });

  it('scanText on a snapshot string matches like the byte stream', () => {
    const text = `${LINES.join('\n')}\n`;
    const seen: Seen[] = [];
    scanText(text, (r, m) => seen.push([r.line, r.span, m.map((x) => x.signature.id).join(','), JSON.stringify(m.map((x) => x.captures))]));
    expect(seen).toEqual(whole(Buffer.from(text)).seen);
  });
});

describe('LiteralSet: the prefilter', () => {
  const lits = ['Registered tunnel', 'permission denied', 'no route for host', 'abcabc'];

  it('reports exactly the lines that contain a literal, and every literal each holds', () => {
    const set = new LiteralSet(lits);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...lits, 'abcab', 'permission', 'denied', 'x', 'Registered', '\n', 'abc'), fc.string({ maxLength: 8 })), { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const buf = Buffer.from(text);
        const found: [string, string[]][] = [];
        set.forEachLine(buf, 0, buf.length, (s, e, ids) => found.push([buf.subarray(s, e).toString(), ids.map((id) => set.literals[id]!).sort()]));
        const expected = text
          .split('\n')
          .filter((line) => lits.some((l) => line.includes(l)))
          .map((line): [string, string[]] => [line, lits.filter((l) => line.includes(l)).sort()]);
        expect(found).toEqual(expected);
        expect(set.literalsIn(text).map((id) => set.literals[id]).sort()).toEqual(lits.filter((l) => text.includes(l)).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('refuses literals too short to skip with', () => {
    expect(() => new LiteralSet(['ab'])).toThrow(/at least 3 bytes/);
    expect(() => new LiteralSet([])).toThrow();
  });
});
