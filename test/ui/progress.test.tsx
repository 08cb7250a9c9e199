// Progress of a large gather: one step for all the logs (`logs 57/200 pods`), from the gatherer through the
// wizard's reducer to its running screen, and on stderr in headless mode (a terminal line, or sparse lines).
import { afterEach, describe, expect, it } from 'vitest';
import React from 'react';
import { render } from 'ink-testing-library';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gatherSnapshot } from '../../src/gather/index.js';
import type { GatherEvent } from '../../src/gather/events.js';
import { defaultOptions } from '../../src/options.js';
import { initialState, reduce } from '../../src/wizard/reduce.js';
import type { Action, WizardState } from '../../src/wizard/state.js';
import { RunningScreen } from '../../src/ui/screens/Running.js';
import { StyleContext } from '../../src/ui/paint.js';
import { stderrProgress, QUIET_MS } from '../../src/commands/progress.js';
import type { Io } from '../../src/io.js';
import { fastStandIns } from '../helpers/fast-stand-ins.js';
import { kubeRules, type PodSpec } from '../helpers/deployment-scenarios.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('gathering many pods', () => {
  it('shows all their logs as one step counted by pod, never one step per command', async () => {
    const pods: PodSpec[] = Array.from({ length: 20 }, (_, i) => ({ name: `mcp-tunnel-6b7f9c8d4-q${String(i).padStart(2, '0')}`, ip: `127.0.0.${40 + i}`, containers: [{ name: 'mcp-proxy', state: 'running', restartCount: i % 2 }, { name: 'cloudflared', state: 'running' }] }));
    const sc = await fastStandIns(kubeRules({ namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods, logs: {} }));
    const dir = await mkdtemp(join(tmpdir(), 'mtt-progress-'));
    await writeFile(join(dir, 'README'), 'no deployment files here');
    cleanups.push(() => rm(sc.dir, { recursive: true, force: true }), () => rm(dir, { recursive: true, force: true }));
    const events: GatherEvent[] = [];
    const s = await gatherSnapshot(defaultOptions({ dir, kube: true, network: false }), (e) => events.push(e), { env: sc.env, poolSize: 4 });
    expect(s.state.commands!.filter((c) => c.argv[1] === 'logs').length).toBe(20 * 2 + 10 + 1); // 10 restarted: their previous instance too; the setup Job
    const logs = events.filter((e) => e.id === 'logs');
    expect(logs[0]).toMatchObject({ type: 'start', title: 'logs', done: 0, total: 20, unit: 'pods' });
    expect(logs.at(-1)).toMatchObject({ type: 'end', ok: true, done: 20, total: 20, detail: '50 kubectl logs' });
    const counts = logs.filter((e) => e.type === 'progress').map((e) => e.done!);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(events.some((e) => e.id.startsWith('logs mcp-tunnel-'))).toBe(false);
  });
});

describe('the wizard while gathering', () => {
  const step = (state: WizardState, event: GatherEvent) => reduce(state, { type: 'gather-event', event } as Action);

  it('moves the group count in place, and draws it as `logs 57/200 pods`', () => {
    let s = initialState({ origin: 'live', size: { columns: 100, rows: 30 } });
    s = step(s, { type: 'start', id: 'kubectl get pods', title: 'kubectl get pods -n mcp-tunnel -o json' });
    s = step(s, { type: 'start', id: 'logs', title: 'logs', done: 0, total: 200, unit: 'pods' });
    s = step(s, { type: 'start', id: 'helm status', title: 'helm status mcp-tunnel' });
    for (const done of [1, 20, 57]) s = step(s, { type: 'progress', id: 'logs', title: 'logs', done, total: 200, unit: 'pods' });
    expect(s.load.steps.map((x) => x.id)).toEqual(['kubectl get pods', 'logs', 'helm status']);
    expect(s.load.steps[1]).toMatchObject({ status: 'running', done: 57, total: 200 });
    const frame = render(
      <StyleContext.Provider value={{ color: false, unicode: false }}>
        <RunningScreen state={{ ...s, run: { phase: 'gathering', checks: [], total: 0 } }} />
      </StyleContext.Provider>,
    );
    expect(frame.lastFrame()).toMatch(/logs 57\/200 pods/);
    frame.unmount();
    s = step(s, { type: 'end', id: 'logs', title: 'logs', ok: true, ms: 4200, done: 200, total: 200, unit: 'pods', detail: '600 kubectl logs' });
    expect(s.load.steps[1]).toMatchObject({ status: 'ok', done: 200, detail: '600 kubectl logs' });
  });
});

function io(tty: boolean): { io: Io; text: () => string } {
  const stderr = Object.assign(new PassThrough(), { isTTY: tty, columns: 60 });
  let out = '';
  stderr.on('data', (b: Buffer) => (out += b.toString()));
  return { io: { stdout: new PassThrough(), stderr, stdin: new PassThrough(), env: {}, cwd: '/' }, text: () => out };
}

const group = (type: GatherEvent['type'], done: number, ms?: number): GatherEvent => ({ type, id: 'logs', title: 'logs', done, total: 200, unit: 'pods', ...(ms !== undefined ? { ms, ok: true } : {}) });

describe('headless progress on stderr', () => {
  it('on a terminal: one line rewritten in place, erased when gathering ends', async () => {
    let t = 0;
    const { io: term, text } = io(true);
    const p = stderrProgress(term, () => t);
    p.listener(group('start', 0));
    t += 500;
    p.listener(group('progress', 57));
    p.done();
    await new Promise((r) => setImmediate(r));
    expect(text()).toContain('\r\u001b[Kgathering: logs 0/200 pods');
    expect(text()).toContain('\r\u001b[Kgathering: logs 57/200 pods');
    expect(text().endsWith('\r\u001b[K')).toBe(true);
    expect(text()).not.toContain('\n');
  });

  it('elsewhere (CI logs): nothing for a quick gather, then at most one line per interval', async () => {
    let t = 0;
    const quick = io(false);
    const p1 = stderrProgress(quick.io, () => t);
    p1.listener({ type: 'start', id: 'docker version', title: 'docker version' });
    p1.listener(group('start', 0));
    t = 1_000;
    p1.listener(group('progress', 199));
    p1.listener(group('end', 200, 1_000));
    p1.done();
    await new Promise((r) => setImmediate(r));
    expect(quick.text()).toBe('');

    t = 0;
    const slow = io(false);
    const p2 = stderrProgress(slow.io, () => t);
    p2.listener(group('start', 0));
    for (let done = 1; done <= 200; done++) {
      t += 100; // 20 s in all, a progress event every 0.1 s
      p2.listener(group(done === 200 ? 'end' : 'progress', done, done === 200 ? t : undefined));
    }
    p2.done();
    await new Promise((r) => setImmediate(r));
    const lines = slow.text().split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(20_000 / QUIET_MS + 1);
    expect(lines[0]).toMatch(/^mcp-tunnel-triage: logs \d+\/200 pods$/);
    expect(lines.at(-1)).toBe('mcp-tunnel-triage: logs 200/200 pods done in 20.0 s');
  });
});
