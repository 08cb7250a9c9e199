// The wizard as a pure reducer: (state, action) -> state. Keys arrive one at a time, so a burst of keys
// (`Down Enter` in one chunk, a paste) is just several actions applied in order against the latest state.
// It imports nothing heavy (no checks, no YAML): the first frame is drawn before the pipeline is loaded.
import type { Report } from '../analyze/types.js';
import { symptomById } from '../analyze/symptoms.js';
import { checkAnswer, tunnelDomainQuestion, type Question } from './answers.js';
import { fixKeys } from './fix-keys.js';
import { MENU, RUN_ALL, WATCH } from './menu.js';
import { isWatchAction, openWatch, watchAction, watchChecked, watchErrorsStanding, watchKey, watchLoaded } from './watch.js';
import { filterKey, visibleResults } from './filter.js';
import {
  bodyRows, BUNDLE_NO_FIXES, findingKey,
  type Action, type FixState, type InitOptions, type Key, type LogEntry, type Screen, type TaskSpec, type WizardState,
} from './state.js';

const OUTPUT_CAP = 16_000;

export function initialState(opts: InitOptions): WizardState {
  let state: WizardState = {
    origin: opts.origin,
    size: opts.size,
    screen: { name: 'start' },
    menuIndex: 0,
    load: { status: 'loading', steps: [], logged: [], current: true },
    resultsIndex: 0,
    facts: { ...opts.facts },
    outstanding: {},
    fixed: [],
    log: [],
    contentLines: 0,
    tasks: [],
    nextTaskId: 1,
    quitting: false,
  };
  if (opts.origin === 'bundle') state.fixesUnavailable = BUNDLE_NO_FIXES;
  state = addTask(state, { kind: 'gather' });
  if (opts.watch) return openWatch({ ...state, startedAs: 'watch' }, addTask, opts.watch.forMs);
  if (opts.symptom) state = choose(state, opts.symptom);
  return state;
}

function addTask(state: WizardState, task: TaskSpec): WizardState {
  return { ...state, tasks: [...state.tasks, { ...task, id: state.nextTaskId } as WizardState['tasks'][number]], nextTaskId: state.nextTaskId + 1 };
}

type LogSpec = LogEntry extends infer E ? (E extends LogEntry ? Omit<E, 'key'> : never) : never;

function addLog(state: WizardState, entry: LogSpec): WizardState {
  return { ...state, log: [...state.log, { ...entry, key: `${entry.kind}-${state.log.length}` } as LogEntry] };
}

/** The report's findings in list order (the engine sorts by layer, then severity). */
export function resultList(state: WizardState): Report['findings'] {
  return state.report?.findings ?? [];
}

/**
 * SPEC's exit code on quit, matching what the screen shows: 2 when nothing could be gathered or the
 * deployment could not be examined; 1 while an error finding remains (on the results, or listed there as
 * still outstanding from an earlier run); 0 otherwise.
 */
export function exitCodeOf(state: WizardState): number {
  // `watch` on a terminal answers for what it saw (1 after an error event), unless checks were run since.
  if (state.startedAs === 'watch' && !state.run) return watchErrorsStanding(state) ? 1 : state.load.status === 'failed' || state.watch?.problem ? 2 : 0;
  if (state.load.status === 'failed' && !state.report) return 2;
  if (state.report?.blocked) return 2;
  if (Object.keys(state.outstanding).length || watchErrorsStanding(state)) return 1;
  return 0;
}

/** Error findings still standing that the results on show do not list (found by an earlier run). */
export function outstandingElsewhere(state: WizardState): Report['findings'] {
  const shown = new Set((state.report?.findings ?? []).map(findingKey));
  return Object.entries(state.outstanding).filter(([key]) => !shown.has(key)).map(([, f]) => f);
}

/** Where the results list starts: the first error, else the first warning, else the top. */
export function firstProblemIndex(findings: readonly Report['findings'][number][]): number {
  for (const severity of ['error', 'warning'] as const) {
    const i = findings.findIndex((f) => f.severity === severity);
    if (i >= 0) return i;
  }
  return 0;
}

function quit(state: WizardState): WizardState {
  if (state.exitCode !== undefined) return state;
  const code = state.signalExit ?? exitCodeOf(state);
  const flash = state.quitting ? { text: `The fix was stopped; quit with exit code ${code}.`, tone: 'info' as const } : state.flash;
  return addTask({ ...state, exitCode: code, flash }, { kind: 'exit', code });
}

// ── runs ───────────────────────────────────────────────────────────────────────────────────────────

/** Menu choice (or --symptom): ask for missing facts, gather if needed, then run the checks. */
function choose(state: WizardState, value: string): WizardState {
  if (value === WATCH) return openWatch(state, addTask);
  const symptom = value === RUN_ALL ? undefined : value;
  const s = state.load.snapshot;
  if (symptom && state.load.status === 'ready' && state.load.current && s) {
    const questions = openQuestions(state, symptom);
    if (questions.length) return { ...state, flash: undefined, screen: { name: 'ask', symptom, questions, index: 0, answers: {}, draft: '' } };
  }
  return beginRun({ ...state, flash: undefined }, symptom);
}

function beginRun(state: WizardState, symptom: string | undefined): WizardState {
  const title = symptom ? `Checking: ${symptomById(symptom)?.title ?? symptom}` : 'Running every check';
  let next: WizardState = { ...state, screen: { name: 'running' }, run: { symptom, phase: 'gathering', checks: [], total: 0 } };
  next = addLog(next, { kind: 'title', text: title });
  // Gathering ran while the menu was up: its steps head the run's log all the same (once per gather).
  if (state.load.status === 'ready' && state.load.current) return startChecks(flushSteps(next));
  if (state.load.status !== 'loading') {
    next = { ...next, load: { status: 'loading', steps: [], logged: [], current: true, ...(state.load.snapshot ? { snapshot: state.load.snapshot } : {}) } };
    return addTask(next, { kind: 'gather' });
  }
  return flushSteps(next);
}

/** Gather steps that finished before the running screen opened go to the log first. */
function flushSteps(state: WizardState): WizardState {
  let next = state;
  for (const step of state.load.steps) {
    if (step.status === 'running' || next.load.logged.includes(step.id)) continue;
    next = addLog({ ...next, load: { ...next.load, logged: [...next.load.logged, step.id] } }, { kind: 'step', step });
  }
  return next;
}

function startChecks(state: WizardState): WizardState {
  const run = state.run!;
  if (run.symptom) {
    const questions = openQuestions(state, run.symptom);
    if (questions.length) return { ...state, screen: { name: 'ask', symptom: run.symptom, questions, index: 0, answers: {}, draft: '' } };
  }
  return addTask({ ...state, run: { ...run, phase: 'checking' } }, { kind: 'analyze', ...(run.symptom ? { symptom: run.symptom } : {}), facts: state.facts });
}

/** The symptom's questions that no answer (or flag) has settled yet. */
function openQuestions(state: WizardState, symptom: string): Question[] {
  return (state.load.questions?.[symptom] ?? []).filter((q) => state.facts[q.fact] === undefined);
}

/** Error findings still standing: those the new report's checks could have seen are replaced by what it found. */
function merge(outstanding: WizardState['outstanding'], report: Report, covered: readonly string[]): WizardState['outstanding'] {
  const seen = new Set(covered);
  const next = Object.fromEntries(Object.entries(outstanding).filter(([, f]) => !seen.has(f.id)));
  for (const f of report.findings) if (f.severity === 'error') next[findingKey(f)] = f;
  return next;
}

function analyzed(state: WizardState, report: Report, snapshot: WizardState['load']['snapshot'], covered: readonly string[]): WizardState {
  const outstanding = merge(state.outstanding, report, covered);
  const fresh = new Set(report.findings.map(findingKey));
  return {
    ...state,
    report,
    outstanding,
    fixed: state.fixed.filter((k) => !fresh.has(k)),
    load: { ...state.load, ...(snapshot ? { snapshot } : {}) },
    run: state.run ? { ...state.run, phase: 'done' } : undefined,
    // A check in the background of the Watch screen leaves the screen where it is.
    screen: state.watch?.recheck.running ? state.screen : { name: 'results' },
    resultsIndex: firstProblemIndex(visibleResults({ ...state, report })),
    contentLines: 0,
  };
}

// ── keys ───────────────────────────────────────────────────────────────────────────────────────────

function move(index: number, delta: number, length: number, wrap: boolean): number {
  if (length === 0) return 0;
  const next = index + delta;
  if (wrap) return ((next % length) + length) % length;
  return Math.max(0, Math.min(length - 1, next));
}

function scrollBy(scroll: number, delta: number, state: WizardState): number {
  return Math.max(0, Math.min(Math.max(0, state.contentLines - bodyRows(state.size)), scroll + delta));
}

function onKey(state: WizardState, key: Key): WizardState {
  const screen = state.screen;
  const typing =
    screen.name === 'ask' ||
    (screen.name === 'fix' && screen.fix.phase === 'confirm' && (screen.fix.plan?.confirmWord !== undefined || asking(screen.fix))) ||
    (screen.name === 'results' && state.filter?.editing === true);
  if (key.name === 'ctrl-c') return interrupt(state);
  // `?` shows every key of the screen; the next key closes it (and does nothing else).
  if (state.help) return key.name === 'char' && key.char.length > 1 ? onKey({ ...state, help: false }, { name: 'char', char: key.char.slice(1) }) : { ...state, help: false };
  if (key.name === 'char' && key.char.startsWith('?') && !typing) return key.char.length > 1 ? onKey({ ...state, help: true }, { name: 'char', char: key.char.slice(1) }) : { ...state, help: true };
  if (key.name === 'char' && key.char === 'q' && !typing) return screen.name === 'fix' && isBusy(screen.fix) ? interrupt(state) : quit(state);
  if (key.name === 'char' && key.char.length > 1) return [...key.char].reduce((s, ch) => onKey(s, { name: 'char', char: ch }), state);
  switch (screen.name) {
    case 'start':
      return startKey(state, key);
    case 'ask':
      // The text is kept here, key by key: a text input that kept it would lose keys typed faster than it redraws.
      if (key.name === 'escape') return screen.from ? { ...state, screen: { name: 'finding', key: screen.from, scroll: 0 } } : { ...state, screen: { name: 'start' }, run: undefined };
      if (key.name === 'enter') return submit(state, screen.draft);
      return { ...state, screen: { ...screen, draft: edited(screen.draft, key), problem: key.name === 'char' || key.name === 'backspace' ? undefined : screen.problem } };
    case 'running':
      return state;
    case 'results':
      return resultsKey(state, key);
    case 'finding':
      return onFindingKey(state, screen, key);
    case 'fix':
      return fixKey(state, screen.fix, key);
    case 'watch':
      return watchKey(state, key, addTask);
  }
}

/** A one-line text field: characters append, Backspace removes the last one. */
function edited(text: string, key: Key): string {
  if (key.name === 'char') return text + key.char;
  if (key.name === 'backspace') return text.slice(0, -1);
  return text;
}

function startKey(state: WizardState, key: Key): WizardState {
  const digit = key.name === 'char' && /^[1-9]$/.test(key.char) ? Number(key.char) - 1 : undefined;
  if (digit !== undefined && digit < MENU.length) return choose({ ...state, menuIndex: digit }, MENU[digit]!.value);
  if (key.name === 'up' || (key.name === 'char' && key.char === 'k')) return { ...state, menuIndex: move(state.menuIndex, -1, MENU.length, true) };
  if (key.name === 'down' || (key.name === 'char' && key.char === 'j')) return { ...state, menuIndex: move(state.menuIndex, 1, MENU.length, true) };
  if (key.name === 'home') return { ...state, menuIndex: 0 };
  if (key.name === 'end') return { ...state, menuIndex: MENU.length - 1 };
  if (key.name === 'enter') return choose(state, MENU[state.menuIndex]!.value);
  if (key.name === 'char' && key.char === 'w') return openWatch(state, addTask);
  return state;
}

function resultsKey(state: WizardState, key: Key): WizardState {
  const filtered = filterKey(state, key);
  if (filtered) return filtered;
  const list = visibleResults(state);
  const page = Math.max(1, bodyRows(state.size) - 8);
  if (key.name === 'up' || (key.name === 'char' && key.char === 'k')) return { ...state, resultsIndex: move(state.resultsIndex, -1, list.length, false) };
  if (key.name === 'down' || (key.name === 'char' && key.char === 'j')) return { ...state, resultsIndex: move(state.resultsIndex, 1, list.length, false) };
  if (key.name === 'pageup') return { ...state, resultsIndex: move(state.resultsIndex, -page, list.length, false) };
  if (key.name === 'pagedown') return { ...state, resultsIndex: move(state.resultsIndex, page, list.length, false) };
  if (key.name === 'enter' && list[state.resultsIndex]) return { ...state, flash: undefined, contentLines: 0, screen: { name: 'finding', key: findingKey(list[state.resultsIndex]!), scroll: 0 } };
  if (key.name === 'escape') return { ...state, flash: undefined, screen: { name: 'start' } };
  if (key.name === 'char' && key.char === 'r') return choose(state, state.run?.symptom ?? RUN_ALL);
  if (key.name === 'char' && key.char === 'w') return openWatch(state, addTask);
  return state;
}

export function openFinding(state: WizardState, key: string) {
  return resultList(state).find((f) => findingKey(f) === key);
}

function onFindingKey(state: WizardState, screen: Extract<Screen, { name: 'finding' }>, key: Key): WizardState {
  const finding = openFinding(state, screen.key);
  if (!finding) return { ...state, screen: { name: 'results' } };
  const page = bodyRows(state.size) - 1;
  const scroll = (delta: number): WizardState => ({ ...state, screen: { ...screen, scroll: scrollBy(screen.scroll, delta, state) } });
  if (key.name === 'escape') return screen.copied ? { ...state, screen: { ...screen, copied: undefined, scroll: 0 } } : { ...state, flash: undefined, screen: screen.back === 'watch' && state.watch?.phase !== 'stopped' ? { name: 'watch' } : { name: 'results' } };
  if (key.name === 'up' || (key.name === 'char' && key.char === 'k')) return scroll(-1);
  if (key.name === 'down' || (key.name === 'char' && key.char === 'j')) return scroll(1);
  if (key.name === 'pageup') return scroll(-page);
  if (key.name === 'pagedown' || (key.name === 'char' && key.char === ' ')) return scroll(page);
  if (key.name === 'home') return scroll(-state.contentLines);
  if (key.name === 'end') return scroll(state.contentLines);
  if (key.name !== 'char') return state;
  if (key.char === 'c') return addTask(state, { kind: 'copy', finding, ...(state.load.snapshot?.deployment.dir ? { dir: state.load.snapshot.deployment.dir } : {}) });
  // The finding asks for a fact it cannot settle (the tunnel's domain): a field, then the same run again with it.
  if (key.char === 'a' && finding.data?.ask === 'tunnelDomain') {
    const configured = typeof finding.data.configured === 'string' ? finding.data.configured : typeof finding.data.configuredTunnelDomain === 'string' ? finding.data.configuredTunnelDomain : '';
    return { ...state, flash: undefined, screen: { name: 'ask', ...(state.run?.symptom ? { symptom: state.run.symptom } : {}), from: screen.key, questions: [tunnelDomainQuestion(configured)], index: 0, answers: {}, draft: '' } };
  }
  const index = fixKeys(finding.fixes).indexOf(key.char);
  if (index < 0) return state;
  if (state.fixesUnavailable) return { ...state, flash: { text: state.fixesUnavailable, tone: 'info' } };
  const fix = finding.fixes[index]!;
  const fixState: FixState = { findingKey: screen.key, fix, key: key.char, phase: 'planning', typed: '', output: '', steps: [], scroll: 0, ...(screen.back ? { back: screen.back } : {}) };
  return addTask({ ...state, flash: undefined, contentLines: 0, screen: { name: 'fix', fix: fixState } }, { kind: 'plan', fixId: fix.id, ...(finding.data ? { data: finding.data } : {}) });
}

function isBusy(fix: FixState): boolean {
  return fix.phase === 'applying' || fix.phase === 'verifying';
}

function withFix(state: WizardState, patch: Partial<FixState>): WizardState {
  if (state.screen.name !== 'fix') return state;
  return { ...state, screen: { name: 'fix', fix: { ...state.screen.fix, ...patch } } };
}

function fixKey(state: WizardState, fix: FixState, key: Key): WizardState {
  // Back to the finding; when the fresh results no longer have it (the fix resolved it), to where the
  // finding would have gone back to: the Watch screen it was opened from, else the results.
  const back: WizardState = openFinding(state, fix.findingKey)
    ? { ...state, contentLines: 0, screen: { name: 'finding', key: fix.findingKey, scroll: 0, ...(fix.back ? { back: fix.back } : {}) } }
    : { ...state, contentLines: 0, screen: fix.back === 'watch' && state.watch?.phase !== 'stopped' ? { name: 'watch' } : { name: 'results' } };
  if (key.name === 'up') return withFix(state, { scroll: scrollBy(fix.scroll, -1, state) });
  if (key.name === 'down') return withFix(state, { scroll: scrollBy(fix.scroll, 1, state) });
  if (key.name === 'pageup') return withFix(state, { scroll: scrollBy(fix.scroll, -(bodyRows(state.size) - 1), state) });
  if (key.name === 'pagedown') return withFix(state, { scroll: scrollBy(fix.scroll, bodyRows(state.size) - 1, state) });
  switch (fix.phase) {
    case 'planning':
      return key.name === 'escape' ? back : state;
    case 'confirm': {
      if (key.name === 'escape') return back;
      const runnable = fix.plan && !fix.plan.nothingToDo && fix.plan.kind !== 'manual';
      if (asking(fix)) {
        if (key.name === 'enter') return submit(state, fix.typed);
        return key.name === 'char' || key.name === 'backspace' ? withFix(state, { typed: edited(fix.typed, key), problem: undefined }) : state;
      }
      if (runnable && fix.plan?.confirmWord !== undefined) {
        if (key.name === 'enter') return submit(state, fix.typed);
        return key.name === 'char' || key.name === 'backspace' ? withFix(state, { typed: edited(fix.typed, key), problem: undefined }) : state;
      }
      if (!runnable) return key.name === 'enter' ? back : state;
      if (key.name === 'char' && key.char.toLowerCase() === 'y') return apply(state, fix);
      if (key.name === 'char' && key.char.toLowerCase() === 'n') return back;
      return state;
    }
    case 'applying':
    case 'verifying':
      return state;
    case 'done':
      return key.name === 'escape' || key.name === 'enter' ? back : state;
  }
}

/** A manual plan that a typed value (the chart reference) would make runnable. */
export function asking(fix: FixState): boolean {
  return fix.phase === 'confirm' && fix.plan?.ask !== undefined && fix.plan.kind === 'manual' && !fix.plan.nothingToDo;
}

function apply(state: WizardState, fix: FixState): WizardState {
  return addTask(withFix(state, { phase: 'applying', problem: undefined }), { kind: 'apply', plan: fix.plan! });
}

/** Ctrl-C (or q) while a fix runs stops it cleanly (its steps restore what they touched); otherwise quits. */
function interrupt(state: WizardState): WizardState {
  const screen = state.screen;
  if (screen.name === 'fix' && isBusy(screen.fix)) {
    const next = { ...state, quitting: true, flash: { text: 'Stopping the fix; files it edited are put back before the wizard quits…', tone: 'info' as const } };
    return screen.fix.aborting ? next : addTask(withFix(next, { aborting: true }), { kind: 'abort' });
  }
  return quit(state);
}

// ── the reducer ────────────────────────────────────────────────────────────────────────────────────

export function reduce(state: WizardState, action: Action): WizardState {
  if (isWatchAction(action)) return watchAction(state, action, addTask, quit);
  switch (action.type) {
    case 'resize':
      return { ...state, size: action.size };
    case 'key':
      return onKey(state, action.key);
    case 'interrupt':
      return interrupt(action.exitCode === undefined ? state : { ...state, signalExit: action.exitCode });
    case 'tasks-taken':
      return { ...state, tasks: state.tasks.filter((t) => !action.ids.includes(t.id)) };
    case 'submit':
      return submit(state, action.value);
    case 'gather-event':
      return gatherEvent(state, action.event);
    case 'loaded': {
      const next: WizardState = { ...state, load: { ...state.load, status: 'ready', snapshot: action.snapshot, questions: action.questions, current: true } };
      if (next.watch && next.watch.phase !== 'stopped' && (next.watch.phase === 'waiting' || next.watch.recheck.running)) return watchLoaded(next, addTask);
      return next.run?.phase === 'gathering' && next.screen.name === 'running' ? startChecks(flushSteps(next)) : next;
    }
    case 'load-failed': {
      const next: WizardState = { ...state, load: { ...state.load, status: 'failed', error: action.message } };
      if (next.watch?.recheck.running) return watchChecked(next, addTask);
      if (next.screen.name !== 'running') return next;
      return { ...next, run: undefined, screen: { name: 'start' }, flash: { text: `Could not gather: ${action.message}`, tone: 'error' } };
    }
    case 'check-event':
      return checkEvent(state, action.event);
    case 'analyzed': {
      const next = analyzed(state, action.report, action.snapshot, action.covered);
      return state.watch?.recheck.running ? watchChecked(next, addTask) : next;
    }
    case 'analyze-failed':
      if (state.watch?.recheck.running) return watchChecked(state, addTask);
      return { ...state, run: undefined, screen: { name: 'start' }, flash: { text: `The checks could not run: ${action.message}`, tone: 'error' } };
    case 'planned': {
      if (state.screen.name !== 'fix' || state.screen.fix.phase !== 'planning') return state;
      if (!action.plan) return withFix(state, { phase: 'done', problem: action.problem ?? 'This fix does not apply to this deployment any more.' });
      return withFix(state, { phase: 'confirm', plan: action.plan });
    }
    case 'fix-output': {
      if (state.screen.name !== 'fix') return state;
      const output = (state.screen.fix.output + action.text).slice(-OUTPUT_CAP);
      return withFix(state, { output });
    }
    case 'fix-step':
      return state.screen.name === 'fix' ? withFix(state, { steps: [...state.screen.fix.steps, action.outcome] }) : state;
    case 'applied':
      return applied(state, action.outcome);
    case 'apply-failed': {
      const next = withFix({ ...state, load: { ...state.load, current: false } }, { phase: 'done', problem: action.message, aborting: false });
      return state.quitting ? quit(next) : next;
    }
    case 'verified':
      return verified(state, action.outcome, action.covered, action.report);
    case 'copied': {
      if (state.screen.name !== 'finding') return state;
      const flash = { text: `The commands are printed above this screen${action.ok ? ' and copied to the clipboard (OSC 52)' : ''}; they are also at the end below.`, tone: 'ok' as const };
      const below = state.contentLines + action.text.split('\n').length + 2;
      return { ...state, flash, contentLines: below, screen: { ...state.screen, copied: action.text, scroll: Math.max(0, state.contentLines - 2) } };
    }
    case 'content':
      return { ...state, contentLines: action.lines };
    case 'notice':
      return { ...state, flash: { text: action.text, tone: action.tone } };
  }
}

function submit(state: WizardState, value: string): WizardState {
  const screen = state.screen;
  if (screen.name === 'fix' && asking(screen.fix)) {
    const ask = screen.fix.plan!.ask!;
    const typed = value.trim();
    if (!typed) return withFix(state, { problem: 'Type the chart reference and Enter, or Esc to go back.' });
    if (typed.startsWith('-') || /\s/.test(typed)) return withFix(state, { problem: `${typed} cannot be a chart reference (no spaces, no leading dash)` });
    const finding = openFinding(state, screen.fix.findingKey);
    return addTask(withFix(state, { phase: 'planning', plan: undefined, typed: '', problem: undefined }), { kind: 'plan', fixId: screen.fix.fix.id, data: { ...(finding?.data ?? {}), [ask.key]: typed } });
  }
  if (screen.name === 'fix' && screen.fix.phase === 'confirm' && screen.fix.plan?.confirmWord !== undefined) {
    if (value.trim() === screen.fix.plan.confirmWord) return apply(state, screen.fix);
    return withFix(state, { problem: `Type ${screen.fix.plan.confirmWord} exactly to go ahead, or Esc to cancel.` });
  }
  if (screen.name !== 'ask') return state;
  const question = screen.questions[screen.index]!;
  const answer = checkAnswer(question, value);
  if ('problem' in answer) return { ...state, screen: { ...screen, problem: answer.problem } };
  const answers = answer.value === undefined ? screen.answers : { ...screen.answers, [question.fact]: answer.value };
  if (screen.index + 1 < screen.questions.length) return { ...state, screen: { ...screen, answers, index: screen.index + 1, draft: '', problem: undefined } };
  const next = { ...state, facts: { ...state.facts, ...answers } };
  // An unanswered fact (empty default) stays unknown: the checks that need it say so as skipped.
  const skipped = screen.questions.filter((q) => answers[q.fact] === undefined).map((q) => q.fact);
  const withSkips = skipped.length ? { ...next, facts: { ...next.facts, ...Object.fromEntries(skipped.map((f) => [f, ''])) } } : next;
  if (state.run?.phase === 'gathering' && state.load.status === 'ready') {
    return addTask({ ...withSkips, screen: { name: 'running' }, run: { ...state.run, phase: 'checking' } }, { kind: 'analyze', symptom: screen.symptom, facts: withSkips.facts });
  }
  return beginRun(withSkips, screen.symptom);
}

function gatherEvent(state: WizardState, e: import('../gather/events.js').GatherEvent): WizardState {
  const counts = e.total !== undefined ? { done: e.done ?? 0, total: e.total, ...(e.unit ? { unit: e.unit } : {}) } : {};
  // A group's progress moves its count in place: 600 log commands are one line, not 600.
  if (e.type === 'progress') return { ...state, load: { ...state.load, steps: state.load.steps.map((s) => (s.id === e.id ? { ...s, ...counts } : s)) } };
  const steps = e.type === 'start'
    ? [...state.load.steps.filter((s) => s.id !== e.id), { id: e.id, title: e.title, status: 'running' as const, ...counts }]
    : state.load.steps.map((s) => (s.id === e.id ? { ...s, ...counts, status: e.ok === false ? ('failed' as const) : ('ok' as const), ms: e.ms, ...(e.detail ? { detail: e.detail } : {}) } : s));
  const next = { ...state, load: { ...state.load, steps } };
  return next.screen.name === 'running' && next.run?.phase === 'gathering' && e.type === 'end' ? flushSteps(next) : next;
}

function checkEvent(state: WizardState, e: import('./state.js').CheckEventData): WizardState {
  const run = state.run;
  if (!run || run.phase !== 'checking') return state;
  if (e.phase === 'start') {
    const previous = run.checks[run.checks.length - 1];
    let next: WizardState = { ...state, run: { ...run, total: e.total, checks: [...run.checks, { id: e.id, layer: e.layer, title: e.title, status: 'running' }] } };
    if (!previous || previous.layer !== e.layer) next = addLog(next, { kind: 'heading', layer: e.layer });
    return next;
  }
  const checks = run.checks.map((c) => (c.id === e.id ? { ...c, status: e.status ?? 'ok', ms: e.ms, ...(e.reason ? { reason: e.reason } : {}) } : c));
  const done = checks.find((c) => c.id === e.id)!;
  return addLog({ ...state, run: { ...run, checks } }, { kind: 'check', check: done });
}

function applied(state: WizardState, outcome: import('../fixes/types.js').ApplyOutcome): WizardState {
  if (state.screen.name !== 'fix') return state;
  const fix = state.screen.fix;
  const changed = outcome.steps.some((s) => s.status === 'done' || s.status === 'simulated');
  const next: WizardState = { ...withFix(state, { applied: outcome, aborting: false }), load: { ...state.load, current: state.load.current && !changed } };
  if (state.quitting) return quit(withFix(next, { phase: 'done' }));
  if (!outcome.ok) return withFix(next, { phase: 'done' });
  const finding = openFinding(state, fix.findingKey);
  return addTask(withFix(next, { phase: 'verifying' }), { kind: 'verify', fixId: fix.fix.id, ...(finding?.data ? { data: finding.data } : {}) });
}

function verified(state: WizardState, outcome: import('../fixes/types.js').VerifyOutcome, covered: readonly string[] | undefined, report: Report | undefined): WizardState {
  if (state.screen.name !== 'fix') return state;
  const key = state.screen.fix.findingKey;
  let next = withFix(state, { phase: 'done', verified: outcome, aborting: false });
  // What verify gathered is the deployment as it is now: later plans start from it.
  if (outcome.snapshot) next = { ...next, load: { ...next.load, snapshot: outcome.snapshot, current: true } };
  if (report && covered) {
    // The results are re-derived from the fresh snapshot: every finding, the counts and the path, so a
    // sibling the same fix resolved is gone too, and the exit code follows what is on the screen.
    next = { ...next, report, outstanding: merge(next.outstanding, report, covered), resultsIndex: firstProblemIndex(visibleResults({ ...next, report })) };
  } else if (outcome.report && covered) {
    next = { ...next, outstanding: merge(next.outstanding, outcome.report, covered) };
  }
  if (outcome.status === 'fixed') {
    const { [key]: _gone, ...outstanding } = next.outstanding;
    next = { ...next, outstanding, fixed: next.fixed.includes(key) ? next.fixed : [...next.fixed, key] };
  }
  return state.quitting ? quit(next) : next;
}
