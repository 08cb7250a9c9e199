import { describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readBundle, writeBundle, BundleError, BUNDLE_FORMAT } from '../../src/snapshot/bundle.js';
import { readBundleForAnalysis } from '../../src/commands/load.js';
import { analyze } from '../../src/analyze/index.js';
import { runCli } from '../helpers/cli.js';
import { testKit } from '../helpers/test-kit.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';

const { folder: dir } = testKit('mtt-bundle-');
async function put(root: string, rel: string, content: string | Buffer) {
  await mkdir(join(root, rel, '..'), { recursive: true });
  await writeFile(join(root, rel), content);
}

const LIST_CONFIG = proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n');

describe('bundle reader', () => {
  it('reads a hand-made bundle with only files/, guessing roles from names', async () => {
    const root = await dir();
    await put(root, 'files/docker-compose.yaml', DOCUMENTED_COMPOSE);
    await put(root, 'files/config/mcp-proxy.yaml', LIST_CONFIG);
    const s = await readBundle(root);
    expect(s.origin).toBe('bundle');
    expect(s.deployment.kind).toBe('compose');
    expect(s.deployment.paths).toMatchObject({ compose: 'docker-compose.yaml', config: 'config/mcp-proxy.yaml' });
    expect(s.deployment.how).toMatch(/no manifest\.json/);
    expect(analyze(s).findings.map((f) => f.id)).toContain('routing.routes-is-list');
  });

  it('reads a bundle with only logs/, mapping names to sources and noting the rest', async () => {
    const root = await dir();
    await put(root, 'logs/cloudflared.log', 'INF Registered tunnel connection connIndex=0\n');
    await put(root, 'logs/mcp-gateway.log', 'route configured\n');
    await put(root, 'logs/random.log', 'x\n');
    const s = await readBundle(root);
    expect(s.logs.cloudflared?.text).toContain('Registered tunnel connection');
    expect(s.logs['mcp-proxy']?.text).toBe('route configured\n');
    expect(s.notes.join('\n')).toMatch(/ignored logs\/random\.log/);
    expect(s.deployment.kind).toBe('unknown');
  });

  it('keeps binary and invalid UTF-8 files as bytes rather than failing', async () => {
    const root = await dir();
    await put(root, 'files/data/tls.crt', Buffer.from([0x30, 0x82, 0x00, 0xff, 0xfe]));
    const s = await readBundle(root);
    expect(s.files['data/tls.crt']).toEqual({ base64: Buffer.from([0x30, 0x82, 0x00, 0xff, 0xfe]).toString('base64') });
  });

  it('fails with one clear line for a missing folder, a file, an empty folder and a broken manifest', async () => {
    const root = await dir();
    await expect(readBundle(join(root, 'nope'))).rejects.toThrow(/does not exist/);
    await put(root, 'afile', 'x');
    await expect(readBundle(join(root, 'afile'))).rejects.toThrow(/is not a folder/);
    const empty = join(root, 'empty');
    await mkdir(empty);
    await expect(readBundle(empty)).rejects.toThrow(/holds nothing to analyze/);
    const broken = join(root, 'broken');
    await put(broken, 'manifest.json', '{"format": "mcp-tunnel-triage-bundle/1", ');
    await expect(readBundle(broken)).rejects.toBeInstanceOf(BundleError);
    await expect(readBundle(broken)).rejects.toThrow(/manifest\.json is not valid JSON/);
    const foreign = join(root, 'foreign');
    await put(foreign, 'manifest.json', '{"format": "something-else/2"}');
    await expect(readBundle(foreign)).rejects.toThrow(/this tool reads only its own bundles/);
    const array = join(root, 'array');
    await put(array, 'manifest.json', '[1,2]');
    await expect(readBundle(array)).rejects.toThrow(/not a JSON object/);
  });

  it('says so on the command line: exit 2, one line, no stack', async () => {
    const root = await dir();
    await put(root, 'manifest.json', 'not json');
    const r = await runCli(['diagnose', '--from-bundle', root]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/manifest\.json is not valid JSON/);
    const missing = await runCli(['diagnose', '--from-bundle', join(root, 'missing')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });
});

describe('bundle writer', () => {
  it('round-trips a snapshot to the same findings, keeping metadata and withholding keys', async () => {
    const s = snapshotOf({
      files: {
        'docker-compose.yaml': DOCUMENTED_COMPOSE,
        'config/mcp-proxy.yaml': LIST_CONFIG,
        'data/tls.key': { withheld: true, meta: { mode: 0o100600, uid: 0, gid: 0, size: 1704, mtimeMs: 1 }, keyInfo: { type: 'rsa', bits: 2048 } },
      },
      logs: { 'mcp-proxy': 'open /data/tls.key: permission denied\n' },
      state: { containers: [{ service: 'mcp-proxy', name: 'x-mcp-proxy-1', state: 'restarting' }] },
    });
    const out = join(await dir(), 'bundle');
    const manifest = await writeBundle(s, out);
    expect(manifest.format).toBe(BUNDLE_FORMAT);
    expect(manifest.redacted).toContainEqual({ path: 'files/data/tls.key', what: expect.stringMatching(/withheld/) });
    await expect(stat(join(out, 'files/data/tls.key'))).rejects.toThrow();
    const back = await readBundleForAnalysis(out);
    expect(back.files['data/tls.key']).toMatchObject({ withheld: true, meta: { mode: 0o100600 }, keyInfo: { bits: 2048 } });
    expect(back.state.containers).toEqual(s.state.containers);
    expect(back.deployment.paths).toEqual(s.deployment.paths);
    expect(analyze(back).findings).toEqual(analyze(s).findings);
  });

  it('redacts secrets in files, logs and state', async () => {
    const token = 'eyJhIjoiMTIzNDU2Nzg5MGFiY2RlZiIsInQiOiJhYmMiLCJzIjoic2VjcmV0c2VjcmV0In0=';
    const s = snapshotOf({
      files: { '.env': `TUNNEL_TOKEN=${token}\n`, 'docker-compose.yaml': DOCUMENTED_COMPOSE },
      logs: { cloudflared: `2026-11-28T00:00:00Z INF Starting tunnel tunnelID=x --token ${token}\n` },
      state: { note: `Authorization: Bearer abcdefghijklmnop` },
    });
    const out = join(await dir(), 'b');
    await writeBundle(s, out);
    const all = await Promise.all(
      (await readdir(out, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')),
    );
    const text = all.join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).toContain('TUNNEL_TOKEN=[REDACTED]');
  });

  it('refuses a folder that is not empty and leaves no partial bundle behind', async () => {
    const root = await dir();
    await put(root, 'taken/x', 'keep');
    await expect(writeBundle(snapshotOf({}), join(root, 'taken'))).rejects.toThrow(/not empty/);
    expect(await readdir(join(root, 'taken'))).toEqual(['x']);
    expect((await readdir(root)).filter((n) => n.includes('partial'))).toEqual([]);
  });
});
