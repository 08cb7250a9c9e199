import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { FAKE_TOKEN } from '../helpers/token.js';
import { makeScenario } from '../helpers/stand-ins.js';
import { runningComposeRules } from '../helpers/deployment-scenarios.js';
import { privateKeyPem, setupStylePki } from '../../src/gather/make-cert.js';
import pkg from '../../package.json' with { type: 'json' };

let project: { dir: string; cleanup: () => Promise<void> };
let clean: { dir: string; cleanup: () => Promise<void> };

/** The TLS files as setup writes them (the key readable by the proxy's user, as after the guide's chmod). */
async function writeTlsFiles(dir: string): Promise<void> {
  const pki = await setupStylePki({ domain: 'abcd1234.tunnel.anthropic.com', now: new Date(), serverBits: 2048 });
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'data/ca.crt'), pki.ca.pem);
  await writeFile(join(dir, 'data/tls.crt'), pki.server.pem);
  await writeFile(join(dir, 'data/tls.key'), privateKeyPem(pki.serverKey.privateKey), { mode: 0o644 });
}

beforeAll(async () => {
  project = await tempDir();
  await mkdir(join(project.dir, 'config'));
  await writeFile(join(project.dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(project.dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n'));
  clean = await tempDir();
  await mkdir(join(clean.dir, 'config'));
  await writeFile(join(clean.dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(clean.dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
  await Promise.all([writeTlsFiles(project.dir), writeTlsFiles(clean.dir)]);
});
afterAll(async () => {
  await project.cleanup();
  await clean.cleanup();
});

const oneLine = (text: string) => text.trimEnd().split('\n').length === 1;

describe('command line', () => {
  it('prints the version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r).toMatchObject({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });

  it('prints help, also per command, listing the commands and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Usage: mcp-tunnel-triage \[command\] \[flags\]/);
    expect(r.stdout).toMatch(/diagnose/);
    expect(r.stdout).toMatch(/--from-bundle DIR/);
    expect(r.stdout).toMatch(/2 {2}usage error/);
    const sub = await runCli(['bundle', '--help']);
    expect(sub.stdout).toMatch(/^Usage: mcp-tunnel-triage bundle -o DIR/);
    expect(sub.stdout).toMatch(/-o, --output DIR/);
    expect((await runCli(['help', 'diagnose'])).stdout).toMatch(/^Usage: mcp-tunnel-triage diagnose/);
  });

  it('rejects unknown flags and commands with exit 2 and one line naming --help', async () => {
    for (const args of [['--bogus'], ['frobnicate'], ['diagnose', '--dir'], ['diagnose', '--json=yes'], ['diagnose', 'extra'], ['diagnose', '-o', 'x'], ['help', 'nope']]) {
      const r = await runCli(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(oneLine(r.stderr), r.stderr).toBe(true);
      expect(r.stderr, args.join(' ')).toMatch(/--help/);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
  });

  it('exits 1 with an error finding and 0 without, per SPEC', async () => {
    const docker = await makeScenario(runningComposeRules(project.dir), { tools: ['docker'] });
    const broken = await runCli(['diagnose', '--dir', project.dir], { env: docker.env });
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(/routing\.routes-is-list/);
    // the documented recipe exports TUNNEL_TOKEN in the shell that runs Compose
    await docker.setRules(runningComposeRules(clean.dir));
    const ok = await runCli(['diagnose', '--dir', clean.dir], { env: { ...docker.env, TUNNEL_TOKEN: FAKE_TOKEN } });
    await docker.cleanup();
    expect(ok.stderr).toBe('');
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/no problems found/);
  });

  it('exits 2 with one line when the deployment could not be examined, whatever the files say (SPEC section 3)', async () => {
    // No docker on this PATH: the containers of a Compose project cannot be seen.
    for (const dir of [project.dir, clean.dir]) {
      const r = await runCli(['diagnose', '--dir', dir], { env: { TUNNEL_TOKEN: FAKE_TOKEN } });
      expect(r.exitCode, dir).toBe(2);
      expect(r.stderr).toMatch(/^mcp-tunnel-triage: could not examine the deployment: could not examine the containers of Compose project \S+ \(docker: docker was not found on PATH\); install it, or run this where the deployment runs\n$/);
      // The report still says what it saw, and no layer is called healthy.
      expect(r.stdout).toContain('? Could not examine the deployment:');
      expect(r.stdout).not.toMatch(/✓ no problems found|\+ no problems found/);
      expect(r.stdout).not.toMatch(/[✓+] (Claude|edge|cloudflared|mcp-proxy|mcp)\b/);
    }
  });

  it('prints pure JSON on stdout with --json', async () => {
    const docker = await makeScenario(runningComposeRules(project.dir), { tools: ['docker'] });
    const r = await runCli(['diagnose', '--json', '--dir', project.dir], { env: { ...docker.env, TUNNEL_TOKEN: FAKE_TOKEN } });
    await docker.cleanup();
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(1);
    expect(report.deployment.kind).toBe('compose');
    expect(report.findings[0]).toMatchObject({ id: 'routing.routes-is-list', severity: 'error', layer: 'routing' });
    expect(report.findings[0].evidence[0]).toEqual({ source: 'config/mcp-proxy.yaml', text: 'routes:', line: 7 });
    expect(report.findings[0].fixes[0]).toMatchObject({ id: 'routes-to-map', kind: 'edit', commands: ['docker compose restart mcp-proxy', 'docker compose restart cloudflared'] });
    expect(report.checks[0]).toEqual({ id: expect.any(String), layer: expect.any(String), status: expect.any(String), ms: expect.any(Number) });
  });

  it('writes no colour codes with NO_COLOR or without a terminal', async () => {
    for (const env of [{ NO_COLOR: '1' }, {}]) {
      const r = await runCli(['diagnose', '--dir', project.dir], { env });
      expect(r.stdout).not.toMatch(/\u001b\[/);
    }
  });

  it('runs one symptom and names how to list them for an unknown one', async () => {
    const list = await runCli(['--symptom', 'list']);
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/^routes-list\s+The proxy exits with `cannot unmarshal !!seq/m);
    const bad = await runCli(['diagnose', '--symptom', 'nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('mcp-tunnel-triage: unknown symptom nope; list them with mcp-tunnel-triage --symptom list\n');
    const one = await runCli(['diagnose', '--json', '--symptom', 'key-permission', '--dir', project.dir]);
    const report = JSON.parse(one.stdout);
    expect(report.symptom).toBe('key-permission');
    expect(report.findings.map((f: { id: string }) => f.id)).not.toContain('routing.routes-is-list');
  });

  it('runs the demo on its own copy and says it is a demo', async () => {
    const r = await runCli(['--demo']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/DEMO/);
    const json = JSON.parse((await runCli(['--demo', '--json'])).stdout);
    expect(json.demo).toBe(true);
    const layers = new Set(json.findings.map((f: { layer: string }) => f.layer));
    expect(layers.has('routing')).toBe(true);
    expect((await runCli(['--demo', '--dir', '/tmp'])).exitCode).toBe(2);
  });
});
