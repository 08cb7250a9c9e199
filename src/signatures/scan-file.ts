// `scan` of a file: streamed in chunks, never read whole. A large file is split at a line boundary into
// parts scanned at once, this thread taking the first and a worker thread (dist/scan-worker.js) each other,
// then merged in order (counts added, line numbers moved, samples spread again): the same result as one
// pass, in about half the wall time on two cores. A split never falls inside a Go multi-line error.
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SIGNATURES } from './catalog.js';
import { normalizeLine } from './normalize.js';
import { LogScanner, type ScanStats } from './scanner.js';
import { ScanTally, type TallyData } from './tally.js';

const CHUNK = 1024 * 1024;
/** Below this a file is scanned in one part: starting a worker costs more than it saves. */
const PARALLEL_FROM = 48 * 1024 * 1024;
const MAX_PARTS = 4;

export interface PartResult {
  stats: ScanStats;
  tally: TallyData;
}

/** Scans bytes [start, end) of a file (start at a line start) into a tally; line numbers count from start. */
export async function scanRange(path: string, start: number, end: number, tally = new ScanTally()): Promise<{ stats: ScanStats; tally: ScanTally }> {
  const scanner = new LogScanner((record, matches) => tally.add(record, matches));
  const handle = await open(path, 'r');
  try {
    // One reused buffer: the scanner keeps nothing of a chunk once push returns.
    const buf = Buffer.allocUnsafe(CHUNK);
    let at = start;
    while (at < end) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(CHUNK, end - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
      scanner.push(buf.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return { stats: scanner.end(), tally };
}

/**
 * Where to cut a file into `parts`: just after a newline near each even share, where the next line is not
 * the indented continuation of a Go multi-line error (so no record is cut in two).
 */
export async function splitPoints(path: string, size: number, parts: number): Promise<number[]> {
  const handle = await open(path, 'r');
  const cuts: number[] = [];
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (let k = 1; k < parts; k++) {
      let at = Math.floor((size * k) / parts);
      for (let tries = 0; tries < 64 && at < size; tries++) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, at);
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        if (nl === -1) {
          at += bytesRead;
          continue;
        }
        const lineStart = at + nl + 1;
        const next = buf.subarray(nl + 1, bytesRead);
        const nextEnd = next.indexOf(10);
        const line = next.subarray(0, nextEnd === -1 ? Math.min(next.length, 4096) : nextEnd).toString('utf8');
        if (nextEnd !== -1 && !normalizeLine(line).continuation) {
          if (lineStart < size && lineStart > (cuts[cuts.length - 1] ?? 0)) cuts.push(lineStart);
          break;
        }
        at = lineStart;
      }
    }
  } finally {
    await handle.close();
  }
  return cuts;
}

/** The worker's file beside the built entry (dist/scan-worker.js); absent when running from the sources. */
function workerFile(): string | undefined {
  for (const rel of ['./scan-worker.js', '../scan-worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return fileURLToPath(url);
  }
  return undefined;
}

function inWorker(file: string, path: string, start: number, end: number): Promise<PartResult> {
  return new Promise((resolve, reject) => {
    // A small heap: the worker keeps only samples and counts.
    const worker = new Worker(file, { workerData: { path, start, end }, resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
    worker.once('message', (result: PartResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the scan worker exited with code ${code}`));
    });
  });
}

/** How many parts: MTT_SCAN_THREADS when set (1 turns the worker off), else the cores, up to MAX_PARTS. */
function partsFor(size: number, env: NodeJS.ProcessEnv): number {
  const asked = Number(env.MTT_SCAN_THREADS);
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, MAX_PARTS);
  if (size < PARALLEL_FROM) return 1;
  return Math.max(1, Math.min(availableParallelism(), MAX_PARTS));
}

/** Scans a whole file, in parallel parts when it is large; the same tally and stats as one pass. */
export async function scanFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<{ stats: ScanStats; tally: ScanTally }> {
  const size = (await stat(path)).size;
  const file = workerFile();
  const parts = file ? partsFor(size, env) : 1;
  const cuts = parts > 1 ? await splitPoints(path, size, parts) : [];
  if (cuts.length === 0) return scanRange(path, 0, Number.MAX_SAFE_INTEGER);
  const bounds = [0, ...cuts, size];
  const others = bounds.slice(1, -1).map((from, k) => inWorker(file!, path, from, bounds[k + 2]!));
  const first = await scanRange(path, 0, bounds[1]!);
  const stats = { ...first.stats };
  for (const part of await Promise.all(others)) {
    first.tally.append(part.tally, SIGNATURES, stats.lines);
    stats.lines += part.stats.lines;
    stats.bytes += part.stats.bytes;
    stats.skipped += part.stats.skipped;
    stats.longLines += part.stats.longLines;
  }
  return { stats, tally: first.tally };
}
