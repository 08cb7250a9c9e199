// What every gatherer shares: the options, how to run a command (the real runner, or the demo's plan-only
// one), the records of what ran, and the progress events the wizard shows (one per command).
import type { TriageOptions } from '../options.js';
import type { CommandRecord, Snapshot, ToolName, ToolStatus } from '../snapshot/types.js';
import { runCommand, recordOf, type RunOptions, type RunResult } from './run.js';
import { step, type GatherListener } from './events.js';
import { classifyFailure } from './tool-errors.js';
import type { Resolver } from './resolve.js';

export type Exec = (argv: readonly string[], opts: RunOptions) => Promise<RunResult>;

/** Most bytes read from one command's stdout (and as much from stderr); logs are bounded by --tail first. */
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
}

export interface GatherContext {
  opts: TriageOptions;
  env: Record<string, string | undefined>;
  exec: Exec;
  maxBytes: number;
  tail: number;
  onEvent?: GatherListener;
  commands: CommandRecord[];
  /** The first problem seen per tool (a later, different problem does not overwrite it). */
  problems: Partial<Record<ToolName, ToolStatus>>;
  notes: string[];
  redactions: NonNullable<Snapshot['state']['redactions']>;
}

export function makeContext(opts: TriageOptions, settings: GatherSettings = {}, onEvent?: GatherListener): GatherContext {
  return {
    opts,
    env: settings.env ?? { ...process.env },
    exec: settings.exec ?? runCommand,
    maxBytes: settings.maxBytes ?? MAX_COMMAND_BYTES,
    tail: opts.tail ?? DEFAULT_TAIL,
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
}

export function displayArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Runs one command as a progress step, records it, and classifies a failure against its tool. */
export async function runStep(ctx: GatherContext, argv: string[], o: RunStepOptions = {}): Promise<RunResult> {
  const id = o.id ?? argv.slice(0, 3).join(' ');
  const r = await step(
    ctx.onEvent,
    id,
    displayArgv(argv),
    () => ctx.exec(argv, { timeoutMs: ctx.opts.timeoutMs, maxBytes: ctx.maxBytes, cwd: o.cwd, env: ctx.env }),
    (res) => res.exitCode === 0 && !res.timedOut,
  );
  ctx.commands.push(recordOf(r));
  if (r.truncated) ctx.notes.push(`\`${displayArgv(argv)}\` printed more than ${sizeText(ctx.maxBytes)}: the rest was not read`);
  // Output over the cap is kept (cut short), not a failure of the tool.
  if (o.tool && !r.truncated && !(o.expected?.(r) ?? false)) {
    const problem = classifyFailure(o.tool, r);
    if (problem && !ctx.problems[o.tool]) ctx.problems[o.tool] = problem;
  }
  return r;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} kB`;
}
