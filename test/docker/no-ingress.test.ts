// Real Docker: cloudflared started without --url (and outside the proxy's network namespace) has no ingress.
// The product finds it from the Compose file and the real log, adds --url and network_mode, and recreates
// cloudflared with the TUNNEL_TOKEN of this shell; from a shell without the token it edits the file but leaves
// the container alone (Compose would pass an empty token) and says what to run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { liveProject, byId, documentedCompose, dockerStatus, problems, proxyConfig, skipReason, waitFor } from './harness.js';

const docker = await dockerStatus();

describe.skipIf(skipReason(docker) !== undefined)('real Docker: edge.no-ingress fixed with cloudflared-ingress', () => {
  const live = liveProject(docker, import.meta.url, 'ingress', (images) => {
    const compose = documentedCompose(images, { cloudflaredCommand: 'tunnel --no-autoupdate run', cloudflaredNetwork: false });
    return { compose, config: proxyConfig('routes:\n  mcp: http://10.20.0.15:8080\n') };
  });
  const { token, secret, tunnelId } = live;

  it('finds no ingress; without the token edits but does not recreate; with it recreates and verifies', async () => {
    const p = live.project;
    await p.compose(['up', '-d']);
    await waitFor('cloudflared to say it has no ingress', async () => (await p.logs('cloudflared')).includes('No ingress rules were defined'));
    const composeBefore = await readFile(join(p.dir, 'docker-compose.yaml'), 'utf8');
    const createdBefore = (await p.inspect('cloudflared'))!.Id;

    const before = await p.diagnose();
    expect(before.exitCode).toBe(1);
    const noIngress = byId(before.report, 'edge.no-ingress');
    expect(noIngress.length).toBeGreaterThan(0);
    const evidence = noIngress.flatMap((f) => f.evidence.map((e) => `${e.source} ${e.text}`)).join('\n');
    expect(evidence).toMatch(/logs\/cloudflared.*No ingress rules were defined/);
    expect(noIngress.flatMap((f) => f.fixes.map((x) => x.id))).toContain('cloudflared-ingress');
    expect(byId(before.report, 'edge.connected')[0]?.title).toMatch(/4/); // connected, but nowhere to send requests

    // A fresh shell (no TUNNEL_TOKEN): the edit is made, but cloudflared is not recreated with an empty token;
    // the plan says to recreate it from a shell that has the token.
    const fresh = await p.triage(['fix', 'cloudflared-ingress', '--yes'], { DOCKER_HOST: live.d.host, TUNNEL_TOKEN: undefined });
    expect(fresh.exitCode, fresh.stdout + fresh.stderr).toBe(1);
    expect(fresh.stdout).toMatch(/for you: Recreate cloudflared from a shell that has the token/);
    expect(fresh.stdout).toMatch(/Verify: not fixed/);
    expect(await readFile(join(p.dir, 'docker-compose.yaml'), 'utf8')).not.toBe(composeBefore);
    expect((await p.inspect('cloudflared'))!.Id).toBe(createdBefore);

    // With the token exported, as the plan said: the file is right now, so only the recreate is left, and
    // only cloudflared is recreated (--no-deps: Compose v1 would recreate the running proxy with it).
    const proxyBefore = (await p.inspect('mcp-proxy'))!;
    const fixed = await p.triage(['fix', 'cloudflared-ingress', '--yes']);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/Plan: 1 step/);
    expect(fixed.stdout).toContain(`$ ${live.d.compose.join(' ')} up -d --force-recreate --no-deps cloudflared`);
    const proxyAfter = (await p.inspect('mcp-proxy'))!;
    expect([proxyAfter.Id, proxyAfter.State.StartedAt]).toEqual([proxyBefore.Id, proxyBefore.State.StartedAt]);
    expect(fixed.stdout).toMatch(/Verify: fixed/);

    const file = parse(await readFile(join(p.dir, 'docker-compose.yaml'), 'utf8'));
    expect(file.services.cloudflared.command).toBe('tunnel --no-autoupdate run --url http://localhost:8080');
    expect(file.services.cloudflared.network_mode).toBe('service:mcp-proxy');
    // Recreated for real: a new container, in the proxy's namespace, with the command and the token it was given.
    const cf = (await p.inspect('cloudflared'))!;
    const proxy = (await p.inspect('mcp-proxy'))!;
    expect(cf.Id).not.toBe(createdBefore);
    expect(cf.HostConfig.NetworkMode).toBe(`container:${proxy.Id}`);
    expect(cf.Config.Cmd).toEqual(['tunnel', '--no-autoupdate', 'run', '--url', 'http://localhost:8080']);
    const log = await p.logs('cloudflared');
    expect(log).toContain(`Starting tunnel tunnelID=${tunnelId}`);
    expect(log).not.toContain('No ingress rules were defined');
    await waitFor('cloudflared to reach the proxy on localhost:8080', () => p.originReachable('cloudflared'), { attempts: 20 });

    const after = await p.diagnose();
    expect(problems(after.report)).toEqual([]);
    expect(after.exitCode).toBe(0);
  }, 300_000);
});
