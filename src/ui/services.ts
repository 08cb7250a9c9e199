// The wizard's services on the real pipeline: gather (live, demo or bundle), analyze with the answered facts,
// plan, apply and verify fixes (src/fixes), and the clipboard (OSC 52). No Ink here.
import type { Io } from '../io.js';
import type { TriageOptions } from '../options.js';
import type { Snapshot } from '../snapshot/types.js';
import { readBundleForAnalysis } from '../commands/load.js';
import { gatherSnapshot, inputsOf } from '../gather/index.js';
import { gatherDemo, prepareDemo, type DemoDeployment } from '../gather/demo.js';
import { step } from '../gather/events.js';
import { runCommand } from '../gather/run.js';
import { applyFacts } from '../gather/facts.js';
import { analyzeAsync } from '../analyze/index.js';
import { fixById, planFix } from '../fixes/registry.js';
import { applyPlan } from '../fixes/apply.js';
import { verifyFix } from '../fixes/verify.js';
import type { FixRunContext, Plan } from '../fixes/types.js';
import type { Report } from '../analyze/types.js';
import { CHECKS } from '../analyze/registry.js';
import { questionsBySymptom, type FactValues } from '../wizard/facts.js';
import { copyText } from '../wizard/copy.js';
import type { WizardServices } from '../wizard/services.js';
import type { WatchSession } from '../watch/types.js';
import { startWatch } from '../gather/watch-session.js';
import { startDemoWatch } from '../gather/watch-demo.js';
import { durationMs } from '../watch/duration.js';

export type Origin = 'live' | 'bundle' | 'demo';

export function originOf(opts: TriageOptions): Origin {
  return opts.fromBundle ? 'bundle' : opts.demo ? 'demo' : 'live';
}

/** The run's options with the answered facts, so verify's re-gather sees what the checks saw. */
function optionsWithFacts(opts: TriageOptions, facts: FactValues, dir: string): TriageOptions {
  return { ...opts, dir, ...(facts.tunnelDomain ? { tunnelDomain: facts.tunnelDomain } : {}), ...(facts.caFile ? { ca: facts.caFile } : {}), ...(facts.audience ? { audience: facts.audience } : {}) };
}

/** Finding ids that the checks which ran (not skipped, not crashed) could have emitted. */
export function coveredIds(report: Report): string[] {
  const ran = new Set(report.checks.filter((c) => c.status === 'ok' || c.status === 'problem').map((c) => c.id));
  return [...new Set(CHECKS.filter((c) => ran.has(c.id)).flatMap((c) => c.emits))];
}

/** OSC 52: asks the terminal to put the text on the clipboard (tmux passes it on with set-clipboard). */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

export function makeServices(opts: TriageOptions, io: Io, env?: Record<string, string | undefined>): WizardServices {
  const origin = originOf(opts);
  let demo: DemoDeployment | undefined;
  let facts: FactValues = {};
  // What the results screen shows: a fix's verify re-derives it the same way from the fresh snapshot.
  let symptomShown: string | undefined;
  let ctx: FixRunContext | undefined;
  const watches = new Set<WatchSession>();
  // Quitting ends the session: commands a gather still waits on are killed, not waited for.
  const session = new AbortController();
  const exec: NonNullable<Parameters<typeof gatherSnapshot>[2]>['exec'] = (argv, ro) => runCommand(argv, { ...ro, signal: ro.signal ?? session.signal });

  const gather = async (onEvent: Parameters<WizardServices['gather']>[0], o: TriageOptions = opts): Promise<Snapshot> => {
    if (origin === 'bundle') return step(onEvent, 'bundle', `read the bundle ${opts.fromBundle}`, () => readBundleForAnalysis(opts.fromBundle!, { inputs: inputsOf(o) }));
    if (origin === 'demo') {
      demo ??= await prepareDemo();
      return gatherDemo({ ...o, dir: demo.dir }, demo, onEvent);
    }
    return gatherSnapshot(o, onEvent, { exec, signal: session.signal, ...(env ? { env } : {}) });
  };

  const context = (plan: Plan | undefined, s: Snapshot): FixRunContext => {
    const dir = s.deployment.dir ?? opts.dir;
    const options = optionsWithFacts(opts, facts, dir);
    return {
      snapshot: s,
      dir,
      demo: origin === 'demo',
      timeoutMs: opts.timeoutMs,
      options,
      ...(env ? { env } : {}),
      ...(plan ? { plan } : {}),
      // Verify gathers the same way the wizard did (the demo's copy, the same facts), then applies the facts.
      regather: async (since) => applyFacts(await gather(() => {}, since ? { ...options, since } : options), facts, io.cwd),
    };
  };

  return {
    async gather(onEvent) {
      const snapshot = await gather(onEvent);
      return { snapshot, questions: questionsBySymptom(snapshot) };
    },
    async analyze(s, { symptom, facts: given, onEvent }) {
      facts = Object.fromEntries(Object.entries(given).filter(([, v]) => v)) as FactValues;
      symptomShown = symptom;
      const snapshot = await applyFacts(s, facts, io.cwd);
      const report = await analyzeAsync(snapshot, {
        ...(symptom ? { symptom } : {}),
        onEvent: (e) =>
          onEvent({ phase: e.type === 'check-start' ? 'start' : 'end', id: e.check.id, layer: e.check.layer, title: e.check.title, status: e.result?.status, ms: e.result?.ms, reason: e.result?.reason, index: e.index, total: e.total }),
      });
      return { snapshot, report, covered: coveredIds(report) };
    },
    plan: async (fixId, s, data) => planFix(fixId, s, data),
    async apply(plan, s, hooks) {
      ctx = { ...context(plan, s), onOutput: hooks.onOutput, onStep: hooks.onStep, signal: hooks.signal };
      return applyPlan(plan, ctx);
    },
    async verify(fixId, s, data, signal) {
      const fix = fixById(fixId);
      if (!fix) return { outcome: { status: 'cannot-tell', detail: `unknown fix ${fixId}` }, covered: [] };
      const outcome = await verifyFix(fix, { ...(ctx ?? context(undefined, s)), signal }, data);
      if (!outcome.snapshot) return { outcome, covered: outcome.report ? coveredIds(outcome.report) : [] };
      const report = await analyzeAsync(outcome.snapshot, symptomShown ? { symptom: symptomShown } : {});
      return { outcome, covered: coveredIds(report), report };
    },
    copyText: async (finding, dir) => copyText(finding, dir),
    async copy(text) {
      if (!io.stdout.isTTY) return false;
      io.stdout.write(osc52(text));
      return true;
    },
    async watch(s, hooks) {
      if (origin === 'bundle') throw new Error('a bundle is evidence copied from another host: there is nothing to follow; run the wizard on the tunnel\'s host');
      const handle = origin === 'demo' ? await startDemoWatch(s, hooks) : startWatch(s, { network: opts.network, timeoutMs: opts.timeoutMs, ...(env ? { env } : {}), ...(opts.since ? { from: new Date(Date.now() - (durationMs(opts.since) ?? 0)) } : {}) }, hooks);
      const tracked: WatchSession = {
        ...handle,
        followers: handle.followers,
        stop: async () => {
          watches.delete(tracked);
          await handle.stop();
        },
      };
      watches.add(tracked);
      return tracked;
    },
    async dispose() {
      await Promise.all([...watches].map((w) => w.stop()));
      session.abort();
      await demo?.cleanup();
    },
  };
}
