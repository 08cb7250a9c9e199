// Where a run's snapshot comes from: a bundle, the demo, or this host.
import type { TriageOptions } from '../options.js';
import type { Snapshot } from '../snapshot/types.js';
import { readBundle, readLogFile, type ReadBundleOptions } from '../snapshot/bundle.js';
import { prepareLogIndex } from '../signatures/log-index.js';
import { gatherSnapshot, inputsOf } from '../gather/index.js';
import { gatherDemo, prepareDemo } from '../gather/demo.js';
import type { GatherListener } from '../gather/events.js';
import { attachCaFile } from '../gather/file-facts.js';
import type { Io } from '../io.js';
import { stderrProgress } from './progress.js';

export interface Loaded {
  snapshot: Snapshot;
  /** Removes the demo's temp copy; a no-op otherwise. */
  cleanup: () => Promise<void>;
}

/**
 * A bundle, ready for analysis: its logs stay on disk and are streamed once through the signature
 * scanner here (never held whole), so a bundle of 100 MB of logs costs the time of one read.
 */
export async function readBundleForAnalysis(dir: string, opts: ReadBundleOptions = {}): Promise<Snapshot> {
  const snapshot = await readBundle(dir, opts);
  await prepareLogIndex(snapshot, readLogFile);
  return snapshot;
}

export async function loadSnapshot(opts: TriageOptions, onEvent?: GatherListener): Promise<Loaded> {
  if (opts.fromBundle) {
    const snapshot = await readBundleForAnalysis(opts.fromBundle, { inputs: inputsOf(opts) });
    if (opts.ca) await attachCaFile(snapshot, opts.ca, process.cwd());
    return { snapshot, cleanup: async () => {} };
  }
  if (opts.demo) {
    const demo = await prepareDemo();
    try {
      return { snapshot: await gatherDemo(opts, demo, onEvent), cleanup: demo.cleanup };
    } catch (err) {
      await demo.cleanup();
      throw err;
    }
  }
  return { snapshot: await gatherSnapshot(opts, onEvent), cleanup: async () => {} };
}

/** loadSnapshot for the headless commands: how the gather is going goes to stderr (progress.ts). */
export async function loadWithProgress(opts: TriageOptions, io: Io): Promise<Loaded> {
  const progress = stderrProgress(io);
  try {
    return await loadSnapshot(opts, progress.listener);
  } finally {
    progress.done();
  }
}
