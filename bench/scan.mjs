// bench:scan — `mcp-tunnel-triage scan` against `grep -E -c -f` with the same literal strings, in the same
// run, on a 256 MB mixed cloudflared / mcp-proxy log; then scan's memory on a single 64 MB line.
// Prints both wall times, the ratio, MB/s and scan's peak RSS. Goals (issue #3): scan at most 2x grep's
// wall time; peak RSS under 200 MB for any log. Run with `npm run bench:scan` (it builds first).
// BENCH_SCAN_MB=64 for a smaller log, BENCH_RUNS=5 for more runs (medians are printed).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeMixedLog, writeSingleLine } from './scan-log.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'mcp-tunnel-triage.js');
const rss = join(root, 'bench', 'peak-rss.mjs');
const MB = 1024 * 1024;
const sizeMb = Number(process.env.BENCH_SCAN_MB ?? 256);
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const work = join(tmpdir(), 'mcp-tunnel-triage-bench');
mkdirSync(work, { recursive: true });

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

function ensure(path, bytes, write) {
  if (existsSync(path) && statSync(path).size >= bytes) return 'reused';
  console.log(`generating ${path} ...`);
  write(path, bytes);
  return 'generated';
}
const log = join(work, `mixed-${sizeMb}mb-v1.log`);
const logState = ensure(log, sizeMb * MB - 512, writeMixedLog);
const huge = join(work, 'single-line-64mb-v1.log');
const hugeState = ensure(huge, 64 * MB, writeSingleLine);

async function warm(path) {
  for await (const _ of createReadStream(path, { highWaterMark: 4 * MB })); // page cache, for both tools alike
}
await warm(log);
await warm(huge);

function timed(cmd, args, env = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * MB });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error) throw r.error;
  return { seconds, status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const peakKb = (stderr) => Number(/PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);

const bytes = statSync(log).size;
const grepTimes = [];
const scanTimes = [];
const scanRss = [];
let grepCount = 0;
let scanCounts = {};
for (let i = 0; i < runs; i++) {
  // grep in the C locale: its fastest setting, so the baseline is not flattered.
  const g = timed('grep', ['-E', '-c', '-f', patterns, log], { LC_ALL: 'C' });
  if (g.status !== 0 && g.status !== 1) throw new Error(`grep failed: ${g.stderr}`);
  grepTimes.push(g.seconds);
  grepCount = Number(g.stdout.trim());
  const s = timed(process.execPath, [rss, bin, 'scan', '--json', log]);
  if (s.status !== 0 && s.status !== 1) throw new Error(`scan failed (${s.status}): ${s.stderr}`);
  scanTimes.push(s.seconds);
  scanRss.push(peakKb(s.stderr));
  scanCounts = JSON.parse(s.stdout).counts;
}
const h = timed(process.execPath, [rss, bin, 'scan', '--json', huge]);
const hugeCounts = JSON.parse(h.stdout).counts;

const grepS = median(grepTimes);
const scanS = median(scanTimes);
const ratio = scanS / grepS;
const peak = Math.max(...scanRss) / 1024;
const hugePeak = peakKb(h.stderr) / 1024;
const matched = Object.values(scanCounts).reduce((a, b) => a + b, 0);
const fmt = (n, d = 2) => n.toFixed(d);

console.log(`
scan vs grep -E -c -f (${literals.length} literal strings from the signature catalog), ${runs} run(s), medians
  log        ${log} (${fmt(bytes / MB, 0)} MB, ${logState})
  grep       ${fmt(grepS)} s   (LC_ALL=C; ${grepCount} lines hold a literal)
  scan       ${fmt(scanS)} s   (${matched} matches for ${Object.keys(scanCounts).length} findings; runs: ${scanTimes.map((t) => fmt(t)).join(', ')} s)
  ratio      ${fmt(ratio)}x grep's wall time   goal <= 2.00: ${ratio <= 2 ? 'met' : 'NOT met'}
  speed      ${fmt(bytes / MB / scanS, 0)} MB/s (grep: ${fmt(bytes / MB / grepS, 0)} MB/s)
  peak RSS   ${fmt(peak, 0)} MB                  goal < 200 MB: ${peak < 200 ? 'met' : 'NOT met'}
single 64 MB line (${hugeState}): scan ${fmt(h.seconds)} s, peak RSS ${fmt(hugePeak, 0)} MB (goal < 200 MB: ${hugePeak < 200 ? 'met' : 'NOT met'}); counts ${JSON.stringify(hugeCounts)}
`);
