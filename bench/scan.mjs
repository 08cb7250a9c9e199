// bench:scan — `mcp-tunnel-triage scan --json` against `grep -E -c -f` with the same literal strings, in the
// same run, on 256 MB mixed cloudflared / mcp-proxy logs at two densities of matching lines: 25% (a crash
// loop) and 0.1% (a quiet log with a few failures); then scan's memory on a single 64 MB line. Prints both
// wall times, the ratio, MB/s and scan's peak RSS. Goals (issue 12): at most 1.5x grep at 25%, at most 1.0x
// at 0.1%, peak RSS at most 100 MB. grep's output is piped back here (never /dev/null: GNU grep then stops
// at the first match). Run with `npm run bench:scan` (it builds first). BENCH_SCAN_MB=64 for smaller logs,
// BENCH_RUNS=5 for more runs (medians are printed).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { matching, ordinary, writeMixedLog, writeSingleLine } from './scan-log.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'mcp-tunnel-triage.js');
const rss = join(root, 'bench', 'peak-rss.mjs');
const MB = 1024 * 1024;
const sizeMb = Number(process.env.BENCH_SCAN_MB ?? 256);
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const work = join(tmpdir(), 'mcp-tunnel-triage-bench');
mkdirSync(work, { recursive: true });
const GOALS = { 0.25: 1.5, 0.001: 1.0 };
const RSS_GOAL_MB = 100;

if (!existsSync(join(root, 'dist', 'cli.js'))) {
  console.error('dist/ is missing: run `npm run build` (or `npm run bench:scan`, which builds first)');
  process.exit(2);
}

// The catalog's own literal strings, from the source (bundled on the fly), escaped for grep -E.
const catalogOut = join(work, 'signature-catalog.mjs');
await build({ absWorkingDir: root, entryPoints: ['src/signatures/catalog.ts'], bundle: true, format: 'esm', platform: 'node', outfile: catalogOut, logLevel: 'warning' });
const { SIGNATURES } = await import(`${pathToFileURL(catalogOut).href}?t=${Date.now()}`);
const literals = [...new Set(SIGNATURES.flatMap((s) => s.literals))];
const patterns = join(work, 'literals.ere');
writeFileSync(patterns, `${literals.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\n')}\n`);

// The generator's ordinary lines must hold no literal, and its matching lines one at least.
for (let i = 0; i < 2000; i++) {
  const o = ordinary('2026-11-28T04:00:00');
  const m = matching('2026-11-28T04:00:00');
  if (literals.some((l) => o.includes(l))) throw new Error(`bench/scan-log.mjs: an ordinary line holds a literal: ${o}`);
  if (!literals.some((l) => m.includes(l))) throw new Error(`bench/scan-log.mjs: a matching line holds no literal: ${m}`);
}

function ensure(path, bytes, write) {
  if (existsSync(path) && statSync(path).size >= bytes) return 'reused';
  console.log(`generating ${path} ...`);
  write(path, bytes);
  return 'generated';
}
async function warm(path) {
  for await (const _ of createReadStream(path, { highWaterMark: 4 * MB })); // page cache, for both tools alike
}
function timed(cmd, args, env = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * MB });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error) throw r.error;
  return { seconds, status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const peakKb = (stderr) => Number(/PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
const cpuMs = (stderr) => Number(/CPU_MS=(\d+)/.exec(stderr)?.[1] ?? NaN);
// grep's CPU time through /usr/bin/time when there is one: with the scan's, a ratio the machine's load
// disturbs less than wall time (scan's parts run on several cores, so its CPU time exceeds its wall time).
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
function timedGrep(args) {
  const r = TIME ? timed(TIME, ['-f', 'GREP_CPU=%U %S', 'grep', ...args], { LC_ALL: 'C' }) : timed('grep', args, { LC_ALL: 'C' });
  const m = /GREP_CPU=([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { ...r, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}
const fmt = (n, d = 2) => n.toFixed(d);

const results = [];
for (const density of [0.25, 0.001]) {
  const log = join(work, `mixed-${sizeMb}mb-d${density}-v2.log`);
  const state = ensure(log, sizeMb * MB - 512, (p, b) => writeMixedLog(p, b, density));
  await warm(log);
  const grepTimes = [];
  const scanTimes = [];
  const scanRss = [];
  const grepCpu = [];
  const scanCpu = [];
  let grepCount = 0;
  let lines = 0;
  let out = {};
  for (let i = 0; i < runs; i++) {
    // grep in the C locale: its fastest setting, so the baseline is not flattered.
    const g = timedGrep(['-E', '-c', '-f', patterns, log]);
    if (g.status !== 0 && g.status !== 1) throw new Error(`grep failed: ${g.stderr}`);
    grepTimes.push(g.seconds);
    grepCpu.push(g.cpuMs);
    grepCount = Number(g.stdout.trim());
    const s = timed(process.execPath, [rss, bin, 'scan', '--json', log]);
    if (s.status !== 0 && s.status !== 1) throw new Error(`scan failed (${s.status}): ${s.stderr}`);
    scanTimes.push(s.seconds);
    scanRss.push(peakKb(s.stderr));
    scanCpu.push(cpuMs(s.stderr));
    out = JSON.parse(s.stdout);
  }
  const w = timed('wc', ['-l', log]);
  lines = Number(w.stdout.trim().split(/\s+/)[0]);
  const bytes = statSync(log).size;
  const grepS = median(grepTimes);
  const scanS = median(scanTimes);
  const ratio = scanS / grepS;
  const signatureLines = Object.values(out.signatures ?? {}).reduce((a, b) => a + b.count, 0);
  results.push({ density, ratio, peak: Math.max(...scanRss) / 1024 });
  console.log(`
${fmt(density * 100, 1)}% matching lines: ${log} (${fmt(bytes / MB, 0)} MB, ${lines.toLocaleString('en-US')} lines, ${state})
  grep       ${fmt(grepS)} s   (LC_ALL=C, ${literals.length} literals; ${grepCount.toLocaleString('en-US')} lines hold one: ${fmt((grepCount / lines) * 100, 2)}%)
  scan       ${fmt(scanS)} s   (runs: ${scanTimes.map((t) => fmt(t)).join(', ')} s; ${signatureLines.toLocaleString('en-US')} signature matches, JSON ${fmt(JSON.stringify(out).length / 1024, 1)} kB)
  ratio      ${fmt(ratio)}x grep's wall time   goal <= ${fmt(GOALS[density], 1)}: ${ratio <= GOALS[density] ? 'met' : 'NOT met'}
  cpu        scan ${fmt(median(scanCpu) / 1000)} s, grep ${fmt(median(grepCpu) / 1000)} s: ${fmt(median(scanCpu) / median(grepCpu))}x grep's CPU time (all threads)
  speed      ${fmt(bytes / MB / scanS, 0)} MB/s (grep: ${fmt(bytes / MB / grepS, 0)} MB/s)
  peak RSS   ${fmt(Math.max(...scanRss) / 1024, 0)} MB                  goal <= ${RSS_GOAL_MB} MB: ${Math.max(...scanRss) / 1024 <= RSS_GOAL_MB ? 'met' : 'NOT met'}`);
}

const huge = join(work, 'single-line-64mb-v1.log');
const hugeState = ensure(huge, 64 * MB, writeSingleLine);
await warm(huge);
const h = timed(process.execPath, [rss, bin, 'scan', '--json', huge]);
const hugePeak = peakKb(h.stderr) / 1024;
console.log(`
single 64 MB line (${hugeState}): scan ${fmt(h.seconds)} s, peak RSS ${fmt(hugePeak, 0)} MB (goal <= ${RSS_GOAL_MB} MB: ${hugePeak <= RSS_GOAL_MB ? 'met' : 'NOT met'}); counts ${JSON.stringify(JSON.parse(h.stdout).counts)}
summary: ${results.map((r) => `${fmt(r.density * 100, 1)}% ${fmt(r.ratio)}x`).join(', ')}; peak RSS ${fmt(Math.max(hugePeak, ...results.map((r) => r.peak)), 0)} MB`);
