// The wizard's reducer on its own: no Ink, no rendering. Reports come from the real checks on small snapshots.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import type { Finding, Report } from '../../src/analyze/types.js';
import { initialState, reduce, exitCodeOf } from '../../src/wizard/reduce.js';
import { keysOf } from '../../src/wizard/keys.js';
import { MENU } from '../../src/wizard/menu.js';
import { questionsBySymptom } from '../../src/wizard/facts.js';
import { BUNDLE_NO_FIXES, findingKey, type Action, type Key, type Task, type WizardState } from '../../src/wizard/state.js';
import type { Plan } from '../../src/fixes/types.js';
import { coveredIds } from '../../src/ui/services.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';

const SIZE = { columns: 100, rows: 30 };
const key = (k: Key): Action => ({ type: 'key', key: k });
const ch = (c: string): Action => key({ name: 'char', char: c });
const ENTER = key({ name: 'enter' });
const DOWN = key({ name: 'down' });
const UP = key({ name: 'up' });
const ESC = key({ name: 'escape' });
const BACKSPACE = key({ name: 'backspace' });
/** Typing, one key per character, as fast as the keys come. */
const type = (text: string): Action[] => [...text].map(ch);

function run(state: WizardState, ...actions: Action[]): WizardState {
  return actions.reduce(reduce, state);
}

/** Takes the pending tasks off the state, as the UI does, and returns them. */
function take(state: WizardState): { state: WizardState; tasks: Task[] } {
  return { state: reduce(state, { type: 'tasks-taken', ids: state.tasks.map((t) => t.id) }), tasks: state.tasks };
}

const broken = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\nupstream:\n  allowed_ips: [0.0.0.0/0]\n') } });
const noDomain = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': 'listen_addr: ":8080"\nroutes:\n  mcp: http://10.0.0.5:8080\n' } });


function loaded(s = broken, over: Partial<Parameters<typeof initialState>[0]> = {}): WizardState {
  const start = take(initialState({ origin: 'live', size: SIZE, ...over })).state;
  return reduce(start, { type: 'loaded', snapshot: s, questions: questionsBySymptom(s) });
}

/** Runs every check through the reducer (menu -> running -> results) with the real analysis. */
function analyzed(s = broken): { state: WizardState; report: Report } {
  let state = run(loaded(s), ENTER);
  const { tasks, state: taken } = take(state);
  expect(tasks).toEqual([expect.objectContaining({ kind: 'analyze', facts: {} })]);
  const report = analyze(s);
  state = reduce(taken, { type: 'analyzed', snapshot: s, report, covered: coveredIds(report) });
  return { state, report };
}

describe('wizard reducer: start and menu', () => {
  it('starts on the menu and asks for a gather at once (the menu does not wait for it)', () => {
    const s = initialState({ origin: 'live', size: SIZE });
    expect(s.screen).toEqual({ name: 'start' });
    expect(s.tasks).toEqual([{ id: 1, kind: 'gather' }]);
    expect(MENU[0]!.label).toBe('Run every check (recommended)');
    expect(MENU.length).toBeGreaterThan(10);
  });

  it('moves with arrows and j/k, wraps, and a digit picks that item', () => {
    const s = loaded();
    expect(run(s, DOWN, DOWN).menuIndex).toBe(2);
    expect(run(s, UP).menuIndex).toBe(MENU.length - 1);
    expect(run(s, ch('j'), ch('j'), ch('k')).menuIndex).toBe(1);
    const picked = run(s, ch('6'));
    expect(picked.menuIndex).toBe(5);
    expect(picked.run?.symptom).toBe(MENU[5]!.value);
  });

  it('takes a burst of keys in order: Down Enter in one chunk runs the second item, not the first', () => {
    const burst = [...keysOf('\u001b[B', { downArrow: true }), ...keysOf('\r', { return: true })];
    const s = run(loaded(), ...burst.map(key));
    expect(s.screen.name).not.toBe('start');
    expect(s.screen.name === 'ask' ? s.screen.symptom : s.run?.symptom).toBe(MENU[1]!.value);
    // A paste of `jjj` is three moves.
    expect(keysOf('jjj', {})).toHaveLength(3);
    expect(run(loaded(), ...keysOf('jjj', {}).map(key)).menuIndex).toBe(3);
    // Ink hands a run of quick backspaces (or a word then backspace) over as one plain string.
    expect(keysOf('\u007f\u007f', {})).toEqual([{ name: 'backspace' }, { name: 'backspace' }]);
    expect(keysOf('ab\b', {})).toEqual([{ name: 'char', char: 'a' }, { name: 'char', char: 'b' }, { name: 'backspace' }]);
  });

  it('runs every check when chosen before the gather finished, logging gather steps, then checks by layer', () => {
    let s = take(initialState({ origin: 'live', size: SIZE })).state;
    s = run(s, { type: 'gather-event', event: { type: 'start', id: 'files', title: 'deployment files' } }, { type: 'gather-event', event: { type: 'end', id: 'files', title: 'deployment files', ok: true, ms: 3 } });
    s = run(s, { type: 'gather-event', event: { type: 'start', id: 'ps', title: 'docker compose ps' } }, ENTER);
    expect(s.screen.name).toBe('running');
    expect(s.run?.phase).toBe('gathering');
    expect(s.tasks).toEqual([]);
    expect(s.log.map((e) => e.kind)).toEqual(['title', 'step']);
    s = run(s, { type: 'gather-event', event: { type: 'end', id: 'ps', title: 'docker compose ps', ok: false, ms: 9, detail: 'daemon down' } });
    expect(s.log.at(-1)).toMatchObject({ kind: 'step', step: { id: 'ps', status: 'failed', detail: 'daemon down' } });
    s = reduce(s, { type: 'loaded', snapshot: broken, questions: {} });
    expect(s.run?.phase).toBe('checking');
    expect(s.tasks.map((t) => t.kind)).toEqual(['analyze']);
    const ev = (phase: 'start' | 'end', id: string, layer: 'edge' | 'routing'): Action => ({ type: 'check-event', event: { phase, id, layer, title: id, index: 0, total: 3, ...(phase === 'end' ? { status: 'ok', ms: 1 } : {}) } });
    s = run(s, ev('start', 'a', 'edge'), ev('end', 'a', 'edge'), ev('start', 'b', 'routing'), ev('end', 'b', 'routing'), ev('start', 'c', 'routing'));
    expect(s.log.slice(3).map((e) => (e.kind === 'heading' ? `# ${e.layer}` : e.kind === 'check' ? e.check.id : e.kind))).toEqual(['# edge', 'a', '# routing', 'b']);
    expect(s.run?.checks.map((c) => c.status)).toEqual(['ok', 'ok', 'running']);
    // The log only grows (the UI prints it once, in <Static>).
    const before = s.log;
    s = run(s, ev('end', 'c', 'routing'));
    expect(s.log.slice(0, before.length)).toEqual(before);
  });
});

describe('wizard reducer: facts a symptom needs', () => {
  const noRoute = MENU.findIndex((m) => m.value === 'no-route');

  it('asks for a missing tunnel domain with the config value as the default, and runs with the answer', () => {
    let s = run(loaded(noDomain), ch(String(noRoute + 1)));
    expect(s.screen).toMatchObject({ name: 'ask', symptom: 'no-route' });
    if (s.screen.name !== 'ask') throw new Error('not asking');
    expect(s.screen.questions.map((q) => q.fact)).toEqual(['tunnelDomain']);
    // q is text here, not quit.
    s = run(s, ch('q'));
    expect(s.exitCode).toBeUndefined();
    s = run(s, BACKSPACE, ...type('not a domain'), ENTER);
    expect(s.screen).toMatchObject({ name: 'ask', problem: expect.stringMatching(/not a domain name/) });
    s = run(s, ...Array.from({ length: 12 }, () => BACKSPACE), ...type('EFGH5678.tunnel.anthropic.com.'), ENTER);
    expect(s.facts).toEqual({ tunnelDomain: 'efgh5678.tunnel.anthropic.com' });
    expect(s.screen.name).toBe('running');
    expect(s.tasks.at(-1)).toMatchObject({ kind: 'analyze', symptom: 'no-route', facts: { tunnelDomain: 'efgh5678.tunnel.anthropic.com' } });
    // Answered once: the next run of it does not ask again.
    const again = run(reduce(s, { type: 'analyzed', snapshot: noDomain, report: analyze(noDomain, { symptom: 'no-route' }), covered: [] }), ESC, ch(String(noRoute + 1)));
    expect(again.screen.name).toBe('running');
  });

  it('does not ask for what the tool found, and Esc on a question goes back to the menu', () => {
    const found = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'data/tunnel-domain': 'abcd1234.tunnel.anthropic.com\n' } });
    expect(found.tunnelDomain?.value).toBe('abcd1234.tunnel.anthropic.com');
    expect(run(loaded(found), ch(String(noRoute + 1))).screen.name).toBe('running');
    const s = run(loaded(noDomain), ch(String(noRoute + 1)), ESC);
    expect(s.screen).toEqual({ name: 'start' });
  });

  it('Enter on an empty answer takes the default; an empty default skips the fact (and never asks again)', () => {
    const q = questionsBySymptom(noDomain)['no-route']![0]!;
    const withDefault = run(loaded(noDomain), ch(String(noRoute + 1)), ENTER);
    expect(withDefault.facts.tunnelDomain).toBe(q.default || '');
    const bare = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE } });
    const skipped = run(loaded(bare), ch(String(noRoute + 1)), ENTER);
    expect(skipped.facts).toEqual({ tunnelDomain: '' });
    expect(skipped.screen.name).toBe('running');
  });
});

describe('wizard reducer: findings and fixes', () => {
  const plan: Plan = {
    fixId: 'routes-to-map', title: 'Rewrite routes', kind: 'edit',
    steps: [{ kind: 'edit', path: 'config/mcp-proxy.yaml', before: 'a', after: 'b', diff: '-a\n+b' }, { kind: 'command', argv: ['docker', 'compose', 'restart', 'mcp-proxy'] }],
  };

  function openFirstError(state: WizardState): { state: WizardState; finding: Finding } {
    const list = state.report!.findings;
    const index = list.findIndex((f) => f.severity === 'error' && f.fixes.length);
    let s = state;
    for (let i = 0; i < index; i++) s = reduce(s, DOWN);
    s = reduce(s, ENTER);
    return { state: s, finding: list[index]! };
  }

  it('lists findings by layer then severity, opens one with Enter and goes back with Esc', () => {
    const { state, report } = analyzed();
    expect(state.screen).toEqual({ name: 'results' });
    expect(report.findings.length).toBeGreaterThan(1);
    const { state: open, finding } = openFirstError(state);
    expect(open.screen).toMatchObject({ name: 'finding', key: findingKey(finding) });
    expect(run(open, ESC).screen).toEqual({ name: 'results' });
    expect(run(open, ESC, ESC).screen).toEqual({ name: 'start' });
  });

  it('a fix key plans, y applies, then it verifies; fixed clears the error and quitting exits 0', () => {
    const { state } = analyzed();
    expect(exitCodeOf(state)).toBe(1);
    const { state: open, finding } = openFirstError(state);
    let s = take(run(open, ch('f'))).state;
    expect(s.screen).toMatchObject({ name: 'fix', fix: { phase: 'planning', key: 'f' } });
    s = reduce(s, { type: 'planned', plan });
    expect(s.screen).toMatchObject({ name: 'fix', fix: { phase: 'confirm' } });
    s = run(s, ch('y'));
    expect(s.tasks.map((t) => t.kind)).toEqual(['apply']);
    s = take(s).state;
    s = run(s, { type: 'fix-output', text: 'Restarting mcp-proxy ... done\n' }, { type: 'fix-step', outcome: { step: plan.steps[0]!, status: 'done' } });
    s = reduce(s, { type: 'applied', outcome: { ok: true, steps: [{ step: plan.steps[0]!, status: 'done' }], restored: [], message: 'applied' } });
    expect(s.load.current).toBe(false);
    expect(s.tasks).toEqual([expect.objectContaining({ kind: 'verify', fixId: finding.fixes[0]!.id })]);
    s = take(s).state;
    s = reduce(s, { type: 'verified', outcome: { status: 'fixed', detail: 'gone' } });
    expect(s.screen).toMatchObject({ name: 'fix', fix: { phase: 'done', verified: { status: 'fixed' } } });
    expect(s.fixed).toEqual([findingKey(finding)]);
    expect(s.outstanding[findingKey(finding)]).toBeUndefined();
    s = run(s, ENTER);
    expect(s.screen).toMatchObject({ name: 'finding' });
    // Other errors may remain (runtime, other layers): the exit code says so either way.
    const remaining = Object.keys(s.outstanding).length;
    s = run(s, ch('q'));
    expect(s.exitCode).toBe(remaining ? 1 : 0);
    expect(s.tasks.at(-1)).toEqual(expect.objectContaining({ kind: 'exit', code: remaining ? 1 : 0 }));
  });

  it('not fixed keeps the error: quit exits 1; n or Esc at the prompt runs nothing', () => {
    const { state } = analyzed();
    const { state: open } = openFirstError(state);
    const planned = reduce(take(run(open, ch('f'))).state, { type: 'planned', plan });
    expect(run(planned, ch('n')).screen.name).toBe('finding');
    expect(run(planned, ESC).tasks).toEqual([]);
    let s = take(run(planned, ch('y'))).state;
    s = reduce(s, { type: 'applied', outcome: { ok: true, steps: [], restored: [], message: 'applied' } });
    s = reduce(take(s).state, { type: 'verified', outcome: { status: 'not-fixed', detail: 'still there' } });
    expect(exitCodeOf(s)).toBe(1);
    expect(run(s, ch('q')).exitCode).toBe(1);
  });

  it('a destructive plan wants its word typed; a wrong word is refused', () => {
    const { state } = analyzed();
    const { state: open } = openFirstError(state);
    const destructive: Plan = { fixId: 'helm-cleanup', title: 'Clean up', kind: 'command', confirmWord: 'mcp-tunnel', steps: [{ kind: 'command', argv: ['helm', 'uninstall', 'mcp-tunnel'], destructive: true }] };
    let s = reduce(take(run(open, ch('f'))).state, { type: 'planned', plan: destructive });
    s = run(s, ch('y'), ch('q'));
    expect(s.tasks).toEqual([]);
    expect(s.exitCode).toBeUndefined();
    // y and q were typed into the field: they are text, not answers.
    expect(s.screen).toMatchObject({ fix: { typed: 'yq' } });
    s = run(s, BACKSPACE, BACKSPACE, ...type('mcp-tunne'), ENTER);
    expect(s.screen).toMatchObject({ fix: { phase: 'confirm', problem: expect.stringMatching(/Type mcp-tunnel exactly/) } });
    s = run(s, ...type('l'), ENTER);
    expect(s.tasks.map((t) => t.kind)).toEqual(['apply']);
  });

  it('a manual plan that lacks the chart asks for it; a typed reference plans again with it in the data', () => {
    const { state } = analyzed();
    const { state: open, finding } = openFirstError(state);
    const manualUpgrade: Plan = {
      fixId: 'helm-upgrade', title: 'Roll the proxy', kind: 'manual', steps: [{ kind: 'manual', text: 'helm needs the chart' }],
      ask: { key: 'chart', question: 'The chart the release was installed from', hint: 'repo/mcp-tunnel' },
    };
    let s = reduce(take(run(open, ch('f'))).state, { type: 'planned', plan: manualUpgrade });
    // q and y are text in the field, not quit or yes.
    s = run(s, ...type('qy'), BACKSPACE, BACKSPACE);
    expect(s.exitCode).toBeUndefined();
    expect(s.tasks).toEqual([]);
    s = run(s, ENTER);
    expect(s.screen).toMatchObject({ fix: { phase: 'confirm', problem: 'Type the chart reference and Enter, or Esc to go back.' } });
    s = run(s, ...type('--set x'), ENTER);
    expect(s.screen).toMatchObject({ fix: { problem: '--set x cannot be a chart reference (no spaces, no leading dash)' } });
    for (let i = 0; i < '--set x'.length; i++) s = run(s, BACKSPACE);
    s = run(s, ...type('anthropic/mcp-tunnel'), ENTER);
    expect(s.screen).toMatchObject({ fix: { phase: 'planning', typed: '' } });
    expect(s.tasks).toEqual([expect.objectContaining({ kind: 'plan', fixId: finding.fixes[0]!.id, data: { ...(finding.data ?? {}), chart: 'anthropic/mcp-tunnel' } })]);
    expect(run(reduce(take(s).state, { type: 'planned', plan: manualUpgrade }), ESC).screen.name).toBe('finding');
  });

  it('Ctrl-C while a fix runs stops it (abort) and quits only once it has stopped', () => {
    const { state } = analyzed();
    const { state: open } = openFirstError(state);
    let s = take(run(reduce(take(run(open, ch('f'))).state, { type: 'planned', plan }), ch('y'))).state;
    s = run(s, key({ name: 'ctrl-c' }));
    expect(s.tasks.map((t) => t.kind)).toEqual(['abort']);
    expect(s.exitCode).toBeUndefined();
    s = take(run(s, key({ name: 'ctrl-c' }), ch('q'))).state;
    expect(s.tasks).toEqual([]);
    s = reduce(s, { type: 'applied', outcome: { ok: false, steps: [{ step: plan.steps[0]!, status: 'failed', error: 'aborted' }], restored: ['config/mcp-proxy.yaml'], message: 'stopped; config/mcp-proxy.yaml put back' } });
    expect(s.exitCode).toBe(1);
    expect(s.tasks.at(-1)).toMatchObject({ kind: 'exit', code: 1 });
  });

  it('a fatal signal (SIGTERM, SIGHUP) takes the Ctrl-C path and then exits 128+n', () => {
    const { state } = analyzed();
    const { state: open } = openFirstError(state);
    let s = take(run(reduce(take(run(open, ch('f'))).state, { type: 'planned', plan }), ch('y'))).state;
    s = reduce(s, { type: 'interrupt', exitCode: 143 });
    expect(s.tasks.map((t) => t.kind)).toEqual(['abort']);
    expect(s.exitCode).toBeUndefined();
    s = reduce(take(s).state, { type: 'applied', outcome: { ok: false, steps: [{ step: plan.steps[0]!, status: 'failed', error: 'cancelled' }], restored: ['config/mcp-proxy.yaml'], message: 'cancelled at step 1; put config/mcp-proxy.yaml back' } });
    expect(s.exitCode).toBe(143);
    expect(s.tasks.at(-1)).toMatchObject({ kind: 'exit', code: 143 });
    expect(reduce(analyzed().state, { type: 'interrupt', exitCode: 129 }).exitCode).toBe(129);
  });

  it('on a bundle a fix key says why fixes cannot run, and plans nothing', () => {
    const base = take(initialState({ origin: 'bundle', size: SIZE })).state;
    let s = reduce(base, { type: 'loaded', snapshot: broken, questions: {} });
    s = take(run(s, ENTER)).state;
    const report = analyze(broken);
    s = reduce(s, { type: 'analyzed', snapshot: broken, report, covered: [] });
    const index = report.findings.findIndex((f) => f.fixes.length);
    for (let i = 0; i < index; i++) s = reduce(s, DOWN);
    s = run(s, ENTER, ch('f'));
    expect(s.flash?.text).toBe(BUNDLE_NO_FIXES);
    expect(s.tasks).toEqual([]);
    expect(s.screen.name).toBe('finding');
  });

  it('(c) asks for the copy text and shows it once it comes', () => {
    const { state } = analyzed();
    const { state: open, finding } = openFirstError(state);
    const s = run(open, ch('c'));
    expect(s.tasks.at(-1)).toMatchObject({ kind: 'copy', finding: { id: finding.id } });
    const shown = reduce(take(s).state, { type: 'copied', text: '# script\ndocker compose restart mcp-proxy\n', ok: true });
    expect(shown.screen).toMatchObject({ name: 'finding', copied: expect.stringContaining('docker compose restart') });
    expect(shown.flash?.text).toMatch(/clipboard/);
  });
});

describe('wizard reducer: the exit code and what a later run replaces', () => {
  it('exits 0 when nothing ran, 2 when nothing could be gathered, 1 with an error finding', () => {
    expect(run(loaded(), ch('q')).exitCode).toBe(0);
    const failed = reduce(take(initialState({ origin: 'live', size: SIZE })).state, { type: 'load-failed', message: 'bundle is empty' });
    expect(run(failed, ch('q')).exitCode).toBe(2);
    expect(run(analyzed().state, key({ name: 'ctrl-c' })).exitCode).toBe(1);
  });

  it('a symptom run that covers an error and no longer finds it clears it; others stay', () => {
    const { state } = analyzed();
    const keys = Object.keys(state.outstanding);
    expect(keys.length).toBeGreaterThan(0);
    const [first] = Object.values(state.outstanding);
    const empty: Report = { ...analyze(broken), findings: [], summary: { error: 0, warning: 0, info: 0, ok: 0 } };
    const s = reduce(take(run(state, ESC, ENTER)).state, { type: 'analyzed', snapshot: broken, report: empty, covered: [first!.id] });
    expect(Object.values(s.outstanding).some((f) => f.id === first!.id)).toBe(false);
    expect(Object.keys(s.outstanding).length).toBe(keys.filter((k) => !k.startsWith(`${first!.id}\u0000`)).length);
  });

  it('after a fix changed something, the next run gathers again before checking', () => {
    const { state } = analyzed();
    const stale = { ...state, load: { ...state.load, current: false } };
    const s = run(stale, ESC, ENTER);
    expect(s.tasks.map((t) => t.kind)).toEqual(['gather']);
    expect(s.run?.phase).toBe('gathering');
    const next = reduce(take(s).state, { type: 'loaded', snapshot: broken, questions: {} });
    expect(next.tasks.map((t) => t.kind)).toEqual(['analyze']);
  });
});
