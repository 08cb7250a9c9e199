// Real Docker: `routes` written as a YAML list. The proxy exits on `cannot unmarshal !!seq into
// map[string]string` and Compose restarts it; the product rewrites the list as a map (comments kept, a backup
// beside it, written by rename), restarts the proxy, and verify sees each route configured. The config is a
// single-file bind mount: the restarted container must see the new file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { liveProject, byId, documentedCompose, dockerStatus, problems, proxyConfig, skipReason, waitFor } from './harness.js';

const docker = await dockerStatus();
const ROUTES = `# one route per MCP server
routes:
  - mcp: http://10.20.0.15:8080   # the MCP server
  - wiki: http://10.20.0.16:3000
`;

describe.skipIf(skipReason(docker) !== undefined)('real Docker: routing.routes-is-list fixed with routes-to-map', () => {
  const live = liveProject(docker, import.meta.url, 'routes', (images) => ({ compose: documentedCompose(images), config: proxyConfig(ROUTES) }));
  const { token, secret } = live;

  it('finds the list from the real log, rewrites it as a map, restarts the proxy and verifies', async () => {
    const p = live.project;
    await p.compose(['up', '-d']);
    await waitFor('the proxy to exit on the list', async () => (await p.logs('mcp-proxy')).includes('cannot unmarshal !!seq into map[string]string'));

    const before = await p.diagnose();
    expect(before.exitCode).toBe(1);
    const [list] = byId(before.report, 'routing.routes-is-list');
    expect(list?.severity).toBe('error');
    const evidence = list!.evidence.map((e) => `${e.source}${e.line ? `:${e.line}` : ''} ${e.text}`).join('\n');
    expect(evidence).toMatch(/logs\/mcp-proxy.*line 10: cannot unmarshal !!seq into map\[string\]string/); // the first item, as Go's yaml says
    expect(evidence).toMatch(/config\/mcp-proxy\.yaml/);
    expect(list!.fixes.map((f) => f.id)).toContain('routes-to-map');

    const fixed = await p.triage(['fix', 'routes-to-map', '--yes']);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('+  mcp: http://10.20.0.15:8080 # the MCP server');
    expect(fixed.stdout).toContain(`$ ${live.d.compose.join(' ')} restart mcp-proxy`);
    expect(fixed.stdout).toMatch(/Verify: fixed: routing\.routes-is-list: gone/);

    const text = await readFile(join(p.dir, 'config/mcp-proxy.yaml'), 'utf8');
    expect(parse(text).routes).toEqual({ mcp: 'http://10.20.0.15:8080', wiki: 'http://10.20.0.16:3000' });
    expect(text).toContain('# one route per MCP server');
    expect(text).toContain('# the MCP server');
    expect((await readdir(join(p.dir, 'config'))).filter((n) => n.startsWith('mcp-proxy.yaml.bak-'))).toHaveLength(1);

    // The restarted container read the new file through its single-file bind mount.
    const log = await p.logs('mcp-proxy');
    expect(log).toMatch(/msg="route configured" route=mcp upstream=http:\/\/10\.20\.0\.15:8080/);
    expect(log).toMatch(/msg="route configured" route=wiki upstream=http:\/\/10\.20\.0\.16:3000/);
    expect((await p.inspect('mcp-proxy'))?.State.Status).toBe('running');
    await waitFor('cloudflared to run in the proxy\'s network namespace', () => p.originReachable('cloudflared'), { attempts: 20 });

    const after = await p.diagnose();
    expect(problems(after.report)).toEqual([]);
    expect(after.exitCode).toBe(0);
  }, 300_000);
});
