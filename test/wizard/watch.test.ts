// The wizard's Watch screen, the `/` filter and the `?` keys, through the reducer alone (no Ink): reports
// from the real checks, events from the real classifier.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { initialState, reduce, exitCodeOf } from '../../src/wizard/reduce.js';
import { MENU, WATCH } from '../../src/wizard/menu.js';
import { questionsBySymptom } from '../../src/wizard/facts.js';
import { footerKeys, helpKeys } from '../../src/wizard/screen-keys.js';
import { visibleResults } from '../../src/wizard/filter.js';
import { selectedEvent } from '../../src/wizard/watch.js';
import type { Action, Key, Task, WizardState } from '../../src/wizard/state.js';
import { coveredIds } from '../../src/ui/services.js';
import { LineFeed } from '../../src/gather/watch-session.js';
import type { WatchEvent } from '../../src/watch/types.js';
import type { LogSource } from '../../src/snapshot/types.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';

const SIZE = { columns: 100, rows: 30 };
const key = (k: Key): Action => ({ type: 'key', key: k });
const ch = (c: string): Action => key({ name: 'char', char: c });
const ENTER = key({ name: 'enter' });
const ESC = key({ name: 'escape' });
const UP = key({ name: 'up' });
const BACKSPACE = key({ name: 'backspace' });
const run = (state: WizardState, ...actions: Action[]) => actions.reduce(reduce, state);
const take = (state: WizardState): { state: WizardState; tasks: Task[] } => ({ state: reduce(state, { type: 'tasks-taken', ids: state.tasks.map((t) => t.id) }), tasks: state.tasks });

const DOMAIN = 'abcd1234.tunnel.anthropic.com';
// cloudflared without --url (no ingress) and a key the proxy cannot read: findings with fixes.
const snapshot = snapshotOf({
  files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE.replace(' --url http://localhost:8080', ''), 'config/mcp-proxy.yaml': proxyConfig('routes:\n  wiki: http://10.0.0.5:8080\n') },
  logs: { cloudflared: '2026-12-04T01:00:00Z WRN No ingress rules were defined in provided config (if any) nor from the cli, cloudflared will return 503 for all incoming HTTP requests\n' },
});

function eventsOf(line: string, source: LogSource): WatchEvent[] {
  const out: WatchEvent[] = [];
  const feed = new LineFeed(snapshot, (e) => out.push(...e));
  feed.push(source, source, Buffer.from(`${line}\n`));
  feed.end();
  return out;
}
const noIngress = () => eventsOf('2026-12-04T01:16:52Z WRN No ingress rules were defined in provided config (if any) nor from the cli, cloudflared will return 503 for all incoming HTTP requests', 'cloudflared');
const noRoute = () => eventsOf('time=2026-12-04T01:16:53Z level=WARN msg="no route for host" host=x.example.com', 'mcp-proxy');
const routed = () => eventsOf(`time=2026-12-04T01:16:54Z level=INFO msg="proxied request" host=wiki.${DOMAIN} route=wiki upstream=http://10.0.0.5:8080 status=200`, 'mcp-proxy');

function loaded(): WizardState {
  const start = take(initialState({ origin: 'live', size: SIZE })).state;
  return reduce(start, { type: 'loaded', snapshot, questions: questionsBySymptom(snapshot) });
}

function withReport(state: WizardState): WizardState {
  const report = analyze(snapshot);
  return reduce(state, { type: 'analyzed', snapshot, report, covered: coveredIds(report) });
}

describe('wizard: Watch live', () => {
  it('is on the menu and behind w; opening it starts the followers and checks in the background, on the same screen', () => {
    expect(MENU.at(-1)).toMatchObject({ value: WATCH, label: expect.stringMatching(/^\(w\) Watch live/) });
    let s = run(loaded(), ch('w'));
    expect(s.screen).toEqual({ name: 'watch' });
    expect(s.watch?.phase).toBe('starting');
    const { state, tasks } = take(s);
    expect(tasks.map((t) => t.kind)).toEqual(['watch-start', 'analyze']);
    s = withReport(state);
    expect(s.screen).toEqual({ name: 'watch' });
    expect(s.report?.findings.some((f) => f.id === 'edge.no-ingress')).toBe(true);
    expect(s.watch?.recheck.running).toBe(false);
    // The menu item does the same.
    expect(run(loaded(), ...Array.from({ length: MENU.length - 1 }, () => key({ name: 'down' })), ENTER).screen).toEqual({ name: 'watch' });
  });

  it('opened before the deployment is gathered: waits, then starts', () => {
    let s = take(initialState({ origin: 'live', size: SIZE, watch: {} })).state;
    expect(s.screen).toEqual({ name: 'watch' });
    expect(s.watch?.phase).toBe('waiting');
    s = reduce(s, { type: 'loaded', snapshot, questions: {} });
    expect(s.tasks.map((t) => t.kind)).toEqual(['watch-start', 'analyze']);
  });

  it('events fill the timeline; the newest event with a finding is picked, its fix key runs the same plan / confirm / verify path, and back returns to watching', () => {
    let s = take(withReport(run(loaded(), ch('w')))).state;
    s = run(s, { type: 'watch-started', since: '2026-12-04T01:16:50Z', followers: [{ id: 'cloudflared', argv: ['docker', 'logs'], source: 'cloudflared', pid: 42 }], target: { kind: 'none', why: 'test' } });
    s = run(s, { type: 'watch-events', events: [...routed(), ...noIngress()], at: 1_000 });
    expect(s.watch?.live.events).toHaveLength(2);
    expect(selectedEvent(s)?.finding).toBe('edge.no-ingress');
    expect(footerKeys(s).map(([k]) => k)).toContain('f');
    s = take(run(s, ch('f'))).state;
    expect(s.screen).toMatchObject({ name: 'fix', fix: { back: 'watch', fix: { id: 'cloudflared-ingress' } } });
    // Esc on the plan goes to the finding, Esc there back to the Watch screen (still following).
    s = run(s, ESC);
    expect(s.screen).toMatchObject({ name: 'finding', back: 'watch' });
    s = run(s, ESC);
    expect(s.screen).toEqual({ name: 'watch' });
    // ↑ picks an older event: a routed request has no finding, so no fix keys.
    s = run(s, UP);
    expect(selectedEvent(s)?.signature).toBe('proxy.request-routed');
    expect(run(s, ch('f')).screen).toEqual({ name: 'watch' });
  });

  it('a finding first seen live is checked again in the background (at most every 10 s) so that its fix is there', () => {
    let s = take(withReport(run(loaded(), ch('w')))).state;
    s = run(s, { type: 'watch-started', since: 't', followers: [], target: { kind: 'none', why: 'test' } });
    s = run(s, { type: 'watch-events', events: noRoute(), at: 20_000 });
    let t = take(s);
    expect(t.tasks.map((x) => x.kind)).toEqual(['gather']);
    expect(t.state.screen).toEqual({ name: 'watch' });
    // Another while it runs: one more after it, not one per line.
    s = run(t.state, { type: 'watch-events', events: noRoute(), at: 21_000 });
    expect(s.tasks).toEqual([]);
    s = reduce(s, { type: 'loaded', snapshot, questions: {} });
    t = take(s);
    expect(t.tasks.map((x) => x.kind)).toEqual(['analyze']);
    s = withReport(t.state);
    expect(s.screen).toEqual({ name: 'watch' });
    expect(take(s).tasks.map((x) => x.kind)).toEqual(['gather']);
  });

  it('Esc stops following and goes to the results; q quits with 1 after an error event', () => {
    let s = take(withReport(run(loaded(), ch('w')))).state;
    s = run(s, { type: 'watch-started', since: 't', followers: [], target: { kind: 'none', why: 'test' } }, { type: 'watch-events', events: noIngress(), at: 0 });
    const left = take(run(s, ESC));
    expect(left.tasks.map((x) => x.kind)).toContain('watch-stop');
    expect(left.state.screen).toEqual({ name: 'results' });
    // Events that arrive after it stopped change nothing.
    expect(run(left.state, { type: 'watch-events', events: routed(), at: 0 }).watch?.live.events).toHaveLength(1);
    const quit = run(s, ch('q'));
    expect(quit.tasks.at(-1)).toMatchObject({ kind: 'exit', code: 1 });
    expect(exitCodeOf(run(take(run(loaded(), ch('w'))).state, { type: 'watch-started', since: 't', followers: [], target: { kind: 'none', why: 'x' } }, { type: 'watch-events', events: routed(), at: 0 }))).toBe(0);
  });

  it('watch --for: the time running out quits', () => {
    const s = take(initialState({ origin: 'live', size: SIZE, watch: { forMs: 5_000 } })).state;
    expect(s.watch?.forMs).toBe(5_000);
    expect(reduce(s, { type: 'watch-expired' }).tasks.at(-1)).toMatchObject({ kind: 'exit' });
  });
});

describe('wizard: / filters the findings, ? shows every key', () => {
  const results = () => {
    const s = withReport(run(loaded(), ENTER, { type: 'tasks-taken', ids: [] }));
    expect(s.screen).toEqual({ name: 'results' });
    return s;
  };

  it('filters as you type (q is text there), Enter keeps it, Esc clears it', () => {
    let s = results();
    const all = visibleResults(s).length;
    expect(all).toBeGreaterThan(1);
    s = run(s, ch('/'), ...[...'ingress'].map(ch));
    expect(s.filter).toEqual({ text: 'ingress', editing: true });
    expect(visibleResults(s).map((f) => f.id)).toEqual(['edge.no-ingress']);
    s = run(s, ch(' '), ch('q'));
    expect(s.exitCode).toBeUndefined();
    expect(visibleResults(s)).toEqual([]);
    s = run(s, BACKSPACE, BACKSPACE, ENTER);
    expect(s.filter).toEqual({ text: 'ingress', editing: false });
    // Enter now opens the one it shows.
    expect(run(s, ENTER).screen).toMatchObject({ name: 'finding', key: expect.stringMatching(/^edge\.no-ingress/) });
    s = run(s, ESC);
    expect(s.filter).toBeUndefined();
    expect(visibleResults(s)).toHaveLength(all);
    expect(s.screen).toEqual({ name: 'results' });
  });

  it('? lists every key of the screen (more than the footer) and the next key only closes it', () => {
    let s = results();
    s = run(s, ch('?'));
    expect(s.help).toBe(true);
    const listed = helpKeys(s).map((k) => k.keys);
    expect(listed).toEqual(expect.arrayContaining(['↑↓', 'enter', '/', 'w', 'r', 'esc', 'q', 'pgup pgdn', 'j k']));
    expect(listed.length).toBeGreaterThan(footerKeys(s).length);
    s = run(s, ch('q'));
    expect(s.help).toBe(false);
    expect(s.exitCode).toBeUndefined();
    // On the menu too, and on a finding (each fix listed by its key).
    expect(helpKeys(run(loaded(), ch('?'))).map((k) => k.keys)).toContain('w');
    const finding = run(s, ch('/'), ...[...'ingress'].map(ch), ENTER, ENTER);
    expect(helpKeys(finding).some((k) => k.keys === 'f' && /--url/.test(k.what))).toBe(true);
  });
});
