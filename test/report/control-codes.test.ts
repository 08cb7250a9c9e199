// Terminal control codes from outside (a tool's stderr, a pod's waiting reason, `compose version`'s output,
// a fix's live output, a path argument) never reach the terminal or a report raw: OSC 52 (a clipboard
// write), ESC[2J (clear the screen), C1 controls. One sanitizer; our own colours stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { printable, terminalSafe } from '../../src/snapshot/printable.js';
import { paint } from '../../src/report/style.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeScenario, type Rule } from '../helpers/stand-ins.js';
import { composeRules, kubeRules, type ComposeSpec, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { copyText } from '../../src/wizard/copy.js';
import type { Finding } from '../../src/analyze/types.js';

const OSC52 = '\u001b]52;c;cm0gLXJmIH4vCg==\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const C1 = '\u009b2J\u009d52;c;eA==\u009c';
const HOSTILE = `${OSC52}${CLEAR}${C1}\u0008\u0008`;
/** Anything a terminal would act on: ESC, BEL, C0 but tab and newline, DEL, C1, bidi overrides. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => (out.push(k), strings(v, out)));
  return out;
}

describe('the sanitizer', () => {
  it('drops escape sequences (CSI, OSC with BEL or ST, C1 forms) and other controls; keeps text, tabs and newlines', () => {
    expect(printable(`a${OSC52}b${CLEAR}c${C1}d\u0007e\u0000f\tg\nh\u202eevil`)).toBe('abcdef\tg\nhevil');
    expect(printable('\u001b]52;c;unterminated clipboard write')).toBe('');
    expect(printable('plain: ünïcödé ✓ — fine')).toBe('plain: ünïcödé ✓ — fine');
    expect(printable('line\r\nnext')).toBe('line\nnext');
  });

  it('terminalSafe keeps the colours this tool paints and nothing else', () => {
    const ours = paint({ color: true, unicode: true }, 'red', 'error');
    expect(terminalSafe(`${ours} ${HOSTILE} \u001b[8mhidden\u001b[0m`)).toBe(`${ours}  hidden`);
  });
});

describe('control codes planted in what the tools print', { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  let dir: string;
  beforeAll(async () => {
    const t = await tempDir('mtt-ctl-');
    cleanups.push(t.cleanup);
    // A path argument with control codes in it: the folder's own name.
    dir = join(t.dir, `proj${OSC52}x`);
    await mkdir(join(dir, 'config'), { recursive: true });
    await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n'));
  });

  async function compose(): Promise<Record<string, string>> {
    const spec: ComposeSpec = {
      flavor: 'v2-lines',
      project: basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, ''),
      dir,
      containers: [
        { service: 'mcp-proxy', state: 'restarting', exitCode: 1, user: '65532:65532' },
        { service: 'cloudflared', state: 'running' },
      ],
      logs: { 'mcp-proxy': [`level=ERROR msg="load config" err="cannot unmarshal !!seq into map[string]string ${HOSTILE}"`] },
    };
    const hostile: Rule[] = [
      { tool: 'docker', args: ['compose', 'version', '--short'], stdout: `2.29.7${HOSTILE}\n` },
      { tool: 'docker', args: ['compose', 'restart', 'mcp-proxy'], stderr: ` Container x  Restarting${HOSTILE}\n Container x  Started\n` },
      { tool: 'docker', args: ['compose', 'restart', 'cloudflared'], stderr: ` Container y  Restarting\n` },
    ];
    const sc = await makeScenario([...hostile, ...composeRules(spec)], { tools: ['docker'] });
    cleanups.push(sc.cleanup);
    return sc.env;
  }

  it('diagnose (text and --json) on a Compose host', async () => {
    const env = await compose();
    const text = await runCli(['diagnose', '--dir', dir], { env });
    expect(text.stdout).toMatch(/routes/); // it really looked
    expect(text.stdout).toMatch(/compose 2\.29\.7/); // the version, cleaned, is still shown
    expect(text.stdout + text.stderr).not.toMatch(CONTROL);
    const json = await runCli(['diagnose', '--dir', dir, '--json'], { env });
    expect(json.stdout).not.toMatch(CONTROL);
    for (const s of strings(JSON.parse(json.stdout))) expect(s).not.toMatch(CONTROL);
  });

  it("a fix's plan and live output", async () => {
    const env = await compose();
    const r = await runCli(['fix', 'routes-to-map', '--yes', '--dir', dir], { env });
    expect(r.stdout).toMatch(/Restarting/);
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
  });

  it('a tool whose stderr carries them (docker version failing)', async () => {
    const sc = await makeScenario([{ tool: 'docker', args: ['version'], match: 'prefix', exitCode: 1, stderr: `Cannot connect to the Docker daemon${HOSTILE} at unix:///var/run/docker.sock. Is the docker daemon running?\n` }], { tools: ['docker'], fallback: { tool: 'docker', exitCode: 1, stderr: `error${HOSTILE}\n` } });
    cleanups.push(sc.cleanup);
    for (const args of [['diagnose', '--dir', dir], ['diagnose', '--dir', dir, '--json']]) {
      const r = await runCli(args, { env: sc.env });
      expect(r.stdout + r.stderr).toMatch(/Cannot connect to the Docker daemon/);
      expect(r.stdout + r.stderr).not.toMatch(CONTROL);
    }
  });

  it("a pod's waiting reason (kubectl)", async () => {
    const t = await tempDir('mtt-ctl-kube-');
    cleanups.push(t.cleanup);
    const spec: KubeSpec = { namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods: [{ name: 'mcp-tunnel-6b7f9c8d4-4xk2p', ip: '127.0.0.21', containers: [{ name: 'mcp-proxy', state: 'crashloop', restartCount: 4 }, { name: 'cloudflared', state: 'running' }] }] };
    const escaped = JSON.stringify(HOSTILE).slice(1, -1);
    const rules = kubeRules(spec).map((r) => (r.stdout?.includes('"CrashLoopBackOff"') ? { ...r, stdout: r.stdout.replaceAll('"CrashLoopBackOff"', `"CrashLoopBackOff${escaped}"`) } : r));
    expect(rules.some((r) => r.stdout?.includes(escaped))).toBe(true);
    const sc = await makeScenario(rules, { tools: ['kubectl', 'helm'] });
    cleanups.push(sc.cleanup);
    for (const args of [['diagnose', '--dir', t.dir, '--kube'], ['diagnose', '--dir', t.dir, '--kube', '--json']]) {
      const r = await runCli(args, { env: sc.env });
      expect(r.stdout).toMatch(/CrashLoopBackOff/);
      expect(r.stdout + r.stderr).not.toMatch(CONTROL);
      if (args.includes('--json')) for (const s of strings(JSON.parse(r.stdout))) expect(s).not.toMatch(CONTROL);
    }
  });

  it('a path argument in an error line, and the clipboard copy', async () => {
    const r = await runCli(['diagnose', '--from-bundle', join(dir, `missing${CLEAR}`)]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
    expect(r.stderr).not.toMatch(CONTROL);
    const finding = { id: 'x', title: `t${OSC52}`, fixes: [{ id: 'f', title: 'f', kind: 'command', commands: [`docker compose restart ${CLEAR}mcp-proxy`] }] } as unknown as Finding;
    expect(copyText(finding, dir)).not.toMatch(CONTROL);
  });
});
