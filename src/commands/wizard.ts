// No command on a terminal: the wizard, decided once here (STYLE). Ink is loaded by dynamic import, so
// diagnose, --json and --help never pay for React. Without two TTYs, or on a terminal too small to draw
// the screens, it is diagnose instead (SPEC section 3).
import { writeErr, type Io } from '../io.js';
import type { TriageOptions } from '../options.js';
import { detectStyle } from '../report/style.js';

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

/** How the wizard opens: on its menu, or (`watch` on a terminal) on the Watch screen. */
export interface WizardStart {
  watch?: boolean;
  /** watch --for: leave by itself after this long. */
  forMs?: number;
}

export async function runDefault(opts: TriageOptions, io: Io, start: WizardStart = {}): Promise<number> {
  const decision = decideWizard(opts, io);
  if (!decision.wizard) {
    if (decision.why) writeErr(io, `mcp-tunnel-triage: ${decision.why}\n`);
    return (await import('./diagnose.js')).runDiagnose(opts, io);
  }
  const { runWizard } = await withoutFetch(() => asInteractive(() => import('../ui/run.js')));
  return runWizard(opts, io, detectStyle(io.stdout, io.env), start);
}

/**
 * Ink's layout engine (yoga, WebAssembly) loads its inline binary with `fetch` when there is one, and the
 * first touch of Node's `fetch` loads undici (~40 ms of the first frame). Without it, yoga decodes the
 * binary in place. Only for the import; `fetch` is put back at once.
 */
async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
  const fetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!fetch?.configurable) return load();
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  try {
    return await load();
  } finally {
    Object.defineProperty(globalThis, 'fetch', fetch);
  }
}

/**
 * Ink decides once, when it loads, whether it runs "in CI" (`CI` or `CONTINUOUS_INTEGRATION` set and not
 * `0`/`false`), and then draws nothing until it exits: a blank terminal for an operator whose shell
 * exports CI (a runner's host, a CI image used as a jump box). The wizard only starts on two TTYs, so
 * someone is watching: Ink is loaded without those variables, which are put back at once for the
 * commands the wizard runs.
 */
async function asInteractive<T>(load: () => Promise<T>): Promise<T> {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  try {
    return await load();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
