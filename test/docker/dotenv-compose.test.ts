// The product's reading of `.env` (src/gather/dotenv.ts, src/gather/token.ts) against the real Compose: for
// each way a TUNNEL_TOKEN line is written, what `config` says cloudflared gets, next to what the product
// thinks it gets. `config` needs no daemon and starts nothing. Then the one case where they differed (an
// unclosed quote), live: what cloudflared really gets, and the fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ComposeProject, buildImages, byId, documentedCompose, dockerStatus, expectNoSecret, fakeTunnelToken, problems, proxyConfig, reportRan, run, skipReason, waitFor, type DockerReady } from './harness.js';
import { locateTunnelToken } from '../../src/gather/token.js';

const docker = await dockerStatus();
const COMPOSE = 'services:\n  cloudflared:\n    image: cloudflare/cloudflared:latest\n    command: tunnel --no-autoupdate run --url http://localhost:8080\n    environment:\n      - TUNNEL_TOKEN\n';

describe.skipIf(skipReason(docker) !== undefined)('real Compose: what TUNNEL_TOKEN in .env becomes', () => {
  let d: DockerReady;
  let dir: string;
  const { token } = fakeTunnelToken();
  const half = Math.floor(token.length / 2);

  beforeAll(async () => {
    if (!docker.ok) throw new Error(`REQUIRE_DOCKER=1 but the real-Docker tests cannot run: ${docker.reason}`);
    d = docker;
    await reportRan(import.meta.url, d);
    dir = await mkdtemp(join(tmpdir(), 'mtt-e2e-env-'));
    await writeFile(join(dir, 'docker-compose.yaml'), COMPOSE);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** What Compose passes cloudflared (undefined: nothing), from a shell without TUNNEL_TOKEN. */
  async function composeSees(dotenv: string): Promise<string | undefined> {
    await writeFile(join(dir, '.env'), dotenv);
    const r = await run([...d.compose, 'config'], { DOCKER_HOST: d.host, TUNNEL_TOKEN: undefined }, { cwd: dir });
    if (r.exitCode !== 0) return `(compose refused: ${r.stderr.trim().split('\n').pop()})`;
    const value = (parse(r.stdout) as { services: { cloudflared: { environment?: Record<string, string | null> } } }).services.cloudflared.environment?.TUNNEL_TOKEN;
    return value === null || value === undefined ? undefined : String(value);
  }

  const productSees = (dotenv: string) => locateTunnelToken({ composePath: 'docker-compose.yaml', composeText: COMPOSE, dotenv: { path: '.env', text: dotenv }, envFiles: {}, env: {} });

  const cases: [string, (t: string) => string][] = [
    ['plain', (t) => `TUNNEL_TOKEN=${t}\n`],
    ['double quotes', (t) => `TUNNEL_TOKEN="${t}"\n`],
    ['single quotes', (t) => `TUNNEL_TOKEN='${t}'\n`],
    ['spaces around', (t) => `TUNNEL_TOKEN= ${t} \n`],
    ['a comment after', (t) => `TUNNEL_TOKEN=${t} # from the tunnel page\n`],
    ['export', (t) => `export TUNNEL_TOKEN=${t}\n`],
    ['CRLF', (t) => `TUNNEL_TOKEN=${t}\r\nOTHER=1\r\n`],
    ['double inside single quotes', (t) => `TUNNEL_TOKEN='"${t}"'\n`],
    ['wrapped inside double quotes', (t) => `TUNNEL_TOKEN="${t.slice(0, half)}\n${t.slice(half)}"\n`],
    ['an opening quote never closed', (t) => `TUNNEL_TOKEN="${t}\nOTHER=1\n`],
  ];

  it.each(cases)('%s: the product judges the value Compose passes', async (_name, make) => {
    const text = make(token);
    const real = await composeSees(text);
    const mine = productSees(text)!;
    if (real === token) {
      expect(mine, `Compose passes the token as is; the product says ${mine.problem}: ${mine.detail}`).toMatchObject({ present: true });
      expect(mine.problem).toBeUndefined();
    } else if (real === undefined || real.startsWith('(compose refused')) {
      // Compose passes nothing: the product must not call the value good.
      expect(mine.present && mine.problem === undefined, `Compose passes ${real ?? 'nothing'}; the product says it is fine`).toBe(false);
      expect(mine.problem).toBe('unclosed-quote');
    } else {
      // Compose passes something else (quotes or a line break kept): the product names a problem.
      expect(mine.problem, `Compose passes a changed value; the product says ${JSON.stringify(mine)}`).toBeDefined();
    }
  }, 60_000);

  it('an unclosed quote, live: cloudflared starts without a token; env-token-unquote fixes the line, recreates it, verifies', async () => {
    const images = await buildImages(d, 'dotenv');
    const { token: live, secret } = fakeTunnelToken();
    const p = await ComposeProject.create(d, { compose: documentedCompose(images), config: proxyConfig('routes:\n  mcp: http://10.20.0.15:8080\n') }, live);
    try {
      await writeFile(join(p.dir, '.env'), `TUNNEL_TOKEN="${live}\nCOMPOSE_HTTP_TIMEOUT=120\n`);
      const shell = { DOCKER_HOST: d.host, TUNNEL_TOKEN: undefined }; // a shell without the token: .env is all there is
      await p.compose(['up', '-d'], shell);
      await waitFor('cloudflared to stop for want of a token', async () => (await p.logs('cloudflared')).includes('requires the ID or name of the tunnel'));

      const before = await p.triage(['diagnose', '--json'], shell);
      const report = JSON.parse(before.stdout) as Parameters<typeof byId>[0];
      expect(byId(report, 'edge.token-malformed')[0]?.detail).toMatch(/opens a quote that is never closed \(\.env:1/);
      expect(byId(report, 'edge.token-missing')[0]?.evidence.map((e) => e.text).join('\n')).toContain('requires the ID or name of the tunnel');

      const fixed = await p.triage(['fix', 'env-token-unquote', '--yes'], shell);
      expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
      expect(fixed.stdout).toContain('-TUNNEL_TOKEN="[REDACTED]\n    +TUNNEL_TOKEN=[REDACTED]\n     COMPOSE_HTTP_TIMEOUT=120');
      expect(fixed.stdout).toMatch(/Verify: fixed/);
      expect(await readFile(join(p.dir, '.env'), 'utf8')).toBe(`TUNNEL_TOKEN=${live}\nCOMPOSE_HTTP_TIMEOUT=120\n`);
      await waitFor('cloudflared to connect', async () => (await p.logs('cloudflared')).includes('Registered tunnel connection'));
      const after = await p.triage(['diagnose', '--json'], shell);
      expect(problems(JSON.parse(after.stdout) as Parameters<typeof problems>[0])).toEqual([]);
      expectNoSecret(p.outputs, [live, secret]);
    } finally {
      await p.down();
      await images.remove();
    }
  }, 300_000);
});
