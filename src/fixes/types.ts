// A fix: describe (a pure plan) -> confirm -> execute (apply) -> verify (STYLE). The plan is data: the
// argv arrays exactly as they will run, or each file's new text with a unified diff, or steps for a person.
import type { Snapshot } from '../snapshot/types.js';
import type { Finding, FixKind, Report } from '../analyze/types.js';
import type { TriageOptions } from '../options.js';
import type { FindingId } from '../analyze/catalog.js';

export interface CommandStep {
  kind: 'command';
  argv: string[];
  /** Absolute folder it runs in (the Compose project), when it matters. */
  cwd?: string;
  destructive?: boolean;
  /** Why this step is in the plan, one line. */
  why?: string;
  /** How long it may take before it is killed (default: at least 2 minutes: restarts wait for a graceful stop). */
  timeoutMs?: number;
  /**
   * Variables that must be set in the tool's environment for the command to be safe (Compose copies
   * TUNNEL_TOKEN from the shell; `sudo` drops it): apply refuses the plan before any step when one is empty.
   */
  needsEnv?: string[];
  /**
   * Host paths the command changes (project-relative, as in argv), with what each must be. The plan refuses a
   * path that leads out of the project (after symlinks) or is not that kind of thing; apply checks again
   * just before the command runs (path-guard.ts).
   */
  touches?: Touch[];
}

export interface Touch {
  path: string;
  type: 'file' | 'dir';
  /** Where it really leads when a symlink is on the way (SnapshotFile.realPath), shown in the plan. */
  real?: string;
  /** Permission bits and type from the snapshot (FileMeta.mode), when known. */
  mode?: number;
}

export interface EditStep {
  kind: 'edit';
  /** Project-relative path of the file, as in Snapshot.files. */
  path: string;
  /** The text the plan was made from; apply refuses when the file on disk no longer has it. */
  before: string;
  after: string;
  diff: string;
  why?: string;
  /**
   * The same edit as a function of the file's text. When the snapshot's text was redacted (the file holds a
   * secret), apply reads the real file, checks that redacting it gives `before`, writes `transform(real)`
   * and checks that redacting that gives `after`: what is written is what was shown, secrets aside.
   * It may throw an Error whose one-line message (never the file's contents) is why it cannot be done.
   */
  transform?: (text: string) => string;
  /** Where the path really leads when it is a symlink (SnapshotFile.realPath): the file that is written. */
  real?: string;
  /** The file holds a secret (.env with TUNNEL_TOKEN): nothing but the redacted diff is ever shown. */
  secret?: boolean;
  /**
   * How the real file is hidden for comparison with `before` / `after` (default: redact()). A fix whose
   * secret redact() might miss (a broken token) brings its own, stricter mask.
   */
  mask?: (text: string) => string;
}

export interface ManualStep {
  kind: 'manual';
  text: string;
}

export type PlanStep = CommandStep | EditStep | ManualStep;

export interface Plan {
  fixId: string;
  title: string;
  kind: FixKind;
  steps: PlanStep[];
  /** Destructive plans ask for this word (the release name) to be typed. */
  confirmWord?: string;
  /** Set when there is nothing to do (already applied): the reason, said to the user. */
  nothingToDo?: string;
  /**
   * A value this (manual) plan lacks, which the user can type for it to become runnable: the wizard asks and
   * plans again with it in the finding's data under `key`.
   */
  ask?: { key: 'chart'; question: string; hint: string };
  /** The fix would change something it must not (outside the project): its steps say what, and nothing runs. */
  refused?: boolean;
}

export interface Fix {
  id: string;
  title: string;
  kind: FixKind;
  /** Findings this fix is for (verify checks that they are gone). */
  findings: FindingId[];
  /** Pure. Undefined when the fix does not apply to this deployment (a Helm fix on a Compose project). */
  plan: (s: Snapshot, data?: Record<string, unknown>) => Plan | undefined;
}

// ── Running a plan (implemented in src/fixes/apply.ts and src/fixes/verify.ts) ─────────────────────
// `applyPlan(plan, ctx): Promise<ApplyOutcome>` runs the steps in order, stops at the first failure and
// restores edited files from their backups; `verifyFix(fix, ctx, data?): Promise<VerifyOutcome>`
// re-gathers what the fix touched and says whether its findings are gone. The wizard and `fix` use both.

export interface FixRunContext {
  /** The snapshot the plan was made from (edits refuse when the file changed since). */
  snapshot: Snapshot;
  /** Absolute project folder the plan's relative paths are in. */
  dir: string;
  /** In the demo, command steps are shown, not run; edits apply to the demo's temp copy. */
  demo: boolean;
  timeoutMs: number;
  /** Live output of command steps, as it arrives. */
  onOutput?: (text: string, step: PlanStep) => void;
  onStep?: (outcome: StepOutcome) => void;
  /** A step is about to run (commands print their line before their output). */
  onStepStart?: (step: PlanStep, index: number) => void;
  signal?: AbortSignal;
  /** What the run was started with: verify re-gathers with the same options (defaults: `dir`, `demo`). */
  options?: TriageOptions;
  /** Extra environment for command steps (tests put the stand-ins on PATH). */
  env?: Record<string, string | undefined>;
  /** Overrides how verify re-gathers (`since`: only logs newer than this, e.g. `12s`); the wizard and tests use it. */
  regather?: (since?: string) => Promise<Snapshot>;
  /** Bounds of verify's wait for a restarted service's new log (defaults: 8 attempts, 40 s). */
  verifyAttempts?: number;
  verifyBudgetMs?: number;
  /** When apply started (ms since the epoch); verify reads only logs written since. Set by applyPlan. */
  appliedAt?: number;
  /** The plan that was applied, so verify knows what was restarted. Set by the caller or applyPlan. */
  plan?: Plan;
}

export interface StepOutcome {
  step: PlanStep;
  status: 'done' | 'failed' | 'skipped' | 'simulated';
  exitCode?: number;
  output?: string;
  /** One line: why it failed. */
  error?: string;
  /** Edits: where the backup was written. */
  backup?: string;
}

export interface ApplyOutcome {
  ok: boolean;
  steps: StepOutcome[];
  /** Files put back from their backups after a later step failed. */
  restored: string[];
  message: string;
}

export interface VerifyOutcome {
  status: 'fixed' | 'not-fixed' | 'cannot-tell';
  detail: string;
  /** The findings it was for that are still there (with their evidence), when not fixed. */
  still?: Finding[];
  /** The snapshot and report re-gathered to verify (the wizard can show them as the new state). */
  snapshot?: Snapshot;
  report?: Report;
  /** How many times it gathered (a restarted service's new log takes a moment). */
  attempts?: number;
}
