// What the wizard asks of the world, as one interface: the UI runs the reducer's tasks through it. The real
// one (src/ui/services.ts) gathers, analyzes and runs fixes; tests can drive the same screens on a snapshot.
import type { Snapshot } from '../snapshot/types.js';
import type { Report } from '../analyze/types.js';
import type { GatherEvent } from '../gather/events.js';
import type { ApplyOutcome, Plan, StepOutcome, VerifyOutcome, PlanStep } from '../fixes/types.js';
import type { Finding } from '../analyze/types.js';
import type { FactValues, Question } from './answers.js';
import type { CheckEventData } from './state.js';
import type { WatchListener, WatchSession } from '../watch/types.js';

export interface FixHooks {
  onOutput: (text: string, step: PlanStep) => void;
  onStep: (outcome: StepOutcome) => void;
  signal: AbortSignal;
}

/** Every method is async: the real services are loaded after the first frame is drawn. */
export interface WizardServices {
  /** Gathers (or reads the bundle, or the demo) afresh; with the facts each symptom would ask for. */
  gather(onEvent: (e: GatherEvent) => void): Promise<{ snapshot: Snapshot; questions: Record<string, Question[]> }>;
  /**
   * Applies the answered facts to the snapshot, then runs the checks (one symptom's, or all). `covered`: the
   * finding ids that the checks which ran could have emitted (one not found among them is gone).
   */
  analyze(s: Snapshot, opts: { symptom?: string; facts: FactValues; onEvent: (e: CheckEventData) => void }): Promise<{ snapshot: Snapshot; report: Report; covered: string[] }>;
  plan(fixId: string, s: Snapshot, data?: Record<string, unknown>): Promise<Plan | undefined>;
  apply(plan: Plan, s: Snapshot, hooks: FixHooks): Promise<ApplyOutcome>;
  /**
   * Re-gathers and judges the fix. `report`: the fresh snapshot analysed as the results screen was (the same
   * symptom and facts), so the screen is re-derived from it, not patched; `covered` as for analyze.
   */
  verify(fixId: string, s: Snapshot, data: Record<string, unknown> | undefined, signal: AbortSignal): Promise<{ outcome: VerifyOutcome; covered: string[]; report?: Report }>;
  /** A finding's fixes as a script to paste (what `(c)` shows). */
  copyText(finding: Finding, dir: string | undefined): Promise<string>;
  /** Puts text on the clipboard (OSC 52); false when the terminal cannot be asked. */
  copy(text: string): Promise<boolean>;
  /** Starts following the deployment's logs (the demo: replays its recording). */
  watch(s: Snapshot, listener: WatchListener): Promise<WatchSession>;
  /** Removes what the session made (the demo's temp copy) and stops a watch still running. */
  dispose(): Promise<void>;
}

/** Services that load themselves on first use (a dynamic import), so the first frame does not wait for them. */
export function lazyServices(load: () => Promise<WizardServices>): WizardServices {
  let loading: Promise<WizardServices> | undefined;
  const get = () => (loading ??= load());
  return {
    gather: async (onEvent) => (await get()).gather(onEvent),
    analyze: async (s, opts) => (await get()).analyze(s, opts),
    plan: async (id, s, data) => (await get()).plan(id, s, data),
    apply: async (plan, s, hooks) => (await get()).apply(plan, s, hooks),
    verify: async (id, s, data, signal) => (await get()).verify(id, s, data, signal),
    copyText: async (f, dir) => (await get()).copyText(f, dir),
    copy: async (text) => (await get()).copy(text),
    watch: async (s, hooks) => (await get()).watch(s, hooks),
    dispose: async () => (loading ? (await loading).dispose() : undefined),
  };
}
