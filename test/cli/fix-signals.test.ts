// A fatal signal during a fix (SIGINT from Ctrl-C, SIGTERM from a supervisor, SIGHUP from a dropped
// terminal) takes one path: the running command is stopped, the edited file is put back from its backup,
// the tool says so, and exits 128+n. The built bin, a real project folder, a stand-in docker whose restart
// hangs until it is killed.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { constants } from 'node:os';
import { execa } from 'execa';
import { BIN, tempDir } from '../helpers/cli.js';
import { gone } from '../helpers/processes.js';
import { makeScenario, type Scenario } from '../helpers/stand-ins.js';
import { composeLogOutput, composeRules, type ComposeSpec } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

const LIST = proxyConfig('# routes, one per MCP server\nroutes:\n  - mcp: http://10.0.0.5:8080   # the MCP server\n');
const PROXY_FAILS = ['time=2026-11-28T03:10:00Z level=ERROR msg="load config" err="yaml: unmarshal errors:\\n  line 9: cannot unmarshal !!seq into map[string]string"'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(): Promise<{ dir: string; sc: Scenario }> {
  const t = await tempDir('mtt-fixsig-');
  cleanups.push(t.cleanup);
  const dir = t.dir;
  await mkdir(join(dir, 'config'));
  await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(dir, 'config/mcp-proxy.yaml'), LIST);
  const spec: ComposeSpec = {
    flavor: 'v2-lines',
    project: basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, ''),
    dir,
    containers: [
      { service: 'mcp-proxy', state: 'running', user: '65532:65532' },
      { service: 'cloudflared', state: 'running' },
    ],
  };
  const restartHangs = { tool: 'docker' as const, args: ['compose', 'restart', 'mcp-proxy'], hang: true };
  const logs = { tool: 'docker' as const, args: ['compose', 'logs', 'mcp-proxy'], match: 'contains' as const, stdout: composeLogOutput(spec, 'mcp-proxy', PROXY_FAILS) };
  const sc = await makeScenario([restartHangs, logs, ...composeRules(spec)], { tools: ['docker'] });
  cleanups.push(sc.cleanup);
  return { dir, sc };
}

describe('a fatal signal during a fix', { timeout: 90_000 }, () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s: the restart is stopped, the config put back, said so, exit 128+n', async (signal) => {
    const { dir, sc } = await setup();
    const run = execa(process.execPath, [BIN, 'fix', 'routes-to-map', '--yes', '--no-network', '--dir', dir], { env: { ...sc.env, NO_COLOR: '1' }, reject: false });
    const until = Date.now() + 45_000;
    let restart;
    while (!restart && Date.now() < until) {
      restart = (await sc.calls()).find((c) => c.args.join(' ') === 'compose restart mcp-proxy');
      if (!restart) await new Promise((r) => setTimeout(r, 50));
    }
    expect(restart, 'the restart started').toBeDefined();
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).not.toBe(LIST); // the edit was made
    run.kill(signal);
    const r = await run;
    expect(r.exitCode).toBe(128 + constants.signals[signal]);
    expect(await readFile(join(dir, 'config/mcp-proxy.yaml'), 'utf8')).toBe(LIST);
    expect(r.stdout).toMatch(/cancelled at step 2; put config\/mcp-proxy\.yaml back as it was/);
    expect(r.stderr).toMatch(new RegExp(`${signal}: stopping`));
    expect(await gone([restart!.pid!])).toEqual([]);
  });
});
