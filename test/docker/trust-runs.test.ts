// Real Docker, issue 11 point 3: errors from an earlier run are not the present. The proxy here starts in its
// own words (QUIET_START: no `route configured`, no `listening`), as an independently written proxy does, so
// no recovery line can rescue the verdict: only knowing the container's run can. `routes` is a list, the proxy
// crash-loops; routes-to-map rewrites it and restarts the proxy; verify must read only the restarted run and
// say fixed, and the next diagnose is green with the old `cannot unmarshal` lines shown as history.
import { describe, expect, it } from 'vitest';
import { liveProject, byId, documentedCompose, dockerStatus, problems, proxyConfig, skipReason, waitFor } from './harness.js';

const docker = await dockerStatus();

describe.skipIf(skipReason(docker) !== undefined)('real Docker: a crash from an earlier run is history', () => {
  const live = liveProject(docker, import.meta.url, 'trustruns', (images) => ({
    compose: documentedCompose(images, { proxyEnvironment: ['QUIET_START=1'] }),
    config: proxyConfig('routes:\n  - mcp: http://10.20.0.15:8080\n'),
  }));

  it('routes-to-map, restart, verify fixed; the next diagnose is green, the old crash lines history', async () => {
    const p = live.project;
    await p.compose(['up', '-d']);
    await waitFor('the proxy to crash on the list twice', async () => ((await p.logs('mcp-proxy')).match(/cannot unmarshal !!seq/g) ?? []).length >= 2);

    const before = await p.diagnose();
    expect(before.exitCode).toBe(1);
    expect(byId(before.report, 'routing.routes-is-list').map((f) => f.severity)).toContain('error');

    const fixed = await p.triage(['fix', 'routes-to-map', '--yes']);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/Verify: fixed: routing\.routes-is-list: gone/);

    await waitFor('the proxy to start with the map', async () => (await p.logs('mcp-proxy')).includes('msg="ready"'));
    await waitFor('cloudflared to reach the proxy', () => p.originReachable('cloudflared'), { attempts: 20 });
    // The crash lines are still in the container's log (restart keeps it) ...
    expect(await p.logs('mcp-proxy')).toMatch(/cannot unmarshal !!seq/);
    const after = await p.diagnose();
    expect(problems(after.report)).toEqual([]);
    expect(after.exitCode).toBe(0);
    // ... and shown as what they are: history, before the proxy's current run.
    const past = byId(after.report, 'routing.routes-is-list');
    expect(past.map((f) => [f.severity, f.title])).toEqual([['info', '`routes` is a YAML list; the proxy needs a map (history: logged before the current run)']]);
    expect(past[0]!.evidence.every((e) => (e as { history?: boolean }).history)).toBe(true);
    expect(past[0]!.fixes).toEqual([]);
  }, 300_000);
});
