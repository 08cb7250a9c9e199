// Runs a node ESM entry in this process and reports its peak RSS on stderr when it exits:
//   node bench/peak-rss.mjs bin/mcp-tunnel-triage.js scan FILE
// prints `PEAK_RSS_KB=<n> CPU_MS=<n>` as the last stderr line (process.resourceUsage(): peak RSS, and the
// user + system CPU time of every thread of the process).
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node bench/peak-rss.mjs ENTRY [ARGS...]\n');
  process.exit(2);
}
process.argv = [process.argv[0], resolve(entry), ...args];
process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\nPEAK_RSS_KB=${u.maxRSS} CPU_MS=${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
});
await import(pathToFileURL(resolve(entry)).href);
