// The wizard: useReducer over src/wizard's pure reducer, a switch over screens, and the runner of the tasks
// the reducer asks for (gather, analyze, plan, apply, verify, copy, exit). Finished run lines go to <Static>.
import React, { Suspense, lazy, useEffect, useReducer, useRef } from 'react';
import { Box, Static, Text, useApp, useInput, useStdout } from 'ink';
import type { EventEmitter } from 'node:events';
import { initialState, openFinding, reduce } from '../wizard/reduce.js';
import { keysOf } from '../wizard/keys.js';
import { bodyRows, type Action, type InitOptions, type Task, type WizardState } from '../wizard/state.js';
import type { WizardServices } from '../wizard/services.js';
import { fixKeys } from '../wizard/fix-keys.js';
import { Footer, Header } from './Header.js';
import { P } from './paint.js';
import { StartScreen } from './screens/Start.js';
import { AskScreen } from './screens/Ask.js';
import { LogLine, RunningScreen } from './screens/Running.js';

// The screens after the checks draw the path and the findings (the report's code): loaded after the first
// frame, so that the menu is up before they are.
const loadResults = () => import('./screens/Results.js');
const loadFinding = () => import('./screens/Finding.js');
const loadFix = () => import('./screens/Fix.js');
const ResultsScreen = lazy(() => loadResults().then((m) => ({ default: m.ResultsScreen })));
const FindingScreen = lazy(() => loadFinding().then((m) => ({ default: m.FindingScreen })));
const FixScreen = lazy(() => loadFix().then((m) => ({ default: m.FixScreen })));

export interface WizardProps {
  init: InitOptions;
  services: WizardServices;
  /** Called once with the exit code, just before the app unmounts. */
  onExit: (code: number) => void;
  /** SIGINT / SIGTERM from outside the terminal's keys. */
  signals?: EventEmitter;
}

function footerKeys(state: WizardState): [string, string][] {
  const s = state.screen;
  switch (s.name) {
    case 'start':
      return [['↑↓', 'move'], ['enter', 'run'], ['1-9', 'pick'], ['q', 'quit']];
    case 'ask':
      return [['enter', 'accept'], ['esc', 'back'], ['ctrl-c', 'quit']];
    case 'running':
      return [['q', 'quit']];
    case 'results':
      return [['↑↓', 'move'], ['enter', 'open'], ['r', 'run again'], ['esc', 'menu'], ['q', 'quit']];
    case 'finding': {
      const f = openFinding(state, s.key);
      const keys = f ? fixKeys(f.fixes) : [];
      return [['↑↓', 'scroll'], ...(keys.length ? ([[keys.join(' '), 'fix'], ['c', 'copy']] as [string, string][]) : []), ['esc', 'back'], ['q', 'quit']];
    }
    case 'fix':
      switch (s.fix.phase) {
        case 'confirm':
          return s.fix.plan?.confirmWord !== undefined ? [['enter', 'confirm'], ['esc', 'cancel'], ['ctrl-c', 'quit']] : [['y', 'run'], ['n', 'cancel'], ['↑↓', 'scroll'], ['esc', 'back'], ['q', 'quit']];
        case 'applying':
        case 'verifying':
          return [['ctrl-c', 'stop (files are put back)']];
        default:
          return [['enter', 'back'], ['esc', 'back'], ['q', 'quit']];
      }
  }
}

export function Wizard({ init, services, onExit, signals }: WizardProps) {
  const [state, dispatch] = useReducer(reduce, init, initialState);
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  const started = useRef(new Set<number>());
  const abort = useRef<AbortController | undefined>(undefined);
  const latest = useRef(state);
  latest.current = state;

  useInput((input, key) => {
    for (const k of keysOf(input, key)) dispatch({ type: 'key', key: k });
  });

  useEffect(() => {
    const onResize = () => dispatch({ type: 'resize', size: { columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 } });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);

  useEffect(() => {
    if (!signals) return;
    const onSignal = () => dispatch({ type: 'interrupt' });
    signals.on('interrupt', onSignal);
    return () => void signals.off('interrupt', onSignal);
  }, [signals]);

  useEffect(() => {
    void Promise.all([loadResults(), loadFinding(), loadFix()]).catch(() => {});
  }, []);

  useEffect(() => {
    const fresh = state.tasks.filter((t) => !started.current.has(t.id));
    if (fresh.length === 0) return;
    for (const t of fresh) started.current.add(t.id);
    dispatch({ type: 'tasks-taken', ids: fresh.map((t) => t.id) });
    for (const t of fresh) runTask(t);
  }, [state.tasks]);

  function runTask(task: Task): void {
    const send = (a: Action) => dispatch(a);
    const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
    const snapshot = latest.current.load.snapshot;
    switch (task.kind) {
      case 'gather':
        services.gather((event) => send({ type: 'gather-event', event })).then(
          ({ snapshot: s, questions }) => send({ type: 'loaded', snapshot: s, questions }),
          (err) => send({ type: 'load-failed', message: message(err) }),
        );
        return;
      case 'analyze':
        if (!snapshot) return send({ type: 'analyze-failed', message: 'nothing was gathered' });
        services.analyze(snapshot, { symptom: task.symptom, facts: task.facts, onEvent: (event) => send({ type: 'check-event', event }) }).then(
          ({ snapshot: s, report, covered }) => send({ type: 'analyzed', snapshot: s, report, covered }),
          (err) => send({ type: 'analyze-failed', message: message(err) }),
        );
        return;
      case 'plan':
        if (!snapshot) return send({ type: 'planned', problem: 'nothing was gathered' });
        services.plan(task.fixId, snapshot, task.data).then(
          (plan) => send(plan ? { type: 'planned', plan } : { type: 'planned', problem: 'This fix does not apply to this deployment as it is now.' }),
          (err) => send({ type: 'planned', problem: message(err) }),
        );
        return;
      case 'apply': {
        if (!snapshot) return send({ type: 'apply-failed', message: 'nothing was gathered to apply it to' });
        abort.current = new AbortController();
        services
          .apply(task.plan, snapshot, { onOutput: (text) => send({ type: 'fix-output', text }), onStep: (outcome) => send({ type: 'fix-step', outcome }), signal: abort.current.signal })
          .then((outcome) => send({ type: 'applied', outcome }), (err) => send({ type: 'apply-failed', message: message(err) }));
        return;
      }
      case 'verify': {
        if (!snapshot) return send({ type: 'verified', outcome: { status: 'cannot-tell', detail: 'nothing was gathered to compare with' } });
        const signal = abort.current?.signal ?? new AbortController().signal;
        services.verify(task.fixId, snapshot, task.data, signal).then(
          ({ outcome, covered }) => send({ type: 'verified', outcome, covered }),
          (err) => send({ type: 'verified', outcome: { status: 'cannot-tell', detail: message(err) } }),
        );
        return;
      }
      case 'abort':
        abort.current?.abort();
        return;
      case 'copy':
        // Printed above the frame as plain text, so long lines soft-wrap and copy whole.
        services
          .copyText(task.finding, task.dir)
          .then(async (text) => {
            write(`\n${text}\n`);
            const ok = await services.copy(text).catch(() => false);
            send({ type: 'copied', text, ok });
          })
          .catch((err) => send({ type: 'notice', text: `Could not make the commands: ${message(err)}`, tone: 'error' }));
        return;
      case 'exit':
        onExit(task.code);
        exit();
        return;
    }
  }

  const full = state.screen.name === 'start' || state.screen.name === 'ask';
  const headerRows = full ? 6 : 1;
  const rows = state.screen.name === 'finding' ? bodyRows(state.size) + 2 : Math.max(4, state.size.rows - headerRows - 4);
  return (
    <>
      <Static items={state.log}>{(entry) => <LogLine key={entry.key} entry={entry} />}</Static>
      <Box flexDirection="column" width={state.size.columns}>
        {state.screen.name === 'running' ? null : <Header load={state.load} origin={state.origin} full={full} />}
        <Suspense fallback={<Text> </Text>}>
          <Screen state={state} rows={rows} dispatch={dispatch} />
        </Suspense>
        {state.flash ? (
          <P paint={state.flash.tone === 'error' ? 'red' : state.flash.tone === 'ok' ? 'green' : 'yellow'} wrap="truncate-end">
            {state.flash.text}
          </P>
        ) : null}
        {state.exitCode === undefined ? <Footer keys={footerKeys(state)} /> : null}
      </Box>
    </>
  );
}

function Screen({ state, rows, dispatch }: { state: WizardState; rows: number; dispatch: (a: Action) => void }) {
  const s = state.screen;
  switch (s.name) {
    case 'start':
      return <StartScreen state={state} rows={rows} />;
    case 'ask':
      return <AskScreen screen={s} />;
    case 'running':
      return <RunningScreen state={state} />;
    case 'results':
      return <ResultsScreen state={state} rows={rows} />;
    case 'finding': {
      const finding = openFinding(state, s.key);
      return finding ? <FindingScreen state={state} screen={s} finding={finding} rows={rows} onContent={(lines) => dispatch({ type: 'content', lines })} /> : null;
    }
    case 'fix':
      return <FixScreen state={state} fix={s.fix} rows={rows} onContent={(lines) => dispatch({ type: 'content', lines })} />;
  }
}
