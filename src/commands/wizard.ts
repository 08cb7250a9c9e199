// No command on a terminal: the wizard, decided once here (STYLE). Ink is loaded by dynamic import, so
// diagnose, --json and --help never pay for React. Without two TTYs, or on a terminal too small to draw
// the screens, it is diagnose instead (SPEC section 3).
import type { Io } from '../io.js';
import type { TriageOptions } from '../options.js';
import { detectStyle } from '../report/style.js';
import { runDiagnose } from './diagnose.js';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

export type WizardDecision = { wizard: true } | { wizard: false; why?: string };

export function decideWizard(opts: TriageOptions, io: Io): WizardDecision {
  if (opts.json || !io.stdin.isTTY || !io.stdout.isTTY) return { wizard: false };
  const columns = io.stdout.columns ?? 80;
  const rows = io.stdout.rows ?? 24;
  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return { wizard: false, why: `the terminal is ${columns}x${rows} and the wizard needs at least ${MIN_COLUMNS}x${MIN_ROWS}; printing the diagnose report instead` };
  }
  return { wizard: true };
}

export async function runDefault(opts: TriageOptions, io: Io): Promise<number> {
  const decision = decideWizard(opts, io);
  if (!decision.wizard) {
    if (decision.why) io.stderr.write(`mcp-tunnel-triage: ${decision.why}\n`);
    return runDiagnose(opts, io);
  }
  const { runWizard } = await import('../ui/run.js');
  return runWizard(opts, io, detectStyle(io.stdout, io.env));
}
