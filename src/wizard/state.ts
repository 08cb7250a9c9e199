// The wizard's state, its actions and the tasks it asks the UI to run (gather, analyze, plan, apply,
// verify, copy, exit). Plain data: the reducer is pure and the Ink layer only draws and runs tasks.
import type { Snapshot } from '../snapshot/types.js';
import type { CheckStatus, Finding, FixRef, Layer, Report } from '../analyze/types.js';
import type { GatherEvent } from '../gather/events.js';
import type { ApplyOutcome, Plan, StepOutcome, VerifyOutcome } from '../fixes/types.js';
import type { FactValues, Question } from './answers.js';
import type { FollowerInfo, MetricsSample, MetricsTarget, WatchEvent, WatchState } from '../watch/types.js';

export interface Size {
  columns: number;
  rows: number;
}

/** Rows the scrolling body of a screen gets: the terminal less the header and footer lines. */
export function bodyRows(size: Size): number {
  return Math.max(4, size.rows - 7);
}

export interface StepLine {
  id: string;
  title: string;
  status: 'running' | 'ok' | 'failed';
  ms?: number;
  detail?: string;
  /** A step made of many commands (the logs of 200 pods): units done, of how many, and what they are. */
  done?: number;
  total?: number;
  unit?: string;
}

export interface CheckLine {
  id: string;
  layer: Layer;
  title: string;
  status: 'running' | CheckStatus;
  ms?: number;
  reason?: string;
}

/** Finished lines of the running screen; the UI prints them once, in <Static>. Append-only. */
export type LogEntry =
  | { kind: 'title'; key: string; text: string }
  | { kind: 'heading'; key: string; layer: Layer }
  | { kind: 'step'; key: string; step: StepLine }
  | { kind: 'check'; key: string; check: CheckLine };

export type FixPhase = 'planning' | 'confirm' | 'applying' | 'verifying' | 'done';

export interface FixState {
  findingKey: string;
  fix: FixRef;
  key: string;
  phase: FixPhase;
  plan?: Plan;
  /** The confirmation word typed so far (destructive plans). */
  typed: string;
  /** Live output of the running steps (the tail). */
  output: string;
  steps: StepOutcome[];
  applied?: ApplyOutcome;
  verified?: VerifyOutcome;
  /** One line: why it could not be planned or run, or a wrong confirmation word. */
  problem?: string;
  aborting?: boolean;
  scroll: number;
  /** Opened from the Watch screen: going back returns there. */
  back?: 'watch';
}

export type Screen =
  | { name: 'start' }
  /** `symptom`: the run to start once answered (every check when absent); `from`: the finding that asked. */
  | { name: 'ask'; symptom?: string; from?: string; questions: Question[]; index: number; answers: FactValues; draft: string; problem?: string }
  | { name: 'running' }
  | { name: 'results' }
  | { name: 'finding'; key: string; scroll: number; copied?: string; back?: 'watch' }
  | { name: 'fix'; fix: FixState }
  | { name: 'watch' };

export type Task =
  | { id: number; kind: 'gather' }
  | { id: number; kind: 'analyze'; symptom?: string; facts: FactValues }
  | { id: number; kind: 'plan'; fixId: string; data?: Record<string, unknown> }
  | { id: number; kind: 'apply'; plan: Plan }
  | { id: number; kind: 'verify'; fixId: string; data?: Record<string, unknown> }
  | { id: number; kind: 'abort' }
  | { id: number; kind: 'copy'; finding: Finding; dir?: string }
  | { id: number; kind: 'exit'; code: number }
  | { id: number; kind: 'watch-start' }
  | { id: number; kind: 'watch-stop' };

export type TaskSpec = Task extends infer T ? (T extends Task ? Omit<T, 'id'> : never) : never;

export interface RunState {
  /** undefined: every check. */
  symptom?: string;
  phase: 'gathering' | 'checking' | 'done';
  checks: CheckLine[];
  total: number;
}

export interface LoadState {
  status: 'loading' | 'ready' | 'failed';
  error?: string;
  snapshot?: Snapshot;
  steps: StepLine[];
  /** Steps already printed in the log. */
  logged: string[];
  /** False once a fix changed something: the next run gathers again. */
  current: boolean;
  /** Per symptom, the facts it needs that this snapshot lacks (before any answer). */
  questions?: Record<string, Question[]>;
}

export interface WizardState {
  origin: 'live' | 'bundle' | 'demo';
  size: Size;
  screen: Screen;
  menuIndex: number;
  load: LoadState;
  run?: RunState;
  report?: Report;
  resultsIndex: number;
  /** Facts answered this session; every later run uses them. */
  facts: FactValues;
  /** Error findings seen on the current deployment and not since cleared by a run or a verified fix. */
  outstanding: Record<string, Finding>;
  /** Keys of findings whose fix was verified. */
  fixed: string[];
  log: LogEntry[];
  flash?: { text: string; tone: 'info' | 'error' | 'ok' };
  tasks: Task[];
  nextTaskId: number;
  /** Lines of the scrolling screen on show, as last drawn (the reducer clamps scrolling to it). */
  contentLines: number;
  /** Why fixes cannot run in this session (a bundle is someone else's host). */
  fixesUnavailable?: string;
  /** Quit was asked while a fix ran: leave once it has stopped. */
  quitting: boolean;
  /** Watch live (src/wizard/watch.ts): the events followed so far, reduced. */
  watch?: WizardWatch;
  /** `/` on the results: the text that filters the findings; `editing` while the field takes the keys. */
  filter?: { text: string; editing: boolean };
  /** `?`: every key of the screen on show, until the next key. */
  help?: boolean;
  /** Started as `watch` on a terminal: until checks are run, the exit code is watch's (SPEC: events). */
  startedAs?: 'watch';
  exitCode?: number;
  /** A fatal signal arrived: the exit code it asks for (128+n), used when the wizard quits. */
  signalExit?: number;
}

export interface WizardWatch {
  /** `waiting`: for the first gather; `starting`: the followers are being started; `on`; `stopped`. */
  phase: 'waiting' | 'starting' | 'on' | 'stopped';
  live: WatchState;
  /** The timeline entry the fix keys and Enter act on; undefined follows the newest. */
  cursor?: number;
  target?: MetricsTarget;
  /** Why the followers could not start, or why following ended. */
  problem?: string;
  /** A gather and analysis running in the background, so a finding first seen live gets its fixes. */
  recheck: { running: boolean; lastAt?: number; pending: boolean };
  /** watch --for: the wizard leaves by itself after this long. */
  forMs?: number;
}

export type Key =
  | { name: 'up' | 'down' | 'pageup' | 'pagedown' | 'home' | 'end' | 'enter' | 'escape' | 'tab' | 'backspace' | 'ctrl-c' }
  | { name: 'char'; char: string };

export interface CheckEventData {
  phase: 'start' | 'end';
  id: string;
  layer: Layer;
  title: string;
  status?: CheckStatus;
  ms?: number;
  reason?: string;
  index: number;
  total: number;
}

export type Action =
  | { type: 'resize'; size: Size }
  | { type: 'key'; key: Key }
  | { type: 'submit'; value: string }
  | { type: 'tasks-taken'; ids: number[] }
  | { type: 'gather-event'; event: GatherEvent }
  | { type: 'loaded'; snapshot: Snapshot; questions: Record<string, Question[]> }
  | { type: 'load-failed'; message: string }
  | { type: 'check-event'; event: CheckEventData }
  | { type: 'analyzed'; snapshot: Snapshot; report: Report; covered: string[] }
  | { type: 'analyze-failed'; message: string }
  | { type: 'planned'; plan?: Plan; problem?: string }
  | { type: 'fix-output'; text: string }
  | { type: 'fix-step'; outcome: StepOutcome }
  | { type: 'applied'; outcome: ApplyOutcome }
  | { type: 'apply-failed'; message: string }
  | { type: 'verified'; outcome: VerifyOutcome; covered?: string[]; report?: Report }
  | { type: 'copied'; text: string; ok: boolean }
  | { type: 'content'; lines: number }
  | { type: 'notice'; text: string; tone: 'info' | 'error' | 'ok' }
  /** Ctrl-C as a signal, or SIGTERM / SIGHUP: `exitCode` (128+n) is what the wizard exits with once the fix stopped. */
  | { type: 'interrupt'; exitCode?: number }
  | { type: 'watch-open'; forMs?: number }
  | { type: 'watch-started'; since: string; followers: FollowerInfo[]; target: MetricsTarget }
  | { type: 'watch-failed'; message: string }
  | { type: 'watch-events'; events: WatchEvent[]; at: number }
  | { type: 'watch-metrics'; sample: MetricsSample }
  | { type: 'watch-metrics-unavailable'; why: string }
  | { type: 'watch-note'; text: string }
  | { type: 'watch-followers'; followers: FollowerInfo[] }
  | { type: 'watch-ended'; reason: string }
  | { type: 'watch-expired' };

export function findingKey(f: Pick<Finding, 'id' | 'title'>): string {
  return `${f.id}\u0000${f.title}`;
}

export interface InitOptions {
  origin: WizardState['origin'];
  size: Size;
  /** --symptom: skip the menu and run it. */
  symptom?: string;
  /** Facts given on the command line count as answered. */
  facts?: FactValues;
  /** `watch` on a terminal: open on the Watch screen (and leave after forMs, when given). */
  watch?: { forMs?: number };
}

export const BUNDLE_NO_FIXES =
  'Fixes cannot run on a bundle: it is evidence copied from another host. Run the wizard on the tunnel\'s host to apply them; (c) copies the commands.';
