// Real Docker: the TLS key at 0600 owned by root, the proxy running as 65532 really gets `permission denied`
// and crash-loops under `restart: unless-stopped`. The product finds it from the real log and the real
// container state, applies key-chown for real (the key stays private), restarts the proxy, and verify sees
// `route configured`. Then the whole tunnel is healthy: cloudflared is up in the proxy's network namespace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { liveProject, byId, documentedCompose, dockerStatus, problems, proxyConfig, skipReason, waitFor } from './harness.js';

const docker = await dockerStatus();

describe.skipIf(skipReason(docker) !== undefined)('real Docker: tls.key-unreadable fixed with key-chown', () => {
  const live = liveProject(docker, import.meta.url, 'key', (images) => ({ compose: documentedCompose(images), config: proxyConfig('routes:\n  mcp: http://10.20.0.15:8080\n  wiki: http://10.20.0.16:3000\n'), key: { uid: 0, gid: 0, mode: 0o600 } }));
  const { token, secret } = live;

  it('diagnoses the key from the real log and container state, fixes it for real, and verifies', async () => {
    const p = live.project;
    // As an operator does: bring the stack up. cloudflared may fail to start while the proxy restarts.
    await p.compose(['up', '-d']);
    await waitFor('the proxy to crash-loop on the key', async () => {
      const c = await p.inspect('mcp-proxy');
      return c && c.RestartCount >= 1 && (await p.logs('mcp-proxy')).includes('open /data/tls.key: permission denied');
    });

    // A crash loop is `running` for the moment between a start and the exit; caught then after its second
    // restart it is "keeps restarting", after its first it looks healthy: gather again (bounded), as an
    // operator re-running diagnose would.
    const before = await waitFor('a gather that catches the proxy down', async () => {
      const r = await p.diagnose();
      return byId(r.report, 'runtime.container-down').some((f) => /mcp-proxy/.test(f.title)) && r;
    }, { attempts: 5, intervalMs: 200 });
    expect(before.exitCode).toBe(1);
    expect(before.report.deployment).toMatchObject({ kind: 'compose', composeFlavor: live.d.flavor, project: p.name });
    expect(before.report.deployment.how).toContain(live.d.flavor === 'v1' ? 'docker-compose (v1)' : 'docker compose (v2)');
    const [key] = byId(before.report, 'tls.key-unreadable');
    expect(key?.severity).toBe('error');
    const sources = key!.evidence.map((e) => `${e.source} ${e.text}`).join('\n');
    expect(sources).toMatch(/data\/tls\.key\s.*mode 0600, owner 0:0; the proxy runs as 65532:65532/);
    expect(sources).toMatch(/logs\/mcp-proxy.*open \/data\/tls\.key: permission denied/);
    expect(key!.fixes.map((f) => f.id)).toEqual(expect.arrayContaining(['key-chown', 'key-chmod']));
    const down = byId(before.report, 'runtime.container-down').find((f) => /mcp-proxy/.test(f.title));
    expect(down?.title).toMatch(/mcp-proxy (is restarting|is exited|keeps restarting)/);
    expect(down?.evidence.map((e) => e.text).join('\n')).toMatch(/permission denied/);
    // cloudflared joins the proxy's network namespace: while the proxy restarts, Docker cannot start it, and says why.
    // (Unless `up` caught the proxy in the moment it runs: then cloudflared started.)
    if ((await p.inspect('cloudflared'))?.State.Status === 'created') {
      const cloudflaredDown = byId(before.report, 'runtime.container-down').find((f) => /^cloudflared is created/.test(f.title));
      // Docker's words depend on the moment: the proxy restarting, not running, its namespace just gone, or its
      // process exiting while runc joined it (runc: "can't get final child's PID from pipe: EOF").
      expect(cloudflaredDown?.evidence[0]?.text).toMatch(/; docker: .*(is restarting|is not running|non running container|namespace path: lstat \/proc\/\d+\/ns\/net: no such file|can't get final child's PID from pipe: EOF)/);
    }

    // The plan first: nothing changes.
    const dry = await p.triage(['fix', 'key-chown', '--dry-run']);
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('$ chown 65532:65532 data/tls.key');
    expect(dry.stdout).toContain(`$ ${live.d.compose.join(' ')} restart mcp-proxy`);
    expect(dry.stdout).toContain(`$ ${live.d.compose.join(' ')} restart cloudflared`);
    expect((await stat(join(p.dir, 'data/tls.key'))).uid).toBe(0);

    const fixed = await p.triage(['fix', 'key-chown', '--yes']);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/Verify: fixed/);
    const keyStat = await stat(join(p.dir, 'data/tls.key'));
    expect([keyStat.uid, keyStat.gid, keyStat.mode & 0o777]).toEqual([65532, 65532, 0o600]); // still private

    // The real state after the fix: the proxy serves, and cloudflared (sharing its network namespace) reaches it.
    const proxy = await p.inspect('mcp-proxy');
    expect(proxy?.State.Status).toBe('running');
    expect(await p.logs('mcp-proxy')).toMatch(/msg="route configured" route=wiki upstream=http:\/\/10\.20\.0\.16:3000/);
    await waitFor('cloudflared to run in the proxy\'s network namespace', () => p.originReachable('cloudflared'), { attempts: 20 });

    const after = await p.diagnose();
    expect(problems(after.report)).toEqual([]);
    expect(after.exitCode).toBe(0);
    expect(byId(after.report, 'edge.connected')[0]?.title).toMatch(/4/);

    // Twice is harmless.
    const again = await p.triage(['fix', 'key-chown', '--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/Nothing to do/);
  }, 300_000);
});
