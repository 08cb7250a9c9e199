// A worker thread of `scan`: scans one part of a file (src/signatures/scan-file.ts) and sends back its
// stats and tally as plain data. Built as dist/scan-worker.js.
import { parentPort, workerData } from 'node:worker_threads';
import { scanRange } from './scan-file.js';

const { path, start, end } = workerData as { path: string; start: number; end: number };
const { stats, tally } = await scanRange(path, start, end);
parentPort!.postMessage({ stats, tally: tally.export() });
