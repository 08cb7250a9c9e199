import { writeErr, type Io } from '../io.js';
import type { TriageOptions } from '../options.js';
import { writeBundle } from '../snapshot/bundle.js';
import { loadWithProgress } from './load.js';

export async function runBundle(opts: TriageOptions, output: string, io: Io): Promise<number> {
  const { snapshot, cleanup } = await loadWithProgress(opts, io);
  try {
    const manifest = await writeBundle(snapshot, output);
    const redactions = manifest.redacted?.length ?? 0;
    writeErr(io, `wrote ${output}: ${manifest.collected?.length ?? 0} file(s), ${redactions} redacted or withheld; read it back with mcp-tunnel-triage diagnose --from-bundle ${output}\n`);
    return 0;
  } finally {
    await cleanup();
  }
}
