// The wizard's Watch screen as reducer steps: open it (followers start once the deployment is gathered),
// take the events, move through the timeline, open the finding an event names or press its fix key (the
// same plan / confirm / verify path as on the finding's screen), and leave (the followers stop). A finding
// first seen live (not in the last report) is checked again in the background, at most every 10 s, so its
// fixes are there to press. Pure: time comes in with the actions.
import type { Finding } from '../analyze/types.js';
import { addEvents, addMetrics, addNote, ended, initialWatch, metricsUnavailable, setFollowers } from '../watch/reduce.js';
import type { WatchEvent } from '../watch/types.js';
import { fixKeys } from './fix-keys.js';
import { findingKey, type Action, type FixState, type Key, type TaskSpec, type WizardState, type WizardWatch } from './state.js';

const RECHECK_EVERY_MS = 10_000;

type Add = (state: WizardState, task: TaskSpec) => WizardState;

function withWatch(state: WizardState, patch: Partial<WizardWatch>): WizardState {
  return state.watch ? { ...state, watch: { ...state.watch, ...patch } } : state;
}

/** Opens the Watch screen; the followers start at once when the deployment is gathered, else once it is. */
export function openWatch(state: WizardState, addTask: Add, forMs?: number): WizardState {
  const ready = state.load.status === 'ready' && state.load.snapshot !== undefined;
  const watch: WizardWatch = {
    phase: ready ? 'starting' : 'waiting',
    live: initialWatch(new Date(0).toISOString()),
    recheck: { running: false, pending: false },
    ...(forMs !== undefined ? { forMs } : {}),
    ...(state.load.status === 'failed' ? { problem: `could not gather the deployment: ${state.load.error ?? 'unknown error'}` } : {}),
  };
  let next: WizardState = { ...state, flash: undefined, help: false, screen: { name: 'watch' }, watch };
  if (ready) next = addTask(next, { kind: 'watch-start' });
  // No report yet: check in the background, so the events' findings come with their fixes.
  if (ready && !state.report) next = recheck(next, addTask, undefined);
  return next;
}

function recheck(state: WizardState, addTask: Add, at: number | undefined): WizardState {
  const w = state.watch!;
  if (w.recheck.running) return withWatch(state, { recheck: { ...w.recheck, pending: true } });
  const next = withWatch(state, { recheck: { running: true, pending: false, ...(at !== undefined ? { lastAt: at } : w.recheck.lastAt !== undefined ? { lastAt: w.recheck.lastAt } : {}) } });
  if (state.load.status === 'ready' && state.load.current && !state.report) return addTask(next, { kind: 'analyze', facts: state.facts });
  return addTask({ ...next, load: { status: 'loading', steps: [], logged: [], current: true, ...(state.load.snapshot ? { snapshot: state.load.snapshot } : {}) } }, { kind: 'gather' });
}

/** The gather finished while watching: start the followers (first time), or go on with the re-check. */
export function watchLoaded(state: WizardState, addTask: Add): WizardState {
  const w = state.watch;
  if (!w) return state;
  let next = state;
  if (w.phase === 'waiting') {
    next = addTask(withWatch(next, { phase: 'starting' }), { kind: 'watch-start' });
    if (!next.report) next = recheck(next, addTask, undefined);
    return next;
  }
  if (w.recheck.running) return addTask(next, { kind: 'analyze', facts: next.facts });
  return next;
}

/** A background check finished (or failed): another one if more findings came in meanwhile. */
export function watchChecked(state: WizardState, addTask: Add): WizardState {
  const w = state.watch;
  if (!w?.recheck.running) return state;
  const next = withWatch(state, { recheck: { running: false, pending: false, ...(w.recheck.lastAt !== undefined ? { lastAt: w.recheck.lastAt } : {}) } });
  return w.recheck.pending ? recheck(next, addTask, w.recheck.lastAt) : next;
}

export function isWatchAction(a: Action): a is Extract<Action, { type: `watch-${string}` }> {
  return a.type.startsWith('watch-');
}

export function watchAction(state: WizardState, a: Extract<Action, { type: `watch-${string}` }>, addTask: Add, quit: (s: WizardState) => WizardState): WizardState {
  if (a.type === 'watch-open') return openWatch(state, addTask, a.forMs);
  if (a.type === 'watch-expired') return quit(state);
  const w = state.watch;
  if (!w || w.phase === 'stopped') return state;
  switch (a.type) {
    case 'watch-started':
      return withWatch(state, { phase: 'on', target: a.target, live: setFollowers({ ...w.live, since: a.since }, a.followers) });
    case 'watch-failed':
      return withWatch(state, { phase: 'stopped', problem: a.message });
    case 'watch-events': {
      const next = withWatch(state, { live: addEvents(w.live, a.events) });
      const known = new Set((state.report?.findings ?? []).map((f) => f.id));
      const unknown = a.events.some((e) => e.finding && (e.severity === 'error' || e.severity === 'warning') && !known.has(e.finding));
      const due = w.recheck.lastAt === undefined || a.at - w.recheck.lastAt >= RECHECK_EVERY_MS;
      if (unknown && state.origin !== 'bundle' && (due || w.recheck.running)) return recheck(next, addTask, due ? a.at : w.recheck.lastAt);
      return next;
    }
    case 'watch-metrics':
      return withWatch(state, { live: addMetrics(w.live, a.sample) });
    case 'watch-metrics-unavailable':
      return withWatch(state, { live: metricsUnavailable(w.live, a.why) });
    case 'watch-note':
      return withWatch(state, { live: addNote(w.live, a.text) });
    case 'watch-followers':
      return withWatch(state, { live: setFollowers(w.live, a.followers) });
    case 'watch-ended':
      return withWatch(state, { live: ended(w.live, a.reason, new Date().toISOString()) });
  }
}

/** The timeline entry Enter and the fix keys act on: the one under the cursor, else the newest with a finding. */
export function selectedEvent(state: WizardState): WatchEvent | undefined {
  const events = state.watch?.live.events ?? [];
  if (state.watch?.cursor !== undefined) return events[state.watch.cursor];
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.finding && events[i]!.outcome !== 'ok') return events[i];
  return events.at(-1);
}

/** The report's finding an event names (the one for its route when there are several). */
export function findingOfEvent(state: WizardState, e: WatchEvent | undefined): Finding | undefined {
  if (!e?.finding) return undefined;
  const all = (state.report?.findings ?? []).filter((f) => f.id === e.finding);
  return all.find((f) => e.route !== undefined && f.data?.route === e.route) ?? all[0];
}

/** The title of a finding with this id that a verified fix resolved this session (the fresh results no longer have it). */
export function fixedTitle(state: WizardState, id: string): string | undefined {
  return state.fixed.find((k) => k.startsWith(`${id}\u0000`))?.split('\u0000')[1];
}

/** Leaving the Watch screen stops the followers. */
export function leaveWatch(state: WizardState, addTask: Add): WizardState {
  const next: WizardState = { ...state, screen: state.report ? { name: 'results' } : { name: 'start' }, watch: state.watch ? { ...state.watch, phase: 'stopped' } : undefined };
  return addTask(next, { kind: 'watch-stop' });
}

export function watchKey(state: WizardState, key: Key, addTask: Add): WizardState {
  const w = state.watch;
  if (!w) return state;
  const count = w.live.events.length;
  const cursor = w.cursor ?? count - 1;
  const to = (i: number | undefined): WizardState => withWatch(state, { cursor: i === undefined || count === 0 ? undefined : Math.max(0, Math.min(count - 1, i)) });
  if (key.name === 'escape') return leaveWatch(state, addTask);
  if (key.name === 'up' || (key.name === 'char' && key.char === 'k')) return to(cursor - 1);
  if (key.name === 'down' || (key.name === 'char' && key.char === 'j')) return cursor + 1 >= count ? to(undefined) : to(cursor + 1);
  if (key.name === 'home') return to(0);
  if (key.name === 'end') return to(undefined);
  const finding = findingOfEvent(state, selectedEvent(state));
  if (key.name === 'enter') return finding ? { ...state, flash: undefined, contentLines: 0, screen: { name: 'finding', key: findingKey(finding), scroll: 0, back: 'watch' } } : state;
  if (key.name !== 'char' || !finding) return state;
  const index = fixKeys(finding.fixes).indexOf(key.char);
  if (index < 0) return state;
  if (state.fixesUnavailable) return { ...state, flash: { text: state.fixesUnavailable, tone: 'info' } };
  const fix = finding.fixes[index]!;
  const fixState: FixState = { findingKey: findingKey(finding), fix, key: key.char, phase: 'planning', typed: '', output: '', steps: [], scroll: 0, back: 'watch' };
  return addTask({ ...state, flash: undefined, contentLines: 0, screen: { name: 'fix', fix: fixState } }, { kind: 'plan', fixId: fix.id, ...(finding.data ? { data: finding.data } : {}) });
}

/** Error events seen while watching whose finding has not been fixed since (SPEC's exit code: 1). */
export function watchErrorsStanding(state: WizardState): boolean {
  const live = state.watch?.live;
  if (!live || live.bySeverity.error === 0) return false;
  const fixedIds = new Set(state.fixed.map((k) => k.split('\u0000')[0]));
  return live.events.some((e) => e.severity === 'error' && !(e.finding && fixedIds.has(e.finding))) || live.events.length < live.total;
}
