import type { Io } from '../io.js';
import { writeOut } from '../io.js';
import type { TriageOptions } from '../options.js';
import { analyze, exitCodeOf } from '../analyze/index.js';
import { jsonReport } from '../report/json.js';
import { textReport } from '../report/text.js';
import { detectStyle } from '../report/style.js';
import { loadWithProgress } from './load.js';

export async function runDiagnose(opts: TriageOptions, io: Io): Promise<number> {
  const { snapshot, cleanup } = await loadWithProgress(opts, io);
  try {
    const report = analyze(snapshot, { symptom: opts.symptom });
    await writeOut(io, opts.json ? jsonReport(report) : textReport(report, detectStyle(io.stdout, io.env)));
    // SPEC section 3: could not examine is exit 2, with one line on stderr saying what to do.
    if (report.blocked) io.stderr.write(`mcp-tunnel-triage: could not examine the deployment: ${report.blocked}\n`);
    return exitCodeOf(report);
  } finally {
    await cleanup();
  }
}
