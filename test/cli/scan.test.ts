// `scan` through the built bin, as a user runs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('mtt-scan-');
});
afterAll(async () => tmp.cleanup());

const LOG = [
  'cloudflared-1  | 2026-11-28T03:58:00Z INF Starting tunnel tunnelID=3f1e2d4c-1111-2222-3333-444455556666',
  'cloudflared-1  | 2026/11/28 03:58:01 failed to sufficiently increase receive buffer size (was: 208 kiB, wanted: 7168 kiB, got: 416 kiB). See https://github.com/quic-go/quic-go/wiki/UDP-Buffer-Sizes for details.',
  'cloudflared-1  | 2026-11-28T03:58:02Z INF Registered tunnel connection connIndex=0 connection=7a1c3e52-2f4d-4d9e-a6b1-5d0c7e9f8a21 event=0 ip=198.41.200.13 location=lhr01 protocol=quic',
  'cloudflared-1  | 2026-11-28T04:01:12Z WRN No ingress rules were defined in provided config (if any) nor from the cli, cloudflared will return 503 for all incoming HTTP requests',
  'mcp-proxy-1    | 2026/11/28 04:00:01 open /data/tls.key: permission denied',
  'mcp-proxy-1    | 2026/11/28 04:00:31 open /data/tls.key: permission denied',
  'mcp-proxy-1    | time=2026-11-28T04:00:40Z level=INFO msg="plain traffic" TUNNEL_TOKEN=eyJhIjoiAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
].join('\n');

describe('scan FILE', () => {
  it('groups matches by finding with counts and sample lines; exit 1 on an error signature', async () => {
    const file = join(tmp.dir, 'compose.log');
    await writeFile(file, `${LOG}\n`);
    const r = await runCli(['scan', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${file}: 7 lines, 5 matches for 4 findings`);
    expect(r.stdout).toMatch(/✗ ERROR\s+tls\.key-unreadable {2}2 lines\n {4}2× the proxy cannot read its TLS key\n {4}5 {2}2026\/11\/28 04:00:01 open \/data\/tls.key: permission denied\n {4}6 {2}2026\/11\/28 04:00:31/);
    expect(r.stdout).toMatch(/i INFO\s+edge\.udp-buffer-hint {2}1 line/);
    // Guide order: edge findings before tls.
    expect(r.stdout.indexOf('edge.no-ingress')).toBeLessThan(r.stdout.indexOf('tls.key-unreadable'));
    expect(r.stdout.indexOf('edge.connected')).toBeLessThan(r.stdout.indexOf('tls.key-unreadable'));
  });

  it('exits 0 when only ok / info signatures matched, and when nothing matched', async () => {
    const file = join(tmp.dir, 'healthy.log');
    await writeFile(file, `${LOG.split('\n').slice(0, 3).join('\n')}\n`);
    expect((await runCli(['scan', file])).exitCode).toBe(0);
    const none = join(tmp.dir, 'none.log');
    await writeFile(none, 'hello\nworld\n');
    const r = await runCli(['scan', none]);
    expect(r).toMatchObject({ exitCode: 0, stdout: `${none}: 2 lines, no known signature matched\n` });
  });

  it('exits 2 with one line for a missing file, a folder, or an unreadable file', async () => {
    for (const [path, why] of [
      [join(tmp.dir, 'nope.log'), 'no such file (ENOENT)'],
      [tmp.dir, 'it is a folder (EISDIR)'],
    ] as const) {
      const r = await runCli(['scan', path]);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`mcp-tunnel-triage: cannot read ${path}: ${why}; give the path of a log file, or - to read stdin\n`);
    }
  });

  it('takes no deployment flags, and one file at most', async () => {
    for (const args of [['scan', '--dir', '/tmp', 'x.log'], ['scan', 'a.log', 'b.log']]) {
      const r = await runCli(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const help = await runCli(['scan', '--help']);
    expect(help.stdout).toMatch(/^Usage: mcp-tunnel-triage scan \[FILE\|-\]/);
    expect(help.stdout).toContain('--json');
    expect(help.stdout).not.toContain('--dir');
  });
});

describe('scan - (stdin)', () => {
  it('reads stdin with -, and without a file when stdin is not a terminal', async () => {
    for (const args of [['scan', '-'], ['scan']]) {
      const r = await runCli(args, { input: `${LOG}\n` });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain('stdin: 7 lines, 5 matches for 4 findings');
    }
  });
});

describe('scan --json', () => {
  it('prints exactly version, matches {id,line,text}, omitted and complete counts; secrets redacted', async () => {
    const r = await runCli(['scan', '--json', '-'], { input: `${LOG}\n` });
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['version', 'matches', 'omitted', 'counts', 'signatures', 'ignored']);
    expect(out.version).toBe(1);
    expect(out.omitted).toBe(0);
    expect(out.counts).toEqual({ 'edge.udp-buffer-hint': 1, 'edge.connected': 1, 'edge.no-ingress': 1, 'tls.key-unreadable': 2 });
    expect(out.matches[0]).toEqual({ id: 'edge.udp-buffer-hint', line: 2, text: expect.stringMatching(/^2026\/11\/28 03:58:01 failed to sufficiently increase/) });
    for (const m of out.matches) expect(Object.keys(m)).toEqual(['id', 'line', 'text']);
    expect(r.stdout).not.toContain('eyJhIjoi');
  });

  it('prints a bounded sample per finding (first, a few between, the latest), complete counts, and first/last per signature', async () => {
    const file = join(tmp.dir, 'many.log');
    const line = (i: number) => `mcp-proxy-1  | time=2026-11-28T04:10:00Z level=WARN msg="no route for host" host=h${i}.wxyz9876.tunnel.anthropic.com`;
    const noise = 'cloudflared-1  | 2026-11-28T04:10:00Z ERR Failed to fetch features, default to disable error="lookup cfd-features.argotunnel.com: i/o timeout"';
    await writeFile(file, `${noise}\n${Array.from({ length: 1500 }, (_, i) => line(i)).join('\n')}\n`);
    const out = JSON.parse((await runCli(['scan', '--json', file])).stdout);
    expect(out.counts).toEqual({ 'routing.no-route-for-host': 1500 });
    const lines = out.matches.map((m: { line: number }) => m.line);
    expect(lines.slice(0, 3)).toEqual([2, 3, 4]);
    expect(lines.at(-1)).toBe(1501);
    expect(lines.length).toBeGreaterThan(4);
    expect(lines.length).toBeLessThanOrEqual(8);
    expect([...lines].sort((a: number, b: number) => a - b)).toEqual(lines);
    expect(out.omitted).toBe(1500 - lines.length);
    expect(out.signatures['proxy.no-route']).toMatchObject({ finding: 'routing.no-route-for-host', count: 1500, first: { line: 2 }, last: { line: 1501, text: expect.stringContaining('h1499.') } });
    expect(out.signatures['cloudflared.features-fetch-failed']).toMatchObject({ count: 1, first: { line: 1 } });
    expect(out.ignored).toEqual({ 'cloudflared.features-fetch-failed': 1 });
  });

  it('the text report lists known lines it ignores, apart from findings', async () => {
    const file = join(tmp.dir, 'noise.log');
    await writeFile(file, [
      '2026-01-11T13:02:36Z ERR Failed to fetch features, default to disable error="lookup cfd-features.argotunnel.com on 127.0.0.11:53: i/o timeout"',
      '2023-02-07T12:15:28Z ERR update check failed error="no release found"',
      '2026-01-11T13:02:46Z WRN Unable to lookup protocol percentage.',
    ].join('\n'));
    const r = await runCli(['scan', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('no known signature matched');
    expect(r.stdout).toMatch(/Known and ignored here: 3 lines\n {4}1× cloudflared could not look up its feature flags: /);
  });

  it('notes skipped binary lines on stderr, keeping stdout JSON', async () => {
    const file = join(tmp.dir, 'binary.log');
    await writeFile(file, Buffer.concat([Buffer.from('Provided Tunnel token is not valid. \u0000\u0001\n'), Buffer.from('Provided Tunnel token is not valid.\n')]));
    const r = await runCli(['scan', '--json', file]);
    expect(JSON.parse(r.stdout).counts).toEqual({ 'edge.token-malformed': 1 });
    expect(r.stderr).toBe('mcp-tunnel-triage: 1 line with invalid UTF-8 or binary bytes skipped\n');
  });
});

describe('scan: bounded memory', () => {
  it('a single 64 MB line: streamed, matched at its start, peak RSS well under 200 MB', async () => {
    const file = join(tmp.dir, 'huge.log');
    const fd = openSync(file, 'w');
    writeSync(fd, 'mcp-proxy-1  | 2026/11/28 04:00:01 open /data/tls.key: permission denied ');
    const block = Buffer.alloc(1024 * 1024, 'z');
    for (let i = 0; i < 64; i++) writeSync(fd, block);
    writeSync(fd, '\nProvided Tunnel token is not valid.\n');
    closeSync(fd);
    const r = await execa(process.execPath, [join(ROOT, 'bench', 'peak-rss.mjs'), BIN, 'scan', '--json', file], { reject: false, timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(String(r.stdout)).counts).toEqual({ 'tls.key-unreadable': 1, 'edge.token-malformed': 1 });
    expect(String(r.stderr)).toContain('1 line longer than 64 KiB read up to the first 64 KiB');
    const peakKb = Number(/PEAK_RSS_KB=(\d+)/.exec(String(r.stderr))?.[1]);
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb / 1024).toBeLessThan(200);
  });
});

describe('scan: a file in parallel parts', () => {
  it('gives the same counts, first and last lines, line numbers and stats as one pass, and never cuts a multi-line error', async () => {
    const file = join(tmp.dir, 'parts.log');
    const block = (i: number) => [
      `mcp-proxy-1    | 2026/11/28 04:00:${String(i % 60).padStart(2, '0')} load config: yaml: unmarshal errors:`,
      'mcp-proxy-1    |   line 12: cannot unmarshal !!seq into map[string]string',
      `cloudflared-1  | 2026-11-28T04:00:00Z ERR Failed to dial a quic connection error="failed to dial to edge with quic: timeout: no recent network activity" connIndex=${i % 4} event=0 ip=198.41.192.7`,
      'cloudflared-1  | 2026-11-28T04:00:00Z DBG nothing to see here connIndex=0',
      `cloudflared-1  | 2026-11-28T04:00:00Z INF Retrying connection in up to 2s connIndex=${i % 4} event=0 ip=198.41.192.7`,
    ];
    await writeFile(file, `${Array.from({ length: 3001 }, (_, i) => block(i).join('\n')).join('\n')}\n`);
    const one = await runCli(['scan', '--json', file], { env: { MTT_SCAN_THREADS: '1' } });
    const three = await runCli(['scan', '--json', file], { env: { MTT_SCAN_THREADS: '3' } });
    expect(three.exitCode).toBe(one.exitCode);
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(three.stdout);
    expect(b.counts).toEqual(a.counts);
    expect(a.counts).toEqual({ 'edge.unreachable': 3001, 'routing.routes-is-list': 3001 });
    expect(b.signatures).toEqual(a.signatures);
    expect(b.ignored).toEqual(a.ignored);
    expect(b.signatures['proxy.routes-is-list'].last.line).toBe(5 * 3000 + 1);
    // Every sampled line is a real match at its real line number, first ones and the latest included.
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const m of b.matches) expect(lines[m.line - 1]).toContain(m.text.slice(0, 40));
    expect(b.matches.filter((m: { id: string }) => m.id === 'edge.unreachable').map((m: { line: number }) => m.line).slice(0, 3)).toEqual([3, 8, 13]);
  });
});
