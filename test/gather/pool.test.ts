import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandPool, defaultPoolSize, POOL_MAX, POOL_MIN } from '../../src/gather/pool.js';
import { gatherSnapshot } from '../../src/gather/index.js';
import { defaultOptions } from '../../src/options.js';
import { mostAtOnce } from '../helpers/stand-ins.js';
import { fastStandIns, type FastStandIns } from '../helpers/fast-stand-ins.js';
import { kubeRules, type PodSpec } from '../helpers/deployment-scenarios.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A promise and its resolve, to finish work when the test says. */
function later<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CommandPool', () => {
  it('never runs more than its size at once, starts the rest in arrival order as slots free, and survives failures', async () => {
    const pool = new CommandPool(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 10 }, () => later());
    const results = gates.map((g, i) =>
      pool.run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        try {
          await g.promise;
          if (i === 4) throw new Error('boom');
          return i;
        } finally {
          running--;
        }
      }),
    );
    for (const r of results) r.catch(() => {}); // one of them fails, on purpose
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    expect(pool.waiting).toBe(7);
    // Finish them out of order: each free slot goes to the next in line.
    for (const i of [2, 0, 1, 4, 3, 5, 6, 7, 8, 9]) {
      gates[i]!.resolve();
      await new Promise((r) => setImmediate(r));
    }
    const settled = await Promise.allSettled(results);
    expect(settled.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
    expect(pool.active).toBe(0);
    expect(pool.waiting).toBe(0);
  });

  it('starts a command asked for `first` ahead of those already waiting (one answer is not served after 600 logs)', async () => {
    const pool = new CommandPool(1);
    const started: string[] = [];
    const gate = later();
    const hold = pool.run(async () => {
      started.push('running');
      await gate.promise;
    });
    const logs = ['log 1', 'log 2', 'log 3'].map((name) => pool.run(async () => void started.push(name)));
    const question = pool.run(async () => void started.push('helm search repo'), true);
    gate.resolve();
    await Promise.all([hold, ...logs, question]);
    expect(started).toEqual(['running', 'helm search repo', 'log 1', 'log 2', 'log 3']);
  });

  it('is sized to the machine, within its bounds', () => {
    expect(defaultPoolSize(1)).toBe(Math.max(POOL_MIN, 16));
    expect(defaultPoolSize(2)).toBe(32);
    expect(defaultPoolSize(256)).toBe(POOL_MAX);
    expect(defaultPoolSize()).toBeGreaterThanOrEqual(POOL_MIN);
    expect(() => new CommandPool(0)).toThrow(/at least one slot/);
  });
});

// dash stand-ins (fast-stand-ins.ts): many calls through a small pool stay quick on a busy machine.
async function scenario(pods: PodSpec[], sleepMs: number): Promise<{ sc: FastStandIns; dir: string }> {
  const logs = Object.fromEntries(pods.map((p) => [p.name, { 'mcp-proxy': [`${p.name} proxy line`], cloudflared: [`${p.name} cloudflared line`] }]));
  const sc = await fastStandIns(kubeRules({ namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods, logs, sleepMs }), { record: true });
  const dir = await mkdtemp(join(tmpdir(), 'mtt-pool-'));
  await writeFile(join(dir, 'README'), 'not a deployment folder');
  cleanups.push(() => rm(sc.dir, { recursive: true, force: true }), () => rm(dir, { recursive: true, force: true }));
  return { sc, dir };
}

const pods = (n: number): PodSpec[] =>
  Array.from({ length: n }, (_, i) => ({ name: `mcp-tunnel-6b7f9c8d4-p${String(i).padStart(3, '0')}`, ip: `127.0.0.${20 + i}`, containers: [{ name: 'mcp-proxy', state: 'running' }, { name: 'cloudflared', state: 'running' }] }));

describe('gathering through the pool', () => {
  it('never has more commands running than the pool allows (the stand-ins record when each call began and ended)', async () => {
    const { sc, dir } = await scenario(pods(8), 150);
    const s = await gatherSnapshot(defaultOptions({ dir, kube: true, network: false, timeoutMs: 30_000 }), undefined, { env: sc.env, poolSize: 3 });
    const calls = await sc.spans();
    expect(calls.length).toBe(s.state.commands!.length);
    expect(s.state.commands!.filter((c) => c.argv[1] === 'logs').length).toBe(8 * 2 + 1); // every pod's two containers, and the setup Job
    expect(calls.every((c) => c.endedAt !== undefined)).toBe(true);
    expect(mostAtOnce(calls)).toBeLessThanOrEqual(3);
    // Without the bound, these 29 calls of 0.15 s would all have run at once.
    expect(mostAtOnce(calls)).toBeGreaterThan(1);
    expect(s.state.bounds).toMatchObject({ parallel: 3 });
    expect(s.logs.cloudflared!.text.split('\n').filter(Boolean)).toHaveLength(8);
  });

  it('times each command from its start, not from when it was queued: no false timeout however many wait', async () => {
    // 29 calls of 0.4 s through 2 slots take about 6 s in all, past the 2.5 s timeout; none is late.
    const { sc, dir } = await scenario(pods(8), 400);
    const s = await gatherSnapshot(defaultOptions({ dir, kube: true, network: false, timeoutMs: 2_500 }), undefined, { env: sc.env, poolSize: 2 });
    const commands = s.state.commands!;
    expect(commands.filter((c) => c.argv[1] === 'logs').length).toBe(17);
    expect(commands.filter((c) => c.timedOut)).toEqual([]);
    expect(s.state.tools?.kubectl?.problem).toBeUndefined();
    const calls = await sc.spans();
    // The queue really was longer than the timeout: the last call began well after the first.
    const starts = calls.map((c) => c.at).sort((a, b) => a - b);
    expect(starts[starts.length - 1]! - starts[0]!).toBeGreaterThan(2_500);
  });

  it('starts nothing more once the session is aborted (the wizard quit): queued commands are not spawned to be killed', async () => {
    const { sc, dir } = await scenario(pods(30), 20);
    const session = new AbortController();
    const s = await gatherSnapshot(defaultOptions({ dir, kube: true, network: false }), (e) => e.id === 'logs' && e.type === 'start' && session.abort(), { env: sc.env, poolSize: 2, signal: session.signal });
    const commands = s.state.commands!;
    expect(commands.filter((c) => c.argv[1] === 'logs').length).toBe(30 * 2 + 1);
    const spawned = (await sc.spans()).length;
    expect(spawned).toBeLessThan(13 + 2 + 1); // the first round, and at most what already held a slot
    expect(commands.filter((c) => c.error === 'cancelled').length).toBe(commands.length - spawned);
  });
});
