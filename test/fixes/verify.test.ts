// verifyFix: gather again, analyze, and say fixed / not fixed (with the evidence) / cannot tell; after a
// restart, wait for the restarted service's new log, bounded in attempts and time.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';
import { fixById, planFix } from '../../src/fixes/registry.js';
import { applyPlan } from '../../src/fixes/apply.js';
import { verifyFix, restartedSources } from '../../src/fixes/verify.js';
import { gatherDemo, prepareDemo } from '../../src/gather/demo.js';
import { defaultOptions } from '../../src/options.js';
import type { FixRunContext } from '../../src/fixes/types.js';
import type { Snapshot } from '../../src/snapshot/types.js';

const LIST = proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n');
const MAP = proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n');
const broken = () => snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': LIST } });
const fixed = (logs: Snapshot['logs'] = {}) => {
  const s = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': MAP } });
  s.logs = logs;
  return s;
};

function ctx(snapshot: Snapshot, regather: FixRunContext['regather'], over: Partial<FixRunContext> = {}): FixRunContext {
  return { snapshot, dir: '/srv/tunnel', demo: false, timeoutMs: 5_000, regather, ...over };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('verifyFix', () => {
  it('says fixed when the finding the fix was for is gone', async () => {
    const fix = fixById('routes-to-map')!;
    const v = await verifyFix(fix, ctx(broken(), async () => fixed()));
    expect(v).toMatchObject({ status: 'fixed', detail: 'routing.routes-is-list: gone', attempts: 1 });
  });

  it('says not fixed, with the evidence still there', async () => {
    const v = await verifyFix(fixById('routes-to-map')!, ctx(broken(), async () => broken()));
    expect(v.status).toBe('not-fixed');
    expect(v.still?.map((f) => f.id)).toEqual(['routing.routes-is-list']);
    expect(v.still?.[0]?.evidence[0]).toMatchObject({ source: 'config/mcp-proxy.yaml', line: 7, text: 'routes:' });
    expect(v.detail).toMatch(/^still there: routing\.routes-is-list .*Evidence: config\/mcp-proxy\.yaml:7 {2}routes:/);
  });

  it('cannot tell when nothing gathered could show the finding', async () => {
    const s = fixed();
    const v = await verifyFix(fixById('open-egress-7844')!, ctx(s, async () => fixed()));
    expect(v.status).toBe('cannot-tell');
    expect(v.detail).toMatch(/nothing gathered now could show edge\.unreachable/);
  });

  it('after a restart, reads only the new log and polls until the restarted service has logged', async () => {
    const s = broken();
    const plan = planFix('routes-to-map', s)!;
    expect(restartedSources(s, plan)).toEqual(['mcp-proxy']);
    const sinces: (string | undefined)[] = [];
    let n = 0;
    const regather = async (since?: string) => {
      sinces.push(since);
      n += 1;
      return fixed({ 'mcp-proxy': { text: n < 3 ? '' : '2026-11-28T04:00:01Z INF route configured route=mcp upstream=http://10.0.0.5:8080\n' } });
    };
    const v = await verifyFix(fixById('routes-to-map')!, ctx(s, regather, { plan, appliedAt: Date.now() - 2_000, verifyAttempts: 5, verifyBudgetMs: 20_000 }));
    expect(v).toMatchObject({ status: 'fixed', attempts: 3 });
    expect(sinces.every((x) => /^\d+s$/.test(x ?? ''))).toBe(true);
    expect(Number(sinces[0]!.slice(0, -1))).toBeGreaterThanOrEqual(3);
  });

  it('stops waiting at its bounds and says what it judged from', async () => {
    const s = broken();
    const plan = planFix('routes-to-map', s)!;
    let calls = 0;
    const started = Date.now();
    const v = await verifyFix(fixById('routes-to-map')!, ctx(s, async () => (calls++, fixed({ 'mcp-proxy': { text: '' } })), { plan, appliedAt: Date.now(), verifyAttempts: 3, verifyBudgetMs: 30_000 }));
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(v.detail).toMatch(/mcp-proxy logged nothing since the restart within \d+ s; judged from what else was gathered/);
    const unread = await verifyFix(fixById('routes-to-map')!, ctx(s, async () => fixed(), { plan, appliedAt: Date.now(), verifyAttempts: 5 }));
    expect(unread.attempts).toBe(1);
    expect(unread.detail).toMatch(/the log of mcp-proxy could not be read/);
  });

  it('on a real folder: gathers the files again with the same options', async () => {
    const t = await tempDir('mtt-verify-');
    cleanups.push(t.cleanup);
    await mkdir(join(t.dir, 'config'));
    await writeFile(join(t.dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    await writeFile(join(t.dir, 'config/mcp-proxy.yaml'), MAP);
    const options = defaultOptions({ dir: t.dir, network: false });
    const v = await verifyFix(fixById('routes-to-map')!, { snapshot: broken(), dir: t.dir, demo: false, timeoutMs: 5_000, options, env: { PATH: '/nonexistent' } });
    expect(v.status).toBe('fixed');
    expect(v.snapshot?.deployment.dir).toBe(t.dir);
  });
});

describe('verify in the demo', () => {
  it('sees what was done: the copy\'s files, and simulated restarts replayed over the recorded state', async () => {
    const demo = await prepareDemo();
    cleanups.push(demo.cleanup);
    const opts = defaultOptions({ demo: true, dir: demo.dir });
    const s = await gatherDemo(opts, demo);
    for (const id of ['routes-to-map', 'cloudflared-ingress']) {
      const current = await gatherDemo(opts, demo);
      const plan = planFix(id, current)!;
      const c: FixRunContext = { snapshot: current, dir: demo.dir, demo: true, timeoutMs: 5_000, options: opts };
      const outcome = await applyPlan(plan, c);
      expect(outcome.ok, id).toBe(true);
      expect(outcome.steps.some((o) => o.status === 'simulated'), id).toBe(true);
      const v = await verifyFix(fixById(id)!, c);
      expect(v.status, `${id}: ${v.detail}`).toBe('fixed');
    }
    expect(s.origin).toBe('demo');
  });
});
