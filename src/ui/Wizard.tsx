// The wizard: useReducer over src/wizard's pure reducer, a switch over screens, and the runner of the tasks
// the reducer asks for (gather, analyze, plan, apply, verify, copy, exit). Finished run lines go to <Static>.
import React, { Suspense, lazy, useEffect, useReducer, useRef } from 'react';
import { Box, Static, Text, useApp, useInput, useStdout } from 'ink';
import type { EventEmitter } from 'node:events';
import { initialState, openFinding, reduce } from '../wizard/reduce.js';
import { keysOf } from '../wizard/keys.js';
import { bodyRows, type Action, type InitOptions, type Task, type WizardState } from '../wizard/state.js';
import type { WizardServices } from '../wizard/services.js';
import { footerKeys, helpKeys } from '../wizard/screen-keys.js';
import type { WatchSession } from '../watch/types.js';
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
const loadWatch = () => import('./screens/Watch.js');
const ResultsScreen = lazy(() => loadResults().then((m) => ({ default: m.ResultsScreen })));
const FindingScreen = lazy(() => loadFinding().then((m) => ({ default: m.FindingScreen })));
const FixScreen = lazy(() => loadFix().then((m) => ({ default: m.FixScreen })));
const WatchScreen = lazy(() => loadWatch().then((m) => ({ default: m.WatchScreen })));

export interface WizardProps {
  init: InitOptions;
  services: WizardServices;
  /** Called once with the exit code, just before the app unmounts. */
  onExit: (code: number) => void;
  /** SIGINT / SIGTERM from outside the terminal's keys. */
  signals?: EventEmitter;
}

export function Wizard({ init, services, onExit, signals }: WizardProps) {
  const [state, dispatch] = useReducer(reduce, init, initialState);
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  const started = useRef(new Set<number>());
  const abort = useRef<AbortController | undefined>(undefined);
  const watching = useRef<WatchSession | undefined>(undefined);
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
    const onSignal = (exitCode?: number) => dispatch({ type: 'interrupt', ...(exitCode === undefined ? {} : { exitCode }) });
    signals.on('interrupt', onSignal);
    return () => void signals.off('interrupt', onSignal);
  }, [signals]);

  useEffect(() => {
    void Promise.all([loadResults(), loadFinding(), loadFix(), loadWatch()]).catch(() => {});
  }, []);

  // watch --for: leave by itself once the time is up (counted from when following began).
  const forMs = state.watch?.phase === 'on' ? state.watch.forMs : undefined;
  useEffect(() => {
    if (forMs === undefined) return;
    const timer = setTimeout(() => dispatch({ type: 'watch-expired' }), forMs);
    return () => clearTimeout(timer);
  }, [forMs]);

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
          ({ outcome, covered, report }) => send({ type: 'verified', outcome, covered, ...(report ? { report } : {}) }),
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
      case 'exit': {
        // Every follower is stopped before the wizard leaves.
        const stopping = watching.current?.stop() ?? Promise.resolve();
        watching.current = undefined;
        void stopping.catch(() => {}).then(() => {
          onExit(task.code);
          exit();
        });
        return;
      }
      case 'watch-start': {
        if (!snapshot) return send({ type: 'watch-failed', message: 'nothing was gathered to follow' });
        void watching.current?.stop();
        services
          .watch(snapshot, {
            events: (events) => send({ type: 'watch-events', events, at: Date.now() }),
            metrics: (sample) => send({ type: 'watch-metrics', sample }),
            metricsUnavailable: (why) => send({ type: 'watch-metrics-unavailable', why }),
            note: (text) => send({ type: 'watch-note', text }),
            followers: (followers) => send({ type: 'watch-followers', followers }),
          })
          .then(
            (handle) => {
              // Left (or quit) while it started: stop it at once.
              if (latest.current.watch?.phase === 'stopped' || latest.current.exitCode !== undefined) return void handle.stop();
              watching.current = handle;
              send({ type: 'watch-started', since: handle.since, followers: handle.followers(), target: handle.target });
              void handle.ended.then((reason) => watching.current === handle && send({ type: 'watch-ended', reason }));
            },
            (err) => send({ type: 'watch-failed', message: message(err) }),
          );
        return;
      }
      case 'watch-stop': {
        const handle = watching.current;
        watching.current = undefined;
        void handle?.stop();
        return;
      }
    }
  }

  const full = (state.screen.name === 'start' || state.screen.name === 'ask') && !state.help;
  const headerRows = full ? 6 : 1;
  const rows = state.screen.name === 'finding' ? bodyRows(state.size) + 2 : Math.max(4, state.size.rows - headerRows - 4);
  return (
    <>
      <Static items={state.log}>{(entry) => <LogLine key={entry.key} entry={entry} />}</Static>
      <Box flexDirection="column" width={state.size.columns}>
        {state.screen.name === 'running' ? null : <Header load={state.load} origin={state.origin} full={full} />}
        <Suspense fallback={<Text> </Text>}>
          {state.help ? <HelpScreen keys={helpKeys(state)} /> : <Screen state={state} rows={rows} dispatch={dispatch} />}
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
    case 'watch':
      return <WatchScreen state={state} rows={rows} />;
  }
}

/** `?`: every key of the screen on show. */
function HelpScreen({ keys }: { keys: ReturnType<typeof helpKeys> }) {
  const width = Math.max(...keys.map((k) => k.keys.length)) + 3;
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <P bold>Keys on this screen</P>
      {keys.map((k, i) => (
        <Text key={i} wrap="truncate-end">
          {'  '}
          <P paint="cyan">{k.keys.padEnd(width)}</P>
          {k.what}
        </Text>
      ))}
      <P paint="dim">  any key closes this</P>
    </Box>
  );
}
