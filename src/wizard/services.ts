// What the wizard asks of the world, as one interface: the UI runs the reducer's tasks through it. The real
// one (src/ui/services.ts) gathers, analyzes and runs fixes; tests can drive the same screens on a snapshot.
import type { Snapshot } from '../snapshot/types.js';
import type { Report } from '../analyze/types.js';
import type { GatherEvent } from '../gather/events.js';
import type { ApplyOutcome, Plan, StepOutcome, VerifyOutcome, PlanStep } from '../fixes/types.js';
import type { FactValues } from './facts.js';
import type { CheckEventData } from './state.js';

export interface FixHooks {
  onOutput: (text: string, step: PlanStep) => void;
  onStep: (outcome: StepOutcome) => void;
  signal: AbortSignal;
}

export interface WizardServices {
  /** Gathers (or reads the bundle, or the demo) afresh. */
  gather(onEvent: (e: GatherEvent) => void): Promise<Snapshot>;
  /** Applies the answered facts to the snapshot, then runs the checks (one symptom's, or all). */
  analyze(s: Snapshot, opts: { symptom?: string; facts: FactValues; onEvent: (e: CheckEventData) => void }): Promise<{ snapshot: Snapshot; report: Report }>;
  plan(fixId: string, s: Snapshot, data?: Record<string, unknown>): Plan | undefined;
  apply(plan: Plan, s: Snapshot, hooks: FixHooks): Promise<ApplyOutcome>;
  verify(fixId: string, s: Snapshot, data: Record<string, unknown> | undefined, signal: AbortSignal): Promise<VerifyOutcome>;
  /** Puts text on the clipboard (OSC 52); false when the terminal cannot be asked. */
  copy(text: string): Promise<boolean>;
  /** Removes what the session made (the demo's temp copy). */
  dispose(): Promise<void>;
}
