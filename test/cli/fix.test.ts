// `fix` end to end: the built bin, a real project folder, the stand-in docker answering live gathering in
// the real tools' formats and recording every argv the fix ran.
import { afterEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeScenario, type Rule, type Scenario } from '../helpers/stand-ins.js';
import { composeLogOutput, composeRules, type ComposeSpec } from '../helpers/deployment-scenarios.js';
import { mutatingCalls } from '../helpers/mutating.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

const LIST = proxyConfig('# routes, one per MCP server\nroutes:\n  - mcp: http://10.0.0.5:8080   # the MCP server\n');
const MAP = proxyConfig('# routes, one per MCP server\nroutes:\n  mcp: http://10.0.0.5:8080 # the MCP server\n');
const PROXY_FAILS = ['time=2026-11-28T03:10:00Z level=ERROR msg="load config" err="yaml: unmarshal errors:\\n  line 9: cannot unmarshal !!seq into map[string]string"'];
const PROXY_OK = ['time=2026-11-28T04:00:01Z level=INFO msg="route configured" route=mcp upstream=http://10.0.0.5:8080'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(files: Record<string, string> = {}): Promise<string> {
  const t = await tempDir('mtt-fixcli-');
  cleanups.push(t.cleanup);
  await mkdir(join(t.dir, 'config'));
  await writeFile(join(t.dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(t.dir, 'config/mcp-proxy.yaml'), LIST);
  for (const [name, text] of Object.entries(files)) await writeFile(join(t.dir, name), text);
  return t.dir;
}

/** Live gathering answered by the stand-ins; the proxy's log turns healthy after its first read (the restart). */
async function live(dir: string, extra: Rule[] = []): Promise<Scenario> {
  const spec: ComposeSpec = {
    flavor: 'v2-lines',
    project: basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, ''),
    dir,
    containers: [
      { service: 'mcp-proxy', state: 'running', user: '65532:65532' },
      { service: 'cloudflared', state: 'running' },
    ],
    logs: { cloudflared: ['2026-11-28T03:10:02Z INF Registered tunnel connection connIndex=0 event=0 ip=198.41.192.7 location=fra08 protocol=quic'] },
  };
  const proxyLogs = (lines: string[], once?: boolean): Rule => ({ tool: 'docker', args: ['compose', 'logs', 'mcp-proxy'], match: 'contains', stdout: composeLogOutput(spec, 'mcp-proxy', lines), ...(once ? { once } : {}) });
  const sc = await makeScenario([...extra, proxyLogs(PROXY_FAILS, true), proxyLogs(PROXY_OK), ...composeRules(spec)], { tools: ['docker'] });
  cleanups.push(sc.cleanup);
  return sc;
}

const RESTART: Rule = { tool: 'docker', args: ['compose', 'restart', 'mcp-proxy'], stderr: ' Container mcp-tunnel-mcp-proxy-1  Restarting\n Container mcp-tunnel-mcp-proxy-1  Started\n' };
const RESTART_CLOUDFLARED: Rule = { tool: 'docker', args: ['compose', 'restart', 'cloudflared'], stderr: ' Container mcp-tunnel-cloudflared-1  Restarting\n Container mcp-tunnel-cloudflared-1  Started\n' };
const mutating = async (sc: Scenario) => mutatingCalls(await sc.calls()).map((c) => [c.tool, ...c.args]);
const oneLine = (text: string) => text.endsWith('\n') && text.trimEnd().split('\n').length === 1;
const backupsIn = async (dir: string) => (await readdir(dir)).filter((n) => n.includes('.bak-'));

describe('fix: consent and usage', { timeout: 120_000 }, () => {
  it('an unknown fix id exits 2 with one line, before gathering anything', async () => {
    const dir = await project();
    const sc = await live(dir);
    const r = await runCli(['fix', 'frobnicate', '--dir', dir], { env: sc.env });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('mcp-tunnel-triage: unknown fix frobnicate; list the fixes that apply now with mcp-tunnel-triage fix --list\n');
    expect(await sc.calls()).toEqual([]);
  });

  it('without a terminal and without --yes: shows the plan, refuses with exit 2 and the next step, changes nothing', async () => {
    const dir = await project();
    const sc = await live(dir, [RESTART]);
    const r = await runCli(['fix', 'routes-to-map', '--dir', dir, '--no-network'], { env: sc.env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('mcp-tunnel-triage: cannot prompt: stdin is not a terminal; re-run with --yes, or --dry-run\n');
    expect(r.stdout).toContain('$ docker compose restart mcp-proxy');
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toBe(LIST);
    expect(await mutating(sc)).toEqual([]);
  });

  it('--dry-run prints the whole plan (diff and the exact command) and writes nothing', async () => {
    const dir = await project();
    const config = join(dir, 'config/mcp-proxy.yaml');
    const before = await stat(config);
    const sc = await live(dir, [RESTART]);
    const r = await runCli(['fix', 'routes-to-map', '--dry-run', '--dir', dir, '--no-network'], { env: sc.env });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('For: routing.routes-is-list: `routes` is a YAML list; the proxy needs a map');
    expect(r.stdout).toContain('-  - mcp: http://10.0.0.5:8080   # the MCP server\n    +  mcp: http://10.0.0.5:8080 # the MCP server');
    expect(r.stdout).toContain(` 2. $ docker compose restart mcp-proxy   (in ${dir})`);
    expect(r.stdout).toMatch(/Dry run: nothing was changed\.\n$/);
    const after = await stat(config);
    expect([after.mtimeMs, after.size]).toEqual([before.mtimeMs, before.size]);
    expect(await readFile(config, 'utf8')).toBe(LIST);
    expect(await backupsIn(join(dir, 'config'))).toEqual([]);
    expect(await mutating(sc)).toEqual([]);
  });

  it('--from-bundle cannot be fixed; --yes with --dry-run is a contradiction', async () => {
    const a = await runCli(['fix', 'routes-to-map', '--from-bundle', '/tmp/x']);
    expect(a.exitCode).toBe(2);
    expect(oneLine(a.stderr)).toBe(true);
    expect(a.stderr).toMatch(/--from-bundle does not apply to fix/);
    const b = await runCli(['fix', 'routes-to-map', '--yes', '--dry-run']);
    expect(b.exitCode).toBe(2);
    expect(oneLine(b.stderr)).toBe(true);
  });
});

describe('fix: apply and verify', { timeout: 120_000 }, () => {
  it('--yes edits, restarts exactly `docker compose restart mcp-proxy` then the cloudflared in its network namespace, verifies; the second run has nothing to do', async () => {
    const dir = await project();
    const sc = await live(dir, [RESTART, RESTART_CLOUDFLARED]);
    const r = await runCli(['fix', 'routes-to-map', '--yes', '--dir', dir, '--no-network'], { env: sc.env });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toBe(MAP);
    const calls = mutatingCalls(await sc.calls());
    expect(calls.map((c) => [c.tool, ...c.args])).toEqual([['docker', 'compose', 'restart', 'mcp-proxy'], ['docker', 'compose', 'restart', 'cloudflared']]);
    expect(calls[0]!.cwd).toBe(dir);
    expect(r.stdout).toContain(' 3. $ docker compose restart cloudflared');
    expect(r.stdout).toMatch(/ 1\. edit config\/mcp-proxy\.yaml\n {4}done \(backup config\/mcp-proxy\.yaml\.bak-\d{8}T\d{6}Z\)\n/);
    expect(r.stdout).toContain(' 2. $ docker compose restart mcp-proxy');
    expect(r.stdout).toContain('    │  Container mcp-tunnel-mcp-proxy-1  Started\n    done (exit 0)\n');
    expect(r.stdout).toContain('Verify: fixed: routing.routes-is-list: gone');
    // The new log was read with --since: only what the restarted proxy wrote.
    const logCalls = (await sc.calls()).filter((c) => c.args.includes('logs') && c.args.includes('mcp-proxy'));
    expect(logCalls.at(-1)!.args).toContain('--since');
    expect(await backupsIn(join(dir, 'config'))).toHaveLength(1);

    const again = await runCli(['fix', 'routes-to-map', '--yes', '--dir', dir, '--no-network'], { env: sc.env });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Nothing to do: `routes` is already a map.');
    expect(await mutating(sc)).toEqual([['docker', 'compose', 'restart', 'mcp-proxy'], ['docker', 'compose', 'restart', 'cloudflared']]);
    expect(await backupsIn(join(dir, 'config'))).toHaveLength(1);
  });

  it('a failing restart: exit 1, the output and exit code shown, the config put back as it was', async () => {
    const dir = await project();
    const sc = await live(dir, [{ tool: 'docker', args: ['compose', 'restart', 'mcp-proxy'], stderr: 'Error response from daemon: Cannot restart container mcp-tunnel-mcp-proxy-1: driver failed\n', exitCode: 1 }]);
    const r = await runCli(['fix', 'routes-to-map', '--yes', '--dir', dir, '--no-network'], { env: sc.env });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('    │ Error response from daemon: Cannot restart container mcp-tunnel-mcp-proxy-1: driver failed\n    FAILED (exit 1)');
    expect(r.stdout).toContain('put config/mcp-proxy.yaml back as it was (from the backup)');
    expect(r.stdout).not.toContain('Verify:');
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toBe(LIST);
  });

  it('fix --list (and fix alone) lists the fixes that apply now', async () => {
    const dir = await project();
    const sc = await live(dir);
    for (const args of [['fix', '--list'], ['fix']]) {
      const r = await runCli([...args, '--dir', dir, '--no-network'], { env: sc.env });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^Fixes that apply now/);
      expect(r.stdout).toMatch(/ {2}routes-to-map +Rewrite routes from a list to a map\n +for routing\.routes-is-list/);
    }
    expect(await mutating(sc)).toEqual([]);
  });

  it('a manual fix prints the steps, changes nothing and exits 1 (the finding is still there)', async () => {
    const dir = await project();
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), MAP);
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'data/tunnel-token'), 'eyJhIjoiYWNjb3VudCJ9\n', { mode: 0o600 });
    const sc = await live(dir);
    const r = await runCli(['fix', 'export-tunnel-token', '--yes', '--dir', dir, '--no-network'], { env: { ...sc.env, TUNNEL_TOKEN: undefined } });
    expect(r.stdout).toContain('For: edge.token-missing');
    expect(r.stdout).toContain('export TUNNEL_TOKEN=$(sudo cat data/tunnel-token)');
    expect(r.stdout).toContain('Nothing was changed: these steps are outside what this tool can do here.');
    expect(r.exitCode).toBe(1);
    expect(await mutating(sc)).toEqual([]);
  });
});

describe('fix: secrets and the demo', { timeout: 120_000 }, () => {
  it('env-token-unquote: the token never appears in the output, and .env gets it bare', async () => {
    const token = Buffer.from(JSON.stringify({ a: randomBytes(16).toString('hex'), t: randomUUID(), s: randomBytes(32).toString('base64') })).toString('base64');
    const dir = await project({ '.env': `TUNNEL_TOKEN="'${token}'"\n` });
    await chmod(join(dir, '.env'), 0o600);
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), MAP);
    const sc = await live(dir, [{ tool: 'docker', args: ['compose', 'up', '-d', '--force-recreate', '--no-deps', 'cloudflared'], stderr: ' Container mcp-tunnel-cloudflared-1  Recreated\n Container mcp-tunnel-cloudflared-1  Started\n' }]);
    const dry = await runCli(['fix', 'env-token-unquote', '--dry-run', '--dir', dir, '--no-network'], { env: { ...sc.env, TUNNEL_TOKEN: undefined } });
    expect(dry.stdout).toContain('-TUNNEL_TOKEN="[REDACTED]"\n    +TUNNEL_TOKEN=[REDACTED]');
    const r = await runCli(['fix', 'env-token-unquote', '--yes', '--dir', dir, '--no-network'], { env: { ...sc.env, TUNNEL_TOKEN: undefined } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(await readFile(join(dir, '.env'), 'utf8')).toBe(`TUNNEL_TOKEN=${token}\n`);
    expect(await mutating(sc)).toEqual([['docker', 'compose', 'up', '-d', '--force-recreate', '--no-deps', 'cloudflared']]);
    for (const text of [dry.stdout, dry.stderr, r.stdout, r.stderr, ...(await backupsIn(dir))]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.slice(8, 40));
    }
  });

  it('--demo applies to the demo\'s copy and runs no command', async () => {
    const sc = await makeScenario([], { tools: ['docker', 'kubectl', 'helm'] });
    cleanups.push(sc.cleanup);
    const r = await runCli(['fix', 'routes-to-map', '--demo', '--yes'], { env: sc.env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('DEMO: applies to a temporary copy of the sample');
    expect(r.stdout).toContain(' 2. $ docker compose restart mcp-proxy');
    expect(r.stdout).toContain('    shown, not run (demo)');
    expect(r.stdout).toContain('Verify: fixed: routing.routes-is-list: gone');
    expect(await sc.calls()).toEqual([]);
  });
});
