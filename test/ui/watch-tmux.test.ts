// Watch live in a real terminal: the BUILT bin in tmux (120x40, CI=true as everywhere), one key per
// send-keys. The demo from the menu's `w`: the path alive, the timeline, `?`, a fix key from the Watch
// screen through plan / confirm / verify and back, `/` on the results. `watch` on a stand-in Compose host:
// lines appended to what the stand-in docker follows show at their hop; q and Ctrl-C leave no follower.
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';
import type { Scenario } from '../helpers/stand-ins.js';
import { alive, standInWatchHost } from '../helpers/watch-run.js';
import { tmuxSuite, type TmuxSession } from './tmux.js';

const DOMAIN = 'abcd1234.tunnel.anthropic.com';
const { cleanups, session: start } = tmuxSuite('mtt-watch-tmux-');
const session = (args: string[], cwd: string, env?: Record<string, string>): Promise<TmuxSession> => start(args, cwd, env ? { env } : {});

const stamp = () => new Date().toISOString();
const pause = (ms = 400) => new Promise((r) => setTimeout(r, ms));

const standInHost = () => standInWatchHost(cleanups, { flavor: 'v1' });

async function followersGone(sc: Scenario): Promise<void> {
  const pids = (await sc.calls()).filter((c) => c.args.includes('--follow')).map((c) => c.pid);
  expect(pids.length).toBeGreaterThan(1);
  for (const pid of pids) expect(alive(pid), `follower ${pid} still running`).toBe(false);
}

describe('Watch live in a terminal (tmux)', () => {
  it('demo: w on the menu, the path alive, ? lists the keys, a fix from the Watch screen, back to watching; / filters the findings', async () => {
    const t = await session(['--demo'], ROOT);
    await t.waitFor('What are you seeing?');
    await t.waitFor(/\(w\) Watch live/);
    await t.waitFor(/Deployment Compose project/);
    await t.key('w');
    await t.waitFor('Watching cloudflared and mcp-proxy');
    // The recording plays: the proxy cannot start, then requests stop at cloudflared (no ingress, 503).
    const live = await t.waitFor(/✗ cloudflared\s+edge\.no-ingress\s+503 No ingress rules were defined/, 20_000);
    expect(live).toMatch(/Now add the server from the \+ MCP Server picker, or send a request through a Managed Agent\./);
    expect(live).toMatch(/✗ mcp-proxy\s+tls\.key-unreadable\s+failed to start err="load tls keypair: open \/data\/tls\.key/);
    expect(live).toMatch(/│ ✓ Claude │─▶│ ✓ tunnel edge │─▶│ ✗ cloudflared │─▶│ ✗ mcp-proxy \(inner TLS\) │/);
    expect(live).toMatch(/Logged {3}cloudflared \d+ \(\d+ ✗\) · mcp-proxy 0/);
    expect(live).toMatch(/Numbers {2}cloudflared: \/ready 200 \(4 edge connections\) · requests \+\d+/);
    // Each timeline line has its time and its finding id.
    expect(live).toMatch(/\d\d:\d\d:\d\d ✗ cloudflared {3}edge\.no-ingress/);
    const fixable = await t.waitFor(/\(f\) Point cloudflared at the proxy/, 30_000);
    expect(fixable).toMatch(/↑↓ pick an event · enter open its finding · f fix · esc stop watching · \? every key · q quit/);
    await t.key('?');
    const keys = await t.waitFor('Keys on this screen');
    expect(keys).toMatch(/esc\s+stop watching/);
    expect(keys).toMatch(/f\s+Point cloudflared at the proxy/);
    await t.key('x');
    await t.waitFor('Timeline');
    await t.key('f');
    const plan = await t.waitFor('Run it? (y) yes (n) no');
    expect(plan).toMatch(/\+ {4}command: tunnel --no-autoupdate run --url http:\/\/localhost:8080/);
    await t.key('y');
    expect(await t.waitFor(/Fixed:|Not fixed:|Cannot tell/, 30_000)).toMatch(/✓ Fixed: edge\.no-ingress/);
    await t.key('Enter');
    await t.waitFor('What it means');
    await t.key('Escape');
    await t.waitFor('Timeline');
    // Once the recording has played out, its newest event is a no-ingress line again: its finding is fixed.
    const back = await t.waitFor(/stopped: the demo's recorded sequence/, 30_000);
    expect(back).toMatch(/No ingress rules were defined\)\s+fixed/);
    // Esc stops watching: the results, then `/` filters the findings as you type.
    await t.key('Escape');
    await t.waitFor(/Findings\s+\d+ errors?/, 30_000);
    await t.key('/');
    await t.key('t');
    await t.key('l');
    await t.key('s');
    const filtered = await t.waitFor(/\/ tls▏ +\d+ of \d+ shown/);
    const list = filtered.slice(filtered.lastIndexOf('Findings'));
    expect(list).toMatch(/TLS/);
    expect(list).not.toMatch(/ROUTING|EDGE/);
    await t.key('Escape');
    await t.waitFor(/ROUTING/);
    await t.key('q');
    // Errors were seen (and others remain in the demo): SPEC's exit code is 1.
    expect(await t.exitCode()).toBe(1);
  }, 180_000);

  it('`watch` on a terminal (stand-in Compose): each request at its hop as its line arrives; q stops and no follower is left', async () => {
    const { dir, sc, append } = await standInHost();
    const t = await session(['watch', '--no-network'], dir, sc.env);
    await t.waitFor(/Timeline \(newest last\) following 2 logs/, 30_000);
    const first = await t.screen();
    expect(first).toMatch(/cloudflared's own view: --no-network/);
    await append('mcp-proxy', `time=${stamp()} level=INFO msg="proxied request" host=wiki.${DOMAIN} route=wiki upstream=http://10.0.0.5:8080 status=200`);
    const routed = await t.waitFor(/✓ route wiki\s+proxy\.request-routed/);
    expect(routed).toMatch(/│ ✓ Claude │─▶│ ✓ tunnel edge │─▶│ ✓ cloudflared │─▶│ ✓ mcp-proxy \(inner TLS\) │─▶│ ✓ wiki │/);
    await pause();
    await append('mcp-proxy', `time=${stamp()} level=WARN msg="no route for host" host=x.example.com`);
    const noRoute = await t.waitFor(/✗ no route\s+routing\.no-route-for-host/);
    expect(noRoute).toMatch(/✓ mcp-proxy \(inner TLS\) │─▶│ ✓ wiki ✗ no route │/);
    expect(noRoute).toMatch(/no route: no route for host host=x\.example\.com ─┘/);
    await pause();
    await append('cloudflared', `${stamp()} ERR  error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused" connIndex=0 event=1 ingressRule=0 originService=http://localhost:8080`);
    const down = await t.waitFor(/✗ cloudflared\s+edge\.origin-unreachable\s+502/);
    expect(down).toMatch(/│ ✓ tunnel edge │─▶│ ✗ cloudflared │─▶│ \? mcp-proxy \(inner TLS\) │─▶│ \? wiki \? no route │/);
    expect(down).toMatch(/└─ error="Unable to reach the origin service/);
    expect(down).toMatch(/Logged {3}cloudflared 1 \(1 ✗\) · mcp-proxy 2 \(1 ✗\): wiki 1, no route 1 \(1 ✗\)/);
    await t.key('q');
    expect(await t.exitCode()).toBe(1);
    await followersGone(sc);
  }, 120_000);

  it('`watch --for` on a terminal leaves by itself; Ctrl-C too, and q in headless --json; no follower left', async () => {
    const host = await standInHost();
    const timed = await session(['watch', '--no-network', '--for', '3s'], host.dir, host.sc.env);
    await timed.waitFor(/following 2 logs/, 30_000);
    expect(await timed.exitCode(20_000)).toBe(0);
    await followersGone(host.sc);
    const other = await standInHost();
    const t = await session(['watch', '--no-network'], other.dir, other.sc.env);
    await t.waitFor(/following 2 logs/, 30_000);
    for (let i = 0; i < 50 && (await other.sc.calls()).filter((c) => c.args.includes('--follow')).length < 2; i++) await pause(100);
    await t.key('C-c');
    expect(await t.exitCode()).toBe(0);
    await followersGone(other.sc);
    // Headless (--json) with the keyboard on a terminal: q stops it too.
    const third = await standInHost();
    const headless = await session(['watch', '--json', '--no-network'], third.dir, third.sc.env);
    await headless.waitFor(/"type":"start"/, 30_000);
    for (let i = 0; i < 50 && (await third.sc.calls()).filter((c) => c.args.includes('--follow')).length < 2; i++) await pause(100);
    await headless.key('q');
    expect(await headless.exitCode()).toBe(0);
    expect(await headless.screen()).toMatch(/"type":"end","reason":"q pressed"/);
    await followersGone(third.sc);
  }, 150_000);
});
