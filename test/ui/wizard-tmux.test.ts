// End to end: the BUILT bin in tmux (120x40), one key per send-keys, the screen polled until the expected
// frame. On the demo, and on a stand-in Compose deployment (docker is the test stand-in; PATH holds only the
// stand-ins and chown): choose a symptom, open a finding, apply its fix, see it verified, quit with SPEC's code.
import { describe, expect, it } from 'vitest';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { alive, gone } from '../helpers/processes.js';
import { basename, join } from 'node:path';
import { ROOT, tempDir } from '../helpers/cli.js';
import { makeScenario, type Rule } from '../helpers/stand-ins.js';
import { composeRules, helmRules, toolError, type ComposeSpec, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { startKubeScenario } from '../helpers/kube-scenario.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { privateKeyPem, setupStylePki } from '../../src/gather/make-cert.js';
import { tmuxSuite, type TmuxSession } from './tmux.js';

const { cleanups, session: start } = tmuxSuite('mtt-tmux-');
const session = (args: string[], cwd: string, env?: Record<string, string>): Promise<TmuxSession> => start(args, cwd, env ? { env } : {});

/** Presses Down until the menu's pointer is on the line matching `item`. */
async function pointAt(t: TmuxSession, item: RegExp, max = 14): Promise<void> {
  for (let i = 0; i <= max; i++) {
    const screen = await t.screen();
    if (screen.split('\n').some((l) => l.startsWith('❯') && item.test(l))) return;
    await t.key('Down');
    await t.changed(screen);
  }
  throw new Error(`never pointed at ${item}; the screen was:\n${await t.screen()}`);
}

/** On a Helm release: run every check, then open the finding titled `title`; its screen. */
async function openHelmFinding(t: TmuxSession, title: string): Promise<string> {
  await t.waitFor(/Deployment Helm release mcp-tunnel in namespace mcp-tunnel/, 30_000);
  await t.key('Enter');
  const results = await t.waitFor(/Findings\s+\d+ errors?/, 30_000);
  const items = results.split('\n').filter((l) => /^[ ❯] [✗!i✓] [A-Z]+ /.test(l));
  const index = items.findIndex((l) => l.includes(title));
  expect(index, results).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) {
    const before = await t.screen();
    await t.key('Down');
    await t.changed(before);
  }
  await t.key('Enter');
  return t.waitFor('What it means');
}

/** The error count on the results screen. */
function errorsOn(screen: string): number {
  const m = /Findings\s+(\d+) errors?/.exec(screen);
  if (!m) throw new Error(`no findings summary on:\n${screen}`);
  return Number(m[1]);
}

describe('the wizard in a terminal (tmux)', () => {
  it('demo: a symptom, its finding, the fix applied and verified; exit 1 while other errors remain', async () => {
    const t = await session(['--demo'], ROOT);
    const menu = await t.waitFor('What are you seeing?');
    expect(menu).toMatch(/❯ Run every check \(recommended\)/);
    expect(menu).toMatch(/↑↓ move · enter run · 1-9 pick · q quit/);
    await t.waitFor(/Deployment Compose project/);
    await pointAt(t, /cannot unmarshal !!seq/);
    await t.key('Enter');
    const results = await t.waitFor(/Findings\s+\d+ errors?/);
    expect(results).toMatch(/│ . Claude │─▶│ . tunnel edge │─▶│ . cloudflared │─▶│ . mcp-proxy \(inner TLS\) │─▶│/);
    expect(results).toMatch(/❯ ✗ ROUTING\s+`?routes`? is a YAML list; the proxy needs a map/);
    await t.key('Enter');
    const finding = await t.waitFor('What it means');
    expect(finding).toMatch(/config\/mcp-proxy\.yaml:\d+ {2}routes:/);
    expect(finding).toMatch(/\(f\) Rewrite routes from a list to a map/);
    await t.key('f');
    const plan = await t.waitFor('Run it? (y) yes (n) no');
    expect(plan).toMatch(/2\. run \$ docker compose restart mcp-proxy/);
    await t.key('y');
    const verified = await t.waitFor(/Fixed:|Not fixed:|Cannot tell/, 30_000);
    expect(verified).toMatch(/✓ Fixed: /);
    expect(verified).toMatch(/shown {3}docker compose restart mcp-proxy {2}\(demo: shown, not run\)/);
    await t.key('Enter');
    await t.waitFor('What it means');
    await t.key('Escape');
    await t.waitFor(/YAML list.*fixed/);
    await t.key('Escape');
    await t.waitFor('What are you seeing?');
    // Every check again (item 1), on a fresh gather of the edited copy: the routes finding is gone.
    await t.key('1');
    const again = await t.waitFor(/Findings\s+\d+ errors?/, 30_000);
    const after = again.slice(again.lastIndexOf('Findings'));
    expect(after).not.toMatch(/YAML list/);
    // The demo is broken in other layers too: errors remain, so SPEC's exit code is 1.
    expect(errorsOn(after)).toBeGreaterThan(0);
    await t.key('q');
    expect(await t.exitCode()).toBe(1);
  }, 180_000);

  it('stand-in Compose host: the key the proxy cannot read, chown applied for real, verified; exit 0 once healthy', async () => {
    const project = await tempDir('mtt-tmux-host-');
    cleanups.push(project.cleanup);
    const dir = project.dir;
    const name = basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, '');
    await mkdir(join(dir, 'config'));
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
    const pki = await setupStylePki({ domain: 'abcd1234.tunnel.anthropic.com', now: new Date(), serverBits: 2048 });
    await writeFile(join(dir, 'data/ca.crt'), pki.ca.pem);
    await writeFile(join(dir, 'data/tls.crt'), pki.server.pem);
    await writeFile(join(dir, 'data/tunnel-domain'), 'abcd1234.tunnel.anthropic.com\n');
    await writeFile(join(dir, 'data/tls.key'), privateKeyPem(pki.serverKey.privateKey), { mode: 0o600 });
    await chmod(join(dir, 'data/tls.key'), 0o600);
    const mounts = [{ source: join(dir, 'data'), destination: '/data', readOnly: true }, { source: join(dir, 'config/mcp-proxy.yaml'), destination: '/etc/mcp-gateway/config.yaml', readOnly: true }];
    const base = (proxy: ComposeSpec['containers'][number], proxyLog: string[]): ComposeSpec => ({
      flavor: 'v2-lines',
      project: name,
      dir,
      containers: [proxy, { service: 'cloudflared', state: 'running', user: '65532:65532' }],
      logs: {
        'mcp-proxy': proxyLog,
        cloudflared: ['2026-11-28T03:00:00Z INF Registered tunnel connection connIndex=0 connection=4c1c1bd1 event=0 ip=198.41.192.7 location=sjc01 protocol=quic'],
      },
    });
    // Before the fix: the proxy restarts, unable to open its key. After: it runs. Container state changes once
    // (ps and inspect run one after the other); the new log is the one verify asks for `--since` the restart.
    const before = composeRules(base({ service: 'mcp-proxy', state: 'restarting', exitCode: 1, restartCount: 7, user: '65532:65532', mounts }, ['level=ERROR msg="load tls" err="open /data/tls.key: permission denied"']));
    const after = composeRules(base({ service: 'mcp-proxy', state: 'running', user: '65532:65532', mounts }, ['level=INFO msg="route configured" route=mcp']));
    const isState = (r: Rule) => r.args?.[0] === 'inspect' || (r.args?.includes('ps') ?? false);
    const isLog = (r: Rule) => r.args?.includes('logs') ?? false;
    const restart: Rule = { tool: 'docker', args: ['compose', 'restart', 'mcp-proxy'], match: 'contains', stderr: ` Container ${name}-mcp-proxy-1  Restarting\n Container ${name}-mcp-proxy-1  Started\n` };
    // cloudflared shares the proxy's network namespace: the plan restarts it after the proxy (fixes/restart-proxy.ts).
    const restartCloudflared: Rule = { tool: 'docker', args: ['compose', 'restart', 'cloudflared'], match: 'contains', stderr: ` Container ${name}-cloudflared-1  Restarting\n Container ${name}-cloudflared-1  Started\n` };
    const sc = await makeScenario(
      [
        restart,
        restartCloudflared,
        ...after.filter(isLog).map((r) => ({ ...r, args: [...(r.args ?? []), '--since'] })),
        ...before.map((r) => (isState(r) ? { ...r, once: true } : r)),
        ...after.filter(isState),
      ],
      { tools: ['docker'], passthrough: ['chown'] },
    );
    cleanups.push(sc.cleanup);

    const t = await session(['--no-network'], dir, sc.env);
    await t.waitFor('What are you seeing?');
    await t.waitFor(/Tools {6}✓ docker/);
    await pointAt(t, /open \/data\/tls\.key: permission denied/);
    await t.key('Enter');
    const results = await t.waitFor(/Findings\s+\d+ errors?/, 30_000);
    expect(results).toMatch(/✗ mcp-proxy \(inner TLS\)/);
    expect(results).toMatch(/❯ ✗ TLS\s+The proxy cannot read its TLS key/);
    await t.key('Enter');
    const finding = await t.waitFor('What it means');
    expect(finding).toMatch(/\(f\) chown 65532:65532 data\/tls\.key/);
    await t.key('f');
    const plan = await t.waitFor('Run it? (y) yes (n) no');
    expect(plan).toMatch(/1\. run \$ chown 65532:65532 data\/tls\.key/);
    expect(plan).toMatch(/2\. run \$ docker compose restart mcp-proxy/);
    expect(plan).toMatch(/3\. run \$ docker compose restart cloudflared/);
    await t.key('y');
    const verified = await t.waitFor(/Fixed:|Not fixed:|Cannot tell/, 60_000);
    expect(verified).toMatch(/✓ Fixed: /);
    // It really ran: the key changed hands, and Compose was asked to restart the proxy.
    expect((await stat(join(dir, 'data/tls.key'))).uid).toBe(65532);
    expect((await sc.calls()).some((c) => c.args.join(' ') === 'compose restart mcp-proxy')).toBe(true);
    await t.key('Enter');
    await t.key('Escape');
    await t.waitFor(/Key.*fixed|TLS key.*fixed/);
    await t.key('Escape');
    await t.waitFor('What are you seeing?');
    await t.key('1');
    const again = await t.waitFor(/Findings\s+\d+ errors?/, 30_000);
    const now = again.slice(again.lastIndexOf('Findings'));
    expect(now).not.toMatch(/cannot read its TLS key/);
    // Nothing else was wrong with this host: no error finding remains, so SPEC's exit code is 0.
    expect(errorsOn(now)).toBe(0);
    await t.key('q');
    expect(await t.exitCode()).toBe(0);
  }, 180_000);

  it.each(['C-c', 'SIGTERM', 'SIGHUP'] as const)('%s while a fix runs stops it and puts the edited file back whole', async (how) => {
    const project = await tempDir('mtt-tmux-abort-');
    cleanups.push(project.cleanup);
    const dir = project.dir;
    const name = basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, '');
    await mkdir(join(dir, 'config'));
    await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    const config = proxyConfig('# one route per MCP server\nroutes:\n  - mcp: http://10.0.0.5:8080 # the MCP server\n');
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), config);
    const spec: ComposeSpec = { flavor: 'v2-lines', project: name, dir, containers: [{ service: 'mcp-proxy', state: 'running', user: '65532:65532' }, { service: 'cloudflared', state: 'running' }] };
    // The restart never returns: the operator gives up with Ctrl-C.
    const hang: Rule = { tool: 'docker', args: ['compose', 'restart', 'mcp-proxy'], match: 'contains', hang: true };
    const sc = await makeScenario([hang, ...composeRules(spec)], { tools: ['docker'] });
    cleanups.push(sc.cleanup);
    const t = await session(['--no-network'], dir, sc.env);
    await t.waitFor(/Tools {6}✓ docker/);
    await pointAt(t, /cannot unmarshal !!seq/);
    await t.key('Enter');
    await t.waitFor(/❯ ✗ ROUTING\s+`?routes`? is a YAML list/, 30_000);
    await t.key('Enter');
    await t.waitFor('(f) Rewrite routes from a list to a map');
    await t.key('f');
    await t.waitFor('Run it? (y) yes (n) no');
    await t.key('y');
    // The edit is written, the restart hangs.
    await t.waitFor(/done {4}edit config\/mcp-proxy\.yaml[\s\S]*Applying/, 30_000);
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).not.toBe(config);
    const isRestart = (c: { args: string[] }) => c.args.includes('restart') && c.args.includes('mcp-proxy');
    const until = Date.now() + 20_000;
    while (!(await sc.calls()).some(isRestart) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const restart = (await sc.calls()).find(isRestart)!;
    const bin = await t.pid();
    if (how === 'C-c') {
      await t.key('C-c');
      // SPEC: 1 while an error finding remains (the routes one was not fixed).
      expect(await t.exitCode(30_000)).toBe(1);
      expect(await t.screen()).toMatch(/✗ Not applied: cancelled at step 2; put config\/mcp-proxy\.yaml back/);
    } else if (how === 'SIGTERM') {
      process.kill(bin, 'SIGTERM');
      expect(await t.exitCode(30_000)).toBe(143);
      expect(await t.screen()).toMatch(/✗ Not applied: cancelled at step 2; put config\/mcp-proxy\.yaml back/);
    } else {
      await t.kill(); // the terminal drops: tmux hangs up on the pane
      const until = Date.now() + 30_000;
      while (alive(bin) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(alive(bin)).toBe(false);
    }
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toBe(config);
    expect((await readdir(join(dir, 'config'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await gone([restart.pid!])).toEqual([]);
  }, 180_000);

  it('a terminal too small for the screens gets the diagnose report instead', async () => {
    const t = await start(['--demo'], ROOT, { width: 50, height: 12 });
    expect(await t.exitCode(30_000)).toBe(1);
    const screen = await t.screen();
    expect(screen).toMatch(/\d+ errors?, \d+ warnings?/);
    expect(screen).not.toMatch(/What are you seeing\?/);
  }, 60_000);

  it('q while a docker command hangs quits at once: the command is killed, not waited for', async () => {
    const project = await tempDir('mtt-tmux-hang-');
    cleanups.push(project.cleanup);
    await writeFile(join(project.dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    const hang: Rule = { tool: 'docker', args: ['compose', 'ps'], match: 'contains', hang: true };
    const spec: ComposeSpec = { flavor: 'v2-lines', project: 'x', dir: project.dir, containers: [] };
    const sc = await makeScenario([hang, ...composeRules(spec)], { tools: ['docker'] });
    cleanups.push(sc.cleanup);
    const t = await session(['--no-network', '--timeout', '60'], project.dir, sc.env);
    await t.waitFor(/gathering: .*docker compose ps|gathering: .*compose ps/, 20_000);
    const asked = Date.now();
    await t.key('q');
    expect(await t.exitCode(10_000)).toBe(0);
    expect(Date.now() - asked).toBeLessThan(10_000);
  }, 60_000);

  it('Helm: helm upgrade without a chart reference asks for one; typed, it plans the command and runs it', async () => {
    const project = await tempDir('mtt-tmux-chart-');
    cleanups.push(project.cleanup);
    // values.yaml edited after the release was deployed: the finding offers helm upgrade, whose chart is unknown.
    await writeFile(join(project.dir, 'values.yaml'), 'gateway:\n  config:\n    routes:\n      mcp: http://mcp-server:8080\n');
    const spec: KubeSpec = {
      namespace: 'mcp-tunnel',
      release: 'mcp-tunnel',
      helmStatus: 'deployed',
      lastDeployed: '2026-11-01T00:00:00Z',
      pods: [{ name: 'mcp-tunnel-6b7f9c8d4-4xk2p', ip: '127.0.0.21', containers: [{ name: 'mcp-proxy', state: 'running' }, { name: 'cloudflared', state: 'running' }] }],
      jobs: [],
    };
    const k = await startKubeScenario(spec, {
      helm: [
        { tool: 'helm', args: ['upgrade'], match: 'prefix', stdout: 'Release "mcp-tunnel" has been upgraded. Happy Helming!\n' },
        // Deployed again once upgraded: the values file is then older than the release.
        ...helmRules(spec).map((r) => (r.args?.[0] === 'status' ? { ...r, once: true } : r)),
        ...helmRules({ ...spec, lastDeployed: new Date(Date.now() + 60_000).toISOString() }).filter((r) => r.args?.[0] === 'status'),
      ],
    });
    cleanups.push(k.cleanup);
    const t = await session(['--kube', '--no-network'], project.dir, k.env);
    await openHelmFinding(t, 'The values file changed after the release was last deployed');
    await t.key('f');
    const asked = await t.waitFor('The chart the release was installed from');
    expect(asked).toMatch(/but not the repository it came from/);
    expect(asked).toMatch(/enter plan with it · esc back · ctrl-c quit/);
    // q is text here, not quit; a wrong reference is refused.
    for (const ch of '-q') await t.key(ch);
    await t.key('Enter');
    await t.waitFor('-q cannot be a chart reference (no spaces, no leading dash)');
    for (let i = 0; i < 2; i++) await t.key('BSpace');
    for (const ch of 'anthropic/mcp-tunnel') await t.key(ch);
    await t.key('Enter');
    const planned = await t.waitFor(/Run it\?/);
    expect(planned).toContain('$ helm upgrade mcp-tunnel anthropic/mcp-tunnel -n mcp-tunnel --version 2.1.0 -f ');
    await t.key('y');
    const done = await t.waitFor(/Fixed:|Not fixed:|Cannot tell/, 60_000);
    expect(done).toMatch(/✓ Fixed: /);
    expect((await k.helm!.calls()).map((c) => c.args.join(' '))).toContain(`upgrade mcp-tunnel anthropic/mcp-tunnel -n mcp-tunnel --version 2.1.0 -f ${project.dir}/values.yaml --kube-context kind-tunnel`);
    await t.key('q');
    expect([0, 1]).toContain(await t.exitCode());
  }, 180_000);

  it('Helm: the destructive cleanup wants the release name typed; a wrong word runs nothing', async () => {
    const project = await tempDir('mtt-tmux-helm-');
    cleanups.push(project.cleanup);
    const spec: KubeSpec = {
      namespace: 'mcp-tunnel',
      release: 'mcp-tunnel',
      helmStatus: 'failed',
      pods: [],
      jobs: [{ name: 'mcp-tunnel-setup', failed: true, hook: 'pre-install' }],
      setupLog: ['level=ERROR msg="token exchange failed" status=400 error=invalid_grant'],
    };
    // The real kubectl against the API server (the Job is really deleted); helm as the stand-in, which shows the
    // failed release until it has uninstalled it.
    const k = await startKubeScenario(spec, {
      helm: [
        { tool: 'helm', args: ['uninstall', 'mcp-tunnel', '-n', 'mcp-tunnel'], match: 'prefix', stdout: 'release "mcp-tunnel" uninstalled\n' },
        ...helmRules(spec).map((r) => (r.args?.[0] === 'status' ? { ...r, once: true } : r)),
        { tool: 'helm', args: ['status'], match: 'prefix', ...toolError('helm-release-not-found') },
      ],
    });
    cleanups.push(k.cleanup);
    const t = await session(['--kube', '--no-network'], project.dir, k.env);
    const finding = await openHelmFinding(t, 'A failed mcp-tunnel-setup Job blocks a retry');
    expect(finding).toMatch(/\(f\) helm uninstall mcp-tunnel -n mcp-tunnel --kube-context kind-tunnel \(\+1 more\) {2}destructive/);
    await t.key('f');
    await t.waitFor('This is destructive. Type mcp-tunnel and Enter to go ahead, or Esc to cancel.');
    // y and q are text here; a wrong word is refused and nothing runs.
    await t.key('y');
    await t.key('q');
    await t.key('Enter');
    await t.waitFor('Type mcp-tunnel exactly to go ahead, or Esc to cancel.');
    expect((await k.helm!.calls()).some((c) => c.args.includes('uninstall'))).toBe(false);
    expect(k.api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    for (let i = 0; i < 2; i++) await t.key('BSpace');
    for (const ch of 'mcp-tunnel') await t.key(ch);
    await t.key('Enter');
    const done = await t.waitFor(/Fixed:|Not fixed:|Cannot tell/, 60_000);
    expect(done).toMatch(/done {4}helm uninstall mcp-tunnel -n mcp-tunnel --kube-context kind-tunnel/);
    expect(done).toMatch(/done {4}kubectl --context kind-tunnel -n mcp-tunnel delete job mcp-tunnel-setup/);
    expect(done).toMatch(/✓ Fixed: /);
    expect((await k.helm!.calls()).map((c) => `helm ${c.args.join(' ')}`)).toContain('helm uninstall mcp-tunnel -n mcp-tunnel --kube-context kind-tunnel');
    expect(k.api.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /apis/batch/v1/namespaces/mcp-tunnel/jobs/mcp-tunnel-setup']);
    expect(k.api.find('Job', 'mcp-tunnel', 'mcp-tunnel-setup')).toBeUndefined();
    await t.key('q');
    expect([0, 1]).toContain(await t.exitCode());
  }, 180_000);
});
