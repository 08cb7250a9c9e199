// What a report quotes from a tool is bounded: a docker that prints megabytes where a version belongs puts
// a version-sized line in the report, not its output.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeScenario } from '../helpers/stand-ins.js';
import { composeRules, type ComposeSpec } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('a tool that prints far too much', { timeout: 60_000 }, () => {
  it('the tools line and every note stay short; the report stays small', async () => {
    const t = await tempDir('mtt-quote-');
    cleanups.push(t.cleanup);
    const dir = t.dir;
    await mkdir(join(dir, 'config'));
    await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
    const spec: ComposeSpec = { flavor: 'v2-lines', project: basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, ''), dir, containers: [{ service: 'mcp-proxy', state: 'running' }, { service: 'cloudflared', state: 'running' }] };
    const flood = `2.29.7 ${'x'.repeat(3 * 1024 * 1024)}\n${'y'.repeat(1024)}\n`;
    const sc = await makeScenario(
      [
        { tool: 'docker', args: ['compose', 'version', '--short'], stdoutFile: 'flood.txt' },
        { tool: 'docker-compose', args: ['version', '--short'], stdoutFile: 'flood.txt' },
        ...composeRules(spec),
      ],
      { tools: ['docker', 'docker-compose'], files: { 'flood.txt': flood } },
    );
    cleanups.push(sc.cleanup);
    const json = await runCli(['diagnose', '--dir', dir, '--json'], { env: sc.env });
    const report = JSON.parse(json.stdout) as { notes: string[] };
    const tools = report.notes.find((n) => n.startsWith('tools: '))!;
    expect(tools).toMatch(/^tools: docker .*compose docker compose 2\.29\.7 x+…/);
    expect(tools.length).toBeLessThanOrEqual(300);
    for (const note of report.notes) expect(note.length).toBeLessThanOrEqual(1000);
    expect(json.stdout.length).toBeLessThan(200_000);
    const text = await runCli(['diagnose', '--dir', dir], { env: sc.env });
    expect(text.stdout.length).toBeLessThan(100_000);
  });
});
