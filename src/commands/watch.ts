// `watch`: follow the deployment's logs from now on and say, line by line, where each request got to.
// On two terminals it is the wizard opened on its Watch screen; otherwise headless: text lines, or NDJSON
// with --json. It stops on q (stdin a terminal), Ctrl-C, SIGTERM / SIGHUP, when --for runs out, or when
// nothing is left to follow; every follower process is stopped before it returns. Exit code as SPEC: 1
// when an event of severity error was seen, 0 otherwise, 2 when nothing could be followed.
import type { Io } from '../io.js';
import { writeErr, writeOut } from '../io.js';
import { terminalSafe } from '../snapshot/printable.js';
import type { TriageOptions } from '../options.js';
import { ToolError } from '../errors.js';
import type { Snapshot } from '../snapshot/types.js';
import { detectStyle } from '../report/style.js';
import { gatherSnapshot } from '../gather/index.js';
import { gatherDemo, prepareDemo } from '../gather/demo.js';
import { startWatch, type WatchListener, type WatchSession } from '../gather/watch-session.js';
import { startDemoWatch } from '../gather/watch-demo.js';
import { isBlocking } from '../gather/tool-errors.js';
import { routeNames } from '../analyze/route-names.js';
import { addEvents, addMetrics, addNote, ended, initialWatch, metricsUnavailable, setFollowers, watchExitCode } from '../watch/reduce.js';
import type { WatchState } from '../watch/types.js';
import { eventText, metricsText, noteText, watchEndText, watchStartText } from '../report/watch-text.js';
import { eventJson, followersJson, metricsJson, noteJson, watchEndJson, watchStartJson } from '../report/watch-json.js';
import { decideWizard } from './wizard.js';
import { durationMs } from '../watch/duration.js';

const BIN = 'mcp-tunnel-triage';

/** Why this snapshot cannot be watched, in one line with what to do; undefined when it can. */
export function unwatchable(s: Snapshot): string | undefined {
  const d = s.deployment;
  if (d.kind === 'unknown') return `nothing to watch: ${d.how}; run it in the Compose project's folder (or --dir DIR), or name the Helm release with --kube`;
  const tools = s.state.tools ?? {};
  for (const name of d.kind === 'compose' ? (['docker', 'compose'] as const) : (['kubectl'] as const)) {
    const t = tools[name];
    if (t?.problem && (isBlocking(t) || t.problem === 'not-found')) return `cannot follow the logs: ${name}: ${t.message ?? t.problem}`;
  }
  return undefined;
}

async function loadForWatch(opts: TriageOptions): Promise<{ snapshot: Snapshot; cleanup: () => Promise<void> }> {
  if (opts.demo) {
    const demo = await prepareDemo();
    try {
      return { snapshot: await gatherDemo(opts, demo), cleanup: demo.cleanup };
    } catch (err) {
      await demo.cleanup();
      throw err;
    }
  }
  // The probes are not what watch is for: the deployment, its containers and the logs so far are.
  return { snapshot: await gatherSnapshot({ ...opts, network: false }), cleanup: async () => {} };
}

export async function runWatch(opts: TriageOptions, forText: string | undefined, io: Io): Promise<number> {
  const forMs = forText === undefined ? undefined : durationMs(forText);
  if (!opts.json && decideWizard(opts, io).wizard) {
    const { runDefault } = await import('./wizard.js');
    return runDefault(opts, io, { watch: true, ...(forMs !== undefined ? { forMs } : {}) });
  }
  const { snapshot, cleanup } = await loadForWatch(opts);
  try {
    const why = unwatchable(snapshot);
    if (why) throw new ToolError(why);
    return await watchHeadless(snapshot, opts, io, forMs);
  } finally {
    await cleanup();
  }
}

async function watchHeadless(s: Snapshot, opts: TriageOptions, io: Io, forMs: number | undefined): Promise<number> {
  const style = detectStyle(io.stdout, io.env);
  const routes = (routeNames(s) ?? []).map((r) => r.name);
  let state: WatchState = initialWatch(new Date().toISOString());
  const out: string[] = [];
  let started = false;
  // A reader that went away (`watch | head`) ends the run quietly, as a signal would.
  let closed = false;
  let onClosed = () => {};
  io.stdout.on('error', () => {
    closed = true;
    onClosed();
  });
  const write = (text: string) => {
    if (closed) return;
    if (started) io.stdout.write(terminalSafe(text));
    else out.push(text);
  };
  const listener: WatchListener = {
    events(events) {
      state = addEvents(state, events);
      for (const e of events) write(opts.json ? eventJson(e) : `${eventText(e, style)}\n`);
    },
    metrics(sample) {
      const before = state.metrics;
      state = addMetrics(state, sample);
      const changed = !before || before.totalRequests !== sample.totalRequests || before.ready?.status !== sample.ready?.status || before.haConnections !== sample.haConnections;
      if (opts.json) write(metricsJson(sample));
      else if (changed) write(metricsText(state, sample, style));
    },
    metricsUnavailable(why) {
      state = metricsUnavailable(state, why);
      write(opts.json ? noteJson(why, 'metrics-unavailable') : noteText(`cloudflared's own view: ${why}`, style));
    },
    note(text) {
      state = addNote(state, text);
      write(opts.json ? noteJson(text) : noteText(text, style));
    },
    followers(infos) {
      state = setFollowers(state, infos);
      if (started && opts.json) write(followersJson(infos));
    },
  };
  const from = opts.since ? new Date(Date.now() - (durationMs(opts.since) ?? 0)) : undefined;
  const session: WatchSession = opts.demo ? await startDemoWatch(s, listener) : startWatch(s, { network: opts.network, timeoutMs: opts.timeoutMs, ...(from ? { from } : {}) }, listener);
  const stdinTty = Boolean(io.stdin.isTTY);
  const stopHint = `${stdinTty ? 'q or ' : ''}Ctrl-C stops${forMs !== undefined ? `; stops by itself after ${Math.round(forMs / 1000)} s` : ''}.`;
  await writeOut(io, opts.json ? watchStartJson(s, session.since, session.followers(), session.target) : watchStartText(s, session.since, session.followers(), session.target, style, stopHint));
  started = true;
  for (const text of out.splice(0)) io.stdout.write(terminalSafe(text));

  const reason = await new Promise<string>((resolve) => {
    const stops: (() => void)[] = [];
    const finish = (why: string) => {
      for (const undo of stops.splice(0)) undo();
      resolve(why);
    };
    const onSignal = (name: string) => () => finish(`${name} received`);
    for (const [signal, label] of [['SIGINT', 'Ctrl-C'], ['SIGTERM', 'SIGTERM'], ['SIGHUP', 'SIGHUP']] as const) {
      const handler = signal === 'SIGINT' ? () => finish('Ctrl-C') : onSignal(label);
      process.on(signal, handler);
      stops.push(() => process.off(signal, handler));
    }
    if (forMs !== undefined) {
      const timer = setTimeout(() => finish(`--for ${Math.round(forMs / 1000)} s ran out`), forMs);
      stops.push(() => clearTimeout(timer));
    }
    void session.ended.then((why) => finish(why));
    onClosed = () => finish('the output was closed');
    if (closed) onClosed();
    const stdin = io.stdin as NodeJS.ReadStream;
    if (stdinTty && typeof stdin.setRawMode === 'function') {
      stdin.setRawMode(true);
      const onData = (b: Buffer | string) => {
        const text = String(b);
        if (text.includes('q') || text.includes('Q')) finish('q pressed');
        else if (text.includes('\u0003')) finish('Ctrl-C');
      };
      stdin.on('data', onData);
      stdin.resume();
      stops.push(() => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
      });
    }
  });
  await session.stop();
  state = ended(state, reason, new Date().toISOString());
  const nothing = state.total === 0 && session.followers().length === 0 && !opts.demo;
  const code = nothing ? 2 : watchExitCode(state);
  if (!closed) await writeOut(io, opts.json ? watchEndJson(state, reason, code) : watchEndText(state, routes, style, reason, Math.max(60, (io.stdout.columns ?? 100) - 1)));
  if (nothing) writeErr(io, `${BIN}: nothing was followed: ${reason}\n`);
  return code;
}
