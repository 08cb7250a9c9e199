// Each fix's plan, pure: snapshot in, the exact argv / diff / steps out, and "nothing to do" once applied.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import { snapshotOf, DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { planFix, describeFix } from '../../src/fixes/registry.js';
import type { CommandStep, EditStep, ManualStep, Plan } from '../../src/fixes/types.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { parseCidr } from '../../src/analyze/net.js';
import { commandWithUrl } from '../../src/fixes/cloudflared-ingress.js';

const commands = (p: Plan | undefined) => (p?.steps ?? []).filter((s): s is CommandStep => s.kind === 'command').map((s) => s.argv);
const edit = (p: Plan | undefined) => p?.steps.find((s): s is EditStep => s.kind === 'edit');
const manualText = (p: Plan | undefined) => (p?.steps ?? []).filter((s): s is ManualStep => s.kind === 'manual').map((s) => s.text).join('\n');
/** The plan again on the snapshot as it would be after the edit. */
const after = (s: Snapshot, e: EditStep): Snapshot => snapshotOf({ files: { ...Object.fromEntries(Object.entries(s.files).map(([k, v]) => [k, v])), [e.path]: { ...s.files[e.path], text: e.after } }, state: s.state, inputs: s.inputs, kind: s.deployment.kind });

const KEY_META = (mode: number, uid = 0, gid = 0) => ({ meta: { mode: 0o100000 | mode, uid, gid, size: 1700, mtimeMs: 0 }, withheld: true });

function compose(extra: Record<string, string | object> = {}, state: Snapshot['state'] = {}): Snapshot {
  return snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), ...extra } as never, state });
}

describe('key-chown and key-chmod', () => {
  const key = { 'data/tls.key': KEY_META(0o600, 0, 0) };

  it('offer chown to the Compose user first when the tool runs as root, each followed by the proxy restart', () => {
    const s = compose(key, { runAs: { uid: 0, gid: 0 } });
    const chown = planFix('key-chown', s);
    expect(commands(chown)).toEqual([['chown', '65532:65532', 'data/tls.key'], ['docker', 'compose', 'restart', 'mcp-proxy']]);
    expect((chown!.steps[0] as CommandStep).cwd).toBe('/srv/tunnel');
    expect(commands(planFix('key-chmod', s))).toEqual([['chmod', '644', 'data/tls.key'], ['docker', 'compose', 'restart', 'mcp-proxy']]);
  });

  it('use the uid:gid the Compose file gives the proxy', () => {
    const s = compose({ 'docker-compose.yaml': DOCUMENTED_COMPOSE.replace('user: "65532:65532"', 'user: "1001:1002"'), ...key }, { runAs: { uid: 0, gid: 0 } });
    expect(commands(planFix('key-chown', s))[0]).toEqual(['chown', '1001:1002', 'data/tls.key']);
  });

  it('say there is nothing to do once the proxy can read the key', () => {
    const owned = compose({ 'data/tls.key': KEY_META(0o600, 65532, 65532) }, { runAs: { uid: 0, gid: 0 } });
    expect(planFix('key-chown', owned)?.nothingToDo).toMatch(/already owned by 65532:65532/);
    expect(planFix('key-chmod', owned)?.nothingToDo).toMatch(/already readable/);
    expect(planFix('key-chmod', compose({ 'data/tls.key': KEY_META(0o644) }))?.nothingToDo).toMatch(/0644/);
    expect(describeFix('key-chmod', owned)).toBeUndefined();
  });

  it('are not offered as chown when not root; chmod then says to use sudo when the key is not ours', () => {
    const s = compose(key, { runAs: { uid: 1000, gid: 1000 } });
    expect(planFix('key-chown', s)).toBeUndefined();
    const chmod = planFix('key-chmod', s)!;
    expect(chmod.kind).toBe('manual');
    expect(manualText(chmod)).toMatch(/`sudo chmod 644 data\/tls.key`/);
    expect(manualText(chmod)).toMatch(/sudo chown 65532:65532 data\/tls.key/);
  });

  it('do not apply to Helm (the key is in a Secret)', () => {
    const s = snapshotOf({ files: { 'values.yaml': 'api: {}\n', 'data/tls.key': KEY_META(0o600) } as never });
    expect(planFix('key-chown', s)).toBeUndefined();
    expect(planFix('key-chmod', s)).toBeUndefined();
  });

  it('let the proxy into a folder it cannot search (data-dir-chmod), adding only the search bit', () => {
    const s = compose({ 'data/tls.key': { ...KEY_META(0o644), dirMeta: { mode: 0o40700, uid: 0, gid: 0, size: 0, mtimeMs: 0 } } });
    expect(commands(planFix('data-dir-chmod', s))).toEqual([['chmod', 'o+x', 'data'], ['docker', 'compose', 'restart', 'mcp-proxy']]);
    const open = compose({ 'data/tls.key': { ...KEY_META(0o644), dirMeta: { mode: 0o40711, uid: 0, gid: 0, size: 0, mtimeMs: 0 } } });
    expect(planFix('data-dir-chmod', open)?.nothingToDo).toMatch(/searchable/);
  });
});

describe('helm-cleanup', () => {
  const helm = (state: Snapshot['state'] = {}) => snapshotOf({ files: { 'values.yaml': 'api:\n  wif:\n    audience: api.anthropic.com\n' }, state });

  it("runs the guide's two commands, marked destructive, confirmed by the release name", () => {
    const p = planFix('helm-cleanup', helm())!;
    expect(commands(p)).toEqual([
      ['helm', 'uninstall', 'mcp-tunnel', '-n', 'mcp-tunnel'],
      ['kubectl', '-n', 'mcp-tunnel', 'delete', 'job', 'mcp-tunnel-setup'],
    ]);
    expect(p.confirmWord).toBe('mcp-tunnel');
    expect(p.steps.every((s) => s.kind === 'command' && s.destructive)).toBe(true);
    expect(describeFix('helm-cleanup', helm())?.destructive).toBe(true);
  });

  it('removes only what is there: a deployed release stays, a gone Job is not deleted', () => {
    const deployed = helm({ kube: { helm: { status: 'deployed' }, jobs: [{ name: 'mcp-tunnel-setup', failed: 1 }] } });
    expect(commands(planFix('helm-cleanup', deployed))).toEqual([['kubectl', '-n', 'mcp-tunnel', 'delete', 'job', 'mcp-tunnel-setup']]);
    const clean = helm({ kube: { helm: { status: 'deployed' }, jobs: [] } });
    expect(planFix('helm-cleanup', clean)?.nothingToDo).toMatch(/no failed release/);
  });

  it('keeps names that could act as flags out of argv', () => {
    const s = helm();
    s.deployment.release = '--all';
    expect(planFix('helm-cleanup', s)).toBeUndefined();
  });
});

describe('helm-upgrade', () => {
  const values = 'gateway:\n  config:\n    routes:\n      mcp: http://10.0.0.5:8080\n';

  it('says in the plan that it needs the chart when helm status does not tell', () => {
    const s = snapshotOf({ files: { 'values.yaml': values }, state: { kube: { helm: { status: 'deployed', chart: 'mcp-tunnel-2.1.0' } } } });
    const p = planFix('helm-upgrade', s)!;
    expect(p.kind).toBe('manual');
    expect(manualText(p)).toMatch(/--chart REF/);
    expect(manualText(p)).toMatch(/mcp-tunnel-2\.1\.0/);
    expect(manualText(p)).toContain('helm upgrade mcp-tunnel \'<CHART>\' -n mcp-tunnel --version 2.1.0 -f /srv/tunnel/values.yaml');
  });

  it('with --chart: the deployed chart version pinned, the values file given', () => {
    const s = snapshotOf({ files: { 'values.yaml': values }, inputs: { chart: 'oci://registry.example/charts/mcp-tunnel' }, state: { kube: { helm: { status: 'deployed', chart: 'mcp-tunnel-2.1.0' } } } });
    expect(commands(planFix('helm-upgrade', s))).toEqual([['helm', 'upgrade', 'mcp-tunnel', 'oci://registry.example/charts/mcp-tunnel', '-n', 'mcp-tunnel', '--version', '2.1.0', '-f', '/srv/tunnel/values.yaml']]);
  });

  it('with a local chart beside the values: its folder, no version pin', () => {
    const s = snapshotOf({ files: { 'values.yaml': values } });
    s.deployment.chart = '/srv/tunnel/mcp-tunnel';
    s.deployment.context = 'prod-eu';
    expect(commands(planFix('helm-upgrade', s))).toEqual([['helm', 'upgrade', 'mcp-tunnel', '/srv/tunnel/mcp-tunnel', '-n', 'mcp-tunnel', '-f', '/srv/tunnel/values.yaml', '--kube-context', 'prod-eu']]);
  });

  it('a local repository that serves the deployed chart (helm search repo): its reference, the version pinned', () => {
    const s = snapshotOf({ files: { 'values.yaml': values }, state: { kube: { helm: { status: 'deployed', chart: 'mcp-tunnel', version: '2.1.0', repoChart: 'anthropic/mcp-tunnel' } } } });
    const p = planFix('helm-upgrade', s)!;
    expect(commands(p)).toEqual([['helm', 'upgrade', 'mcp-tunnel', 'anthropic/mcp-tunnel', '-n', 'mcp-tunnel', '--version', '2.1.0', '-f', '/srv/tunnel/values.yaml']]);
    expect((p.steps[0] as CommandStep).why).toMatch(/anthropic\/mcp-tunnel: the local repository that serves the deployed chart \(helm search repo\)/);
    expect(p.ask).toBeUndefined();
  });

  it('no reference anywhere: the record\'s chart and version named, the repository said unknown, and the plan asks for it', () => {
    const s = snapshotOf({ files: { 'values.yaml': values }, state: { kube: { helm: { status: 'deployed', chart: 'mcp-tunnel', version: '2.1.0', appVersion: '1.4.0', source: 'secret' } } } });
    const p = planFix('helm-upgrade', s)!;
    expect(p.kind).toBe('manual');
    expect(manualText(p)).toContain('The release record names the chart (mcp-tunnel 2.1.0, app 1.4.0) but not the repository it came from');
    expect(p.ask).toEqual({ key: 'chart', question: 'The chart the release was installed from', hint: expect.stringContaining('oci://') });
    // Typed in the wizard: it comes back in the finding's data.
    expect(commands(planFix('helm-upgrade', s, { chart: 'oci://registry.example/charts/mcp-tunnel' }))).toEqual([['helm', 'upgrade', 'mcp-tunnel', 'oci://registry.example/charts/mcp-tunnel', '-n', 'mcp-tunnel', '--version', '2.1.0', '-f', '/srv/tunnel/values.yaml']]);
    expect(planFix('helm-upgrade', s, { chart: '--set x=1' })).toBeUndefined();
  });

  it('helm not installed (the release was read from its Secret): what to run, as a manual step', () => {
    const s = snapshotOf({ files: { 'values.yaml': values }, inputs: { chart: 'repo/mcp-tunnel' }, state: { tools: { helm: { present: false, problem: 'not-found' } }, kube: { helm: { status: 'deployed', chart: 'mcp-tunnel', version: '2.1.0', source: 'secret' } } } });
    const p = planFix('helm-upgrade', s)!;
    expect(p.kind).toBe('manual');
    expect(manualText(p)).toMatch(/helm is not on PATH here .*Install helm 3, then run `helm upgrade mcp-tunnel repo\/mcp-tunnel -n mcp-tunnel --version 2\.1\.0 -f \/srv\/tunnel\/values\.yaml`/);
  });

  it('warns when the release has values the file would drop', () => {
    const s = snapshotOf({ files: { 'values.yaml': values }, inputs: { chart: 'repo/mcp-tunnel' }, state: { kube: { values: { gateway: {}, tunnel: { id: 't' } } } } });
    expect((planFix('helm-upgrade', s)!.steps[0] as CommandStep).why).toMatch(/the release also has tunnel \(not in values.yaml\)/);
  });
});

describe('set-tunnel-domain', () => {
  it('sets tunnel_domain to the domain the finding names, keeping the rest, then restarts the proxy', () => {
    const s = compose({ 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n').replace('abcd1234.tunnel.anthropic.com', 'old.tunnel.anthropic.com') });
    const p = planFix('set-tunnel-domain', s, { domain: 'abcd1234.tunnel.anthropic.com' })!;
    expect(edit(p)!.diff).toContain('-tunnel_domain: old.tunnel.anthropic.com\n+tunnel_domain: abcd1234.tunnel.anthropic.com');
    expect(commands(p)).toEqual([['docker', 'compose', 'restart', 'mcp-proxy']]);
    expect(planFix('set-tunnel-domain', after(s, edit(p)!), { domain: 'abcd1234.tunnel.anthropic.com' })?.nothingToDo).toMatch(/already abcd1234/);
  });

  it('adds the key after log_level when it is missing, and refuses a value that is not a domain', () => {
    const s = compose({ 'config/mcp-proxy.yaml': 'listen_addr: ":8080"\nlog_level: info\nroutes:\n  mcp: http://10.0.0.5:8080\n', 'data/tunnel-domain': 'abcd1234.tunnel.anthropic.com\n' });
    expect(edit(planFix('set-tunnel-domain', s))!.after).toBe('listen_addr: ":8080"\nlog_level: info\ntunnel_domain: abcd1234.tunnel.anthropic.com\nroutes:\n  mcp: http://10.0.0.5:8080\n');
    expect(planFix('set-tunnel-domain', compose(), { domain: 'not a domain; rm -rf /' })).toBeUndefined();
  });

  it('does not touch Helm values while setup hands the domain over (setup.enabled is not false)', () => {
    const s = snapshotOf({ files: { 'values.yaml': 'gateway:\n  config:\n    tunnel_domain: old.example.com\n' } });
    expect(planFix('set-tunnel-domain', s, { domain: 'abcd1234.tunnel.anthropic.com' })).toBeUndefined();
    const off = snapshotOf({ files: { 'values.yaml': 'setup:\n  enabled: false\ngateway:\n  config:\n    tunnel_domain: old.example.com\n' }, inputs: { chart: 'repo/mcp-tunnel' } });
    const p = planFix('set-tunnel-domain', off, { domain: 'abcd1234.tunnel.anthropic.com' })!;
    expect(edit(p)!.after).toContain('    tunnel_domain: abcd1234.tunnel.anthropic.com\n');
    expect(commands(p)[0]!.slice(0, 2)).toEqual(['helm', 'upgrade']);
  });
});

describe('cloudflared-ingress', () => {
  const broken = DOCUMENTED_COMPOSE.replace('command: tunnel --no-autoupdate run --url http://localhost:8080\n    network_mode: "service:mcp-proxy"\n', 'command: tunnel --no-autoupdate run\n');
  const withEnv = { '.env': 'TUNNEL_TOKEN=[REDACTED]\n' };

  it('adds --url and network_mode to the service, then recreates it; the result is the documented service', () => {
    const s = compose({ 'docker-compose.yaml': broken, ...withEnv });
    const p = planFix('cloudflared-ingress', s)!;
    expect(edit(p)!.after).toBe(DOCUMENTED_COMPOSE);
    expect(commands(p)).toEqual([['docker', 'compose', 'up', '-d', '--force-recreate', 'cloudflared']]);
    expect(planFix('cloudflared-ingress', after(s, edit(p)!))?.nothingToDo).toMatch(/already has --url/);
  });

  it('handles a list command, a missing command, another --url, and removes what network_mode forbids', () => {
    const list = broken.replace('command: tunnel --no-autoupdate run\n', 'command: ["tunnel", "--no-autoupdate", "run", "my-tunnel"]\n    networks: [front]\n');
    const p = planFix('cloudflared-ingress', compose({ 'docker-compose.yaml': list, ...withEnv }))!;
    const svc = parse(edit(p)!.after).services.cloudflared;
    expect(svc.command).toEqual(['tunnel', '--no-autoupdate', 'run', '--url', 'http://localhost:8080', 'my-tunnel']);
    expect(svc.network_mode).toBe('service:mcp-proxy');
    expect(svc.networks).toBeUndefined();
    const none = parse(edit(planFix('cloudflared-ingress', compose({ 'docker-compose.yaml': broken.replace('    command: tunnel --no-autoupdate run\n', ''), ...withEnv })))!.after).services.cloudflared;
    expect(none.command).toBe('tunnel --no-autoupdate run --url http://localhost:8080');
    expect(commandWithUrl('tunnel run --url http://mcp-proxy:8080')).toBe('tunnel run --url http://localhost:8080');
    expect(commandWithUrl('tunnel run --url=http://x:1 t')).toBe('tunnel run --url=http://localhost:8080 t');
    expect(commandWithUrl('tunnel --no-autoupdate run t')).toBe('tunnel --no-autoupdate run --url http://localhost:8080 t');
  });

  it('guards the token the recreate passes on: needs it in the shell, or says how when none was found', () => {
    const fromShell = planFix('cloudflared-ingress', compose({ 'docker-compose.yaml': broken }))!;
    expect((fromShell.steps[1] as CommandStep).needsEnv).toEqual(['TUNNEL_TOKEN']);
    const missing = planFix('cloudflared-ingress', compose({ 'docker-compose.yaml': broken }, { token: { present: false } }))!;
    expect(missing.steps[1]!.kind).toBe('manual');
    expect(manualText(missing)).toContain('export TUNNEL_TOKEN=$(sudo cat data/tunnel-token)');
    expect(manualText(missing)).toContain('docker compose up -d --force-recreate cloudflared');
  });

  it('recreates only, when the file is right but the container predates it; v1 uses docker-compose', () => {
    const s = compose({ '.env': 'TUNNEL_TOKEN=[REDACTED]\n' }, { containers: [{ service: 'cloudflared', name: 'c', state: 'running', startedAt: '2026-11-27T00:00:00Z' }] });
    s.files['docker-compose.yaml']!.meta = { mode: 0o100644, uid: 0, gid: 0, size: 1, mtimeMs: Date.parse('2026-11-27T12:00:00Z') };
    s.deployment.composeFlavor = 'v1';
    expect(commands(planFix('cloudflared-ingress', s))).toEqual([['docker-compose', 'up', '-d', '--force-recreate', 'cloudflared']]);
    s.state.containers![0]!.startedAt = '2026-11-28T00:00:00Z';
    expect(planFix('cloudflared-ingress', s)?.nothingToDo).toMatch(/created after/);
  });
});

describe('allow-upstream-cidr', () => {
  const resolved = (map: Record<string, string[]>) => ({ resolved: Object.fromEntries(Object.entries(map).map(([h, a]) => [h, { addresses: a, via: 'test' }])) });

  it('adds the narrowest CIDR for a public upstream and writes out the RFC1918 default it replaces', () => {
    const s = compose({ 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n  api: http://api.example.com:443\n') }, resolved({ 'api.example.com': ['203.0.113.7'] }));
    const p = planFix('allow-upstream-cidr', s)!;
    expect(parse(edit(p)!.after).upstream.allowed_ips).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '203.0.113.7/32']);
    expect(edit(p)!.after).toContain('  - 10.0.0.0/8 # route mcp\n');
    expect(edit(p)!.after).toContain('  - 203.0.113.7/32 # api.example.com (route api)\n');
    expect(commands(p)).toEqual([['docker', 'compose', 'restart', 'mcp-proxy']]);
    expect(planFix('allow-upstream-cidr', after(s, edit(p)!))?.nothingToDo).toMatch(/already covers/);
  });

  it('puts back a private range a custom list dropped, keeping the list as the operator wrote it', () => {
    const cfg = proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n  wiki: http://172.20.1.4:3000\nupstream:\n  allowed_ips:\n    - 10.0.0.0/8   # ours\n');
    const p = planFix('allow-upstream-cidr', compose({ 'config/mcp-proxy.yaml': cfg }))!;
    expect(edit(p)!.after).toBe(cfg.replace('    - 10.0.0.0/8   # ours\n', '    - 10.0.0.0/8   # ours\n    - 172.16.0.0/12 # route wiki\n'));
  });

  it('adds the CIDR a log finding saw refused, for an upstream not resolved here', () => {
    const s = compose({ 'config/mcp-proxy.yaml': proxyConfig('routes:\n  api: http://api.example.com:443\nupstream:\n  allowed_ips: [10.0.0.0/8]\n') });
    const p = planFix('allow-upstream-cidr', s, { from: 'log', ip: '198.51.100.9', ips: ['198.51.100.9', '198.51.100.12'], cidr: '198.51.100.8/28', host: 'api.example.com' })!;
    expect(parse(edit(p)!.after).upstream.allowed_ips).toEqual(['10.0.0.0/8', '198.51.100.8/28']);
    expect(edit(p)!.after).toContain('allowed_ips: [10.0.0.0/8, 198.51.100.8/28]\n');
  });

  it('takes 0.0.0.0/0 and disable_ip_validation out when every upstream is known, and only then', () => {
    const open = proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\nupstream:\n  disable_ip_validation: true\n  allowed_ips:\n    - 0.0.0.0/0 # testing\n');
    const p = planFix('allow-upstream-cidr', compose({ 'config/mcp-proxy.yaml': open }))!;
    const upstream = parse(edit(p)!.after).upstream;
    expect(upstream).toEqual({ allowed_ips: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] });
    const unknown = planFix('allow-upstream-cidr', compose({ 'config/mcp-proxy.yaml': open.replace('http://10.0.0.5:8080', 'http://mcp-server:8080') }))!;
    expect(unknown.kind).toBe('manual');
    expect(manualText(unknown)).toMatch(/address of mcp-server \(route mcp\) is not known here/);
  });

  it('never writes 0.0.0.0/0 or anything wider than a /8, whatever the upstreams and findings say', () => {
    const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    fc.assert(
      fc.property(fc.array(ip, { minLength: 1, maxLength: 5 }), fc.option(fc.constantFrom('0.0.0.0/0', '0.0.0.0/1', '10.0.0.0/4', '1.2.3.0/24')), (ips, cidr) => {
        const routes = ips.map((_, i) => `  r${i}: http://h${i}.example:80\n`).join('');
        const s = compose({ 'config/mcp-proxy.yaml': proxyConfig(`routes:\n${routes}`) }, resolved(Object.fromEntries(ips.map((a, i) => [`h${i}.example`, [a]]))));
        const p = planFix('allow-upstream-cidr', s, cidr ? { ip: ips[0], cidr } : undefined);
        const list: string[] = edit(p) ? (parse(edit(p)!.after).upstream.allowed_ips as string[]) : [];
        for (const c of list) expect(parseCidr(c)!.prefix).toBeGreaterThanOrEqual(8);
      }),
      { numRuns: 150 },
    );
  });
});

describe('set-wif-audience', () => {
  const values = 'api:\n  wif:\n    federationRuleId: fdrl_01\n';

  it('sets api.wif.audience to the rule\'s audience, then upgrades a deployed release', () => {
    const s = snapshotOf({ files: { 'values.yaml': values }, inputs: { chart: 'repo/mcp-tunnel' }, state: { kube: { helm: { status: 'deployed' } } } });
    const p = planFix('set-wif-audience', s, { expected: 'https://api.anthropic.com' })!;
    expect(edit(p)!.after).toBe(`${values}    audience: https://api.anthropic.com\n`);
    expect(commands(p)[0]!.slice(0, 4)).toEqual(['helm', 'upgrade', 'mcp-tunnel', 'repo/mcp-tunnel']);
    expect(planFix('set-wif-audience', after(s, edit(p)!), { expected: 'https://api.anthropic.com' })?.nothingToDo).toMatch(/already/);
  });

  it('after a failed install, says to clean up and install again (the setup hook runs only on install)', () => {
    const s = snapshotOf({ files: { 'values.yaml': values }, state: { kube: { helm: { status: 'failed' } } } });
    const p = planFix('set-wif-audience', s, { expected: 'https://api.anthropic.com' })!;
    expect(commands(p)).toEqual([]);
    expect(manualText(p)).toMatch(/fix helm-cleanup/);
    expect(manualText(p)).toMatch(/helm install mcp-tunnel/);
  });
});

describe('manual fixes name the exact values', () => {
  const s = compose({ 'data/tunnel-domain': 'abcd1234.tunnel.anthropic.com\n', 'data/tunnel-token': { withheld: true } });

  it('open-egress-7844: the edge ranges, TCP and UDP 7844', () => {
    const text = manualText(planFix('open-egress-7844', s));
    for (const v of ['198.41.192.0/19', '2606:4700:a0::/44', '7844', 'TCP and UDP']) expect(text).toContain(v);
    expect(text).not.toMatch(/0\.0\.0\.0\/0/);
  });

  it('manual-federation-scope: workspace:manage_tunnels, the legacy scope, and the workspace membership', () => {
    const text = manualText(planFix('manual-federation-scope', snapshotOf({ files: { 'values.yaml': 'api:\n  wif:\n    federationRuleId: fdrl_9\n    workspaceId: wrkspc_3\n' } })));
    for (const v of ['workspace:manage_tunnels', 'org:manage_tunnels', 'fdrl_9', 'wrkspc_3', 'member']) expect(text).toContain(v);
  });

  it('manual-oauth-metadata: both documents with the tunnel domain filled in', () => {
    const text = manualText(planFix('manual-oauth-metadata', s));
    expect(text).toContain('"issuer":"https://auth.abcd1234.tunnel.anthropic.com"');
    expect(text).toContain('"token_endpoint":"https://auth.abcd1234.tunnel.anthropic.com/token"');
    expect(text).toContain('"authorization_servers":["https://auth.abcd1234.tunnel.anthropic.com"]');
    expect(text).toContain('"code_challenge_methods_supported":["S256"]');
  });

  it('export-tunnel-token: the export from data/tunnel-token, then the recreate', () => {
    const text = manualText(planFix('export-tunnel-token', s));
    expect(text).toContain('export TUNNEL_TOKEN=$(sudo cat data/tunnel-token)');
    expect(text).toContain('docker compose up -d --force-recreate cloudflared');
  });

  it('manual-wif-rule: the Helm subject and the audience in use; renew-cert without setup: openssl with the domain', () => {
    const text = manualText(planFix('manual-wif-rule', snapshotOf({ files: { 'values.yaml': 'api:\n  wif:\n    audience: https://api.anthropic.com\n' } }), { causes: ['subject', 'audience'] }));
    expect(text).toContain('system:serviceaccount:mcp-tunnel:mcp-tunnel-setup');
    expect(text).toContain('`https://api.anthropic.com`');
    expect(text).not.toMatch(/Issuer:/);
    expect(manualText(planFix('renew-cert', s))).toContain('subjectAltName=DNS:*.abcd1234.tunnel.anthropic.com');
  });

  it('renew-cert runs the setup component on Compose and the chart\'s CronJob on Kubernetes', () => {
    const withSetup = compose({ 'docker-compose.yaml': `${DOCUMENTED_COMPOSE}  setup:\n    image: mcp-proxy:latest\n    profiles: [setup]\n    entrypoint: ["/setup"]\n    command: [init, --api-url=https://api.anthropic.com, --output=dir:/data, --token-version=1]\n` });
    expect(commands(planFix('renew-cert', withSetup))).toEqual([['docker', 'compose', 'run', '--rm', 'setup', 'renew-cert', '--output=dir:/data']]);
    const helm = snapshotOf({ files: { 'values.yaml': 'api: {}\n' } });
    expect(commands(planFix('renew-cert', helm))).toEqual([['kubectl', '-n', 'mcp-tunnel', 'create', 'job', '--from=cronjob/mcp-tunnel-cert-renew', `mcp-tunnel-cert-renew-manual-${Date.parse('2026-11-28T00:00:00.000Z') / 1000}`]]);
  });
});
