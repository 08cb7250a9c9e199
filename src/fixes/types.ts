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
