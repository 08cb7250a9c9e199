// What every gatherer shares: the options, how to run a command (the real runner, or the demo's plan-only
// one) and how many run at once, the byte budget of the logs, the records of what ran, and the progress
// events the wizard shows (one per command, or one per group of many).
import type { TriageOptions } from '../options.js';
import type { CommandRecord, Snapshot, ToolName, ToolStatus } from '../snapshot/types.js';
import { runCommand, recordOf, type RunOptions, type RunResult } from './run.js';
import { step, type GatherListener, type ProgressGroup } from './events.js';
import { classifyFailure } from './tool-errors.js';
import type { Resolver } from './resolve.js';
import { CommandPool, defaultPoolSize } from './pool.js';
import { LOG_BUDGET_BYTES, LogBudget } from './log-budget.js';

export type Exec = (argv: readonly string[], opts: RunOptions) => Promise<RunResult>;

/** Most bytes kept from one command's stdout (and as much from stderr); logs are bounded by --tail first. */
export const MAX_COMMAND_BYTES = 8 * 1024 * 1024;
export const DEFAULT_TAIL = 2000;

export interface GatherSettings {
  /** Environment for the commands (tests put the stand-ins on PATH). Default: this process's. */
  env?: Record<string, string | undefined>;
  /** How commands run; the demo passes a plan-only runner. Default: runCommand. */
  exec?: Exec;
  /** Most bytes read from one command. */
  maxBytes?: number;
  /** Host lookups for route names (tests inject one so no DNS query leaves the machine). */
  resolver?: Resolver;
  /** Most commands running at once. Default: sized to the machine (pool.ts). */
  poolSize?: number;
  /** Most bytes of log text kept across all logs. */
  logBudget?: number;
  /** Once aborted (the wizard quits), commands still waiting for a slot are not started. */
  signal?: AbortSignal;
}

export interface GatherContext {
  opts: TriageOptions;
  env: Record<string, string | undefined>;
  exec: Exec;
  maxBytes: number;
  tail: number;
  pool: CommandPool;
  logs: LogBudget;
  signal?: AbortSignal;
  onEvent?: GatherListener;
  commands: CommandRecord[];
  /** The first problem seen per tool (a later, different problem does not overwrite it). */
  problems: Partial<Record<ToolName, ToolStatus>>;
  notes: string[];
  redactions: NonNullable<Snapshot['state']['redactions']>;
  /** Log commands whose `--tail` was lowered as they started (the budget could keep no more), and the lowest. */
  tailLowered?: { commands: number; lowest: number; requested: number };
}

export function makeContext(opts: TriageOptions, settings: GatherSettings = {}, onEvent?: GatherListener): GatherContext {
  const maxBytes = settings.maxBytes ?? MAX_COMMAND_BYTES;
  return {
    opts,
    env: settings.env ?? { ...process.env },
    exec: settings.exec ?? runCommand,
    maxBytes,
    tail: opts.tail ?? DEFAULT_TAIL,
    pool: new CommandPool(settings.poolSize ?? defaultPoolSize()),
    logs: new LogBudget(settings.logBudget ?? LOG_BUDGET_BYTES, maxBytes),
    ...(settings.signal ? { signal: settings.signal } : {}),
    onEvent,
    commands: [],
    problems: {},
    notes: [],
    redactions: [],
  };
}

export interface RunStepOptions {
  /** Stable id for the progress list; default: the program and its subcommand. */
  id?: string;
  cwd?: string;
  /** Which tool's status a failure speaks for; undefined: do not classify. */
  tool?: ToolName;
  /** Failures that are answers, not problems (`helm status` of a release that is not there). */
  expected?: (r: RunResult) => boolean;
  /** A log: its newest lines are kept, as many as the log budget allows when it starts. */
  log?: boolean;
  /** Counted in this progress group rather than shown as a step of its own. */
  group?: ProgressGroup;
  /**
   * A log command's `--tail N`, lowered as it starts to the lines the log budget can still keep: none of its
   * lines is shorter than `minLineBytes` (the prefix and stamp every line carries).
   */
  tail?: { minLineBytes: number };
}

/** argv with the value after `--tail` set to `lines` (argv itself when it has no `--tail N`). */
export function withTail(argv: readonly string[], lines: number): string[] {
  const at = argv.indexOf('--tail');
  if (at < 0 || at + 1 >= argv.length) return [...argv];
  return [...argv.slice(0, at + 1), String(lines), ...argv.slice(at + 2)];
}

/** The argv a log command really runs with: its `--tail` no higher than the budget can keep now. */
function atStart(ctx: GatherContext, argv: string[], o: RunStepOptions): string[] {
  if (!o.log || !o.tail) return argv;
  const at = argv.indexOf('--tail');
  const requested = at >= 0 ? Number(argv[at + 1]) : NaN;
  if (!Number.isInteger(requested) || requested <= 0) return argv;
  const lines = ctx.logs.linesWorthReading(requested, o.tail.minLineBytes);
  if (lines >= requested) return argv;
  const t = (ctx.tailLowered ??= { commands: 0, lowest: lines, requested });
  t.commands++;
  t.lowest = Math.min(t.lowest, lines);
  return withTail(argv, lines);
}

export function displayArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Runs one command as a progress step, records it, and classifies a failure against its tool. It waits
 * for a slot in the pool first: the command, its timeout and its progress step start together.
 */
export async function runStep(ctx: GatherContext, argv: string[], o: RunStepOptions = {}): Promise<RunResult> {
  const id = o.id ?? argv.slice(0, 3).join(' ');
  const r = await ctx.pool.run(() => {
    if (ctx.signal?.aborted) return Promise.resolve(cancelled(argv)); // 500 queued logs are not started to be killed
    const run = atStart(ctx, argv, o);
    const exec = () =>
      ctx.exec(run, { timeoutMs: ctx.opts.timeoutMs, maxBytes: o.log ? ctx.logs.cap() : ctx.maxBytes, cwd: o.cwd, env: ctx.env, ...(o.log ? { keep: 'tail' as const } : {}) });
    return o.group ? exec() : step(ctx.onEvent, id, displayArgv(run), exec, (res) => res.exitCode === 0 && !res.timedOut);
  }, !o.log);
  ctx.commands.push(recordOf(r));
  // A log keeps its newest lines; what was cut is said per log (the log budget), not per command.
  if (r.truncated && !o.log) ctx.notes.push(`\`${displayArgv(argv)}\` printed more than ${sizeText(ctx.maxBytes)}: the rest was not read`);
  if (o.tool && !(o.expected?.(r) ?? false)) noteProblem(ctx, o.tool, r);
  return r;
}

function cancelled(argv: string[]): RunResult {
  return { argv: [...argv], stdout: '', stderr: '', ms: 0, timedOut: false, truncated: false, notFound: false, error: 'cancelled' };
}

/** The first problem a tool showed (later, different ones do not overwrite it). */
export function noteProblem(ctx: GatherContext, tool: ToolName, r: RunResult): void {
  // Output over the cap is kept (cut short), not a failure of the tool.
  if (r.truncated && r.printed === undefined) return;
  const problem = classifyFailure(tool, r);
  if (problem && !ctx.problems[tool]) ctx.problems[tool] = problem;
}

export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} kB` : `${bytes} bytes`;
}
