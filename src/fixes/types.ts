// A fix: describe (a pure plan) -> confirm -> execute (apply) -> verify (STYLE). The plan is data: the
// argv arrays exactly as they will run, or each file's new text with a unified diff, or steps for a person.
import type { Snapshot } from '../snapshot/types.js';
import type { FixKind } from '../analyze/types.js';
import type { FindingId } from '../analyze/catalog.js';

export interface CommandStep {
  kind: 'command';
  argv: string[];
  /** Absolute folder it runs in (the Compose project), when it matters. */
  cwd?: string;
  destructive?: boolean;
  /** Why this step is in the plan, one line. */
  why?: string;
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
  signal?: AbortSignal;
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
}
