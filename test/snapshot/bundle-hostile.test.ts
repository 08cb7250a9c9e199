// A bundle is input from someone else: symlinks out of it are refused, every JSON file is checked against
// its schema (one line naming the file and the field), nesting is bounded before anything recurses, and
// memory stays bounded whatever the number and size of its files.
import { afterEach, describe, expect, it } from 'vitest';
import { link, mkdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readBundle, BundleError } from '../../src/snapshot/bundle.js';
import { runCli, tempDir, BIN } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function dir(prefix = 'mtt-hostile-'): Promise<string> {
  const t = await tempDir(prefix);
  cleanups.push(t.cleanup);
  return t.dir;
}
async function put(root: string, rel: string, content: string | Buffer) {
  await mkdir(join(root, rel, '..'), { recursive: true });
  await writeFile(join(root, rel), content);
}
/** A valid small bundle to break one part of. */
async function bundle(): Promise<string> {
  const root = await dir();
  await put(root, 'files/docker-compose.yaml', DOCUMENTED_COMPOSE);
  await put(root, 'files/config/mcp-proxy.yaml', proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n'));
  await put(root, 'logs/mcp-proxy.log', 'level=INFO msg="route configured" route=mcp\n');
  return root;
}

async function refusal(root: string): Promise<string> {
  const err = await readBundle(root).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BundleError);
  const message = (err as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  return message;
}

describe('symlinks in a bundle are refused', () => {
  it.each(['files', 'logs', 'state'])('%s/ as a symlink out of the bundle', async (folder) => {
    const root = await bundle();
    const outside = await dir('mtt-outside-');
    await put(outside, 'x.log', 'outside\n');
    await rm(join(root, folder), { recursive: true, force: true });
    await symlink(outside, join(root, folder));
    expect(await refusal(root)).toMatch(new RegExp(`${folder}/ is a symlink \\(to ${outside.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
  });

  it('a file inside files/ or logs/, or manifest.json, as a symlink', async () => {
    const outside = await dir('mtt-outside-');
    await put(outside, 'secret', 'root:x:0:0\n');
    for (const rel of ['files/data/tls.crt', 'logs/cloudflared.log', 'manifest.json', 'state/state.json']) {
      const root = await bundle();
      await mkdir(join(root, rel, '..'), { recursive: true });
      await symlink(join(outside, 'secret'), join(root, rel));
      expect(await refusal(root)).toMatch(new RegExp(`^bundle .*: ${rel.replace('.', '\\.')} is a symlink`));
    }
  });

  it('on the command line: exit 2, one line, nothing read through the link', async () => {
    const root = await bundle();
    await rm(join(root, 'files'), { recursive: true });
    await symlink('/usr', join(root, 'files'));
    const r = await runCli(['diagnose', '--from-bundle', root, '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^mcp-tunnel-triage: bundle .*: files\/ is a symlink \(to \/usr\)/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('JSON files are checked against their schema', () => {
  it.each([
    ['state/state.json', '{"containers": "mcp-proxy"}', /state\/state\.json: containers: expected array, received string/],
    ['state/state.json', '{"containers": [{"service": 5, "name": "x", "state": "running"}]}', /state\/state\.json: containers\.0\.service: expected string, received number/],
    ['state/state.json', '{"token": {"present": "yes"}}', /state\/state\.json: token\.present: expected boolean, received string/],
    ['state/state.json', '[1, 2]', /^state\/state\.json is not a JSON object/],
    ['state/files.json', '{"data/tls.key": {"meta": {"mode": "rw", "uid": 0, "gid": 0, "size": 1, "mtimeMs": 0}}}', /state\/files\.json: data\/tls\.key\.meta\.mode: expected number, received string/],
    ['manifest.json', '{"format": "mcp-tunnel-triage-bundle/1", "created": "2026-11-28T00:00:00Z", "deployment": {"kind": 5, "how": "x", "paths": {}}}', /manifest\.json: deployment\.kind: /],
    ['manifest.json', '{"format": "mcp-tunnel-triage-bundle/1", "created": "2026-11-28T00:00:00Z", "deployment": {"kind": "compose", "how": "x", "paths": {"compose": ["a"]}}}', /manifest\.json: deployment\.paths\.compose: expected string, received array/],
    ['manifest.json', '{"format": "mcp-tunnel-triage-bundle/1", "notes": "one"}', /manifest\.json: notes: expected array, received string/],
  ])('%s %s', async (file, json, expected) => {
    const root = await bundle();
    await put(root, file, json);
    expect(await refusal(root)).toMatch(expected);
  });

  it('on the command line, with --json too: exit 2, one line naming the file and field, never an internal error', async () => {
    const root = await bundle();
    await put(root, 'state/state.json', '{"containers": [{"service": "mcp-proxy", "name": "x", "state": "running", "restartCount": "many"}]}');
    for (const args of [['diagnose', '--from-bundle', root], ['diagnose', '--from-bundle', root, '--json']]) {
      const r = await runCli(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe('mcp-tunnel-triage: state/state.json: containers.0.restartCount: expected number, received string; fix it, or delete the file to read the bundle without it\n');
    }
  });
});

describe('nesting is bounded before anything recurses', () => {
  const deep = (n: number) => `{"format": "mcp-tunnel-triage-bundle/1", "notes": ${'['.repeat(n)}${']'.repeat(n)}}`;
  it.each(['manifest.json', 'state/state.json'])('%s nested 200,000 deep', async (file) => {
    const root = await bundle();
    await put(root, file, file === 'manifest.json' ? deep(200_000) : `{"x": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    expect(await refusal(root)).toMatch(new RegExp(`${file.replace('.', '\\.')}: nested more than 64 levels deep`));
    const r = await runCli(['diagnose', '--from-bundle', root, '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toMatch(/call stack|internal error/);
  });

  it('brackets inside strings do not count', async () => {
    const root = await bundle();
    await put(root, 'manifest.json', JSON.stringify({ format: 'mcp-tunnel-triage-bundle/1', notes: ['['.repeat(1000)] }));
    const s = await readBundle(root);
    expect(s.notes[0]).toBe('['.repeat(1000));
  });
});

describe('memory stays bounded whatever the bundle holds', () => {
  /** Runs the built bin and reads its peak resident memory, as the kernel counted it. */
  async function peakRss(args: string[]): Promise<{ mb: number; exitCode: number; stdout: string; stderr: string }> {
    const { execa } = await import('execa');
    const hook = join(await dir('mtt-rss-'), 'rss.cjs');
    await writeFile(hook, "process.on('exit', () => require('node:fs').writeSync(2, `\\nMAXRSS ${process.resourceUsage().maxRSS}\\n`));\n");
    const r = await execa(process.execPath, ['--require', hook, BIN, ...args], { reject: false, env: { PATH: '/nonexistent' } });
    const m = /MAXRSS (\d+)/.exec(String(r.stderr));
    return { mb: Number(m?.[1]) / 1024, exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr).replace(/\nMAXRSS \d+\n/, '') };
  }

  it('200 files of 4 MB: under 300 MB, and the files it did not read are said', async () => {
    const root = await bundle();
    for (let i = 0; i < 200; i++) {
      const path = join(root, 'files', 'junk', `f${String(i).padStart(3, '0')}.bin`);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, '');
      await truncate(path, 4 * 1024 * 1024 - 1); // sparse: no disk used, still 4 MB to read
    }
    const r = await peakRss(['diagnose', '--from-bundle', root, '--json']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.mb).toBeGreaterThan(0);
    expect(r.mb).toBeLessThanOrEqual(300);
    const report = JSON.parse(r.stdout) as { notes: string[]; findings: { id: string }[] };
    expect(report.notes.join('\n')).toMatch(/files\/junk\/\S+ and \d+ more were not read: the bundle's files exceed/);
    expect(report.findings.map((f) => f.id)).toContain('routing.routes-is-list'); // the deployment's own files were read first
  });

  it('six large logs feeding three sources: each is streamed whole, under 300 MB', async () => {
    const root = await bundle();
    const line = 'time=2026-11-28T04:00:01Z level=DEBUG msg="request served" route=mcp status=200 bytes=1234 took=3ms\n';
    const big = join(root, 'logs', 'cloudflared.log');
    await writeFile(big, `${line.repeat(Math.ceil((20 * 1024 * 1024) / line.length))}2026-11-28T05:00:00Z ERR Provided Tunnel token is not valid.\n`);
    await rm(join(root, 'logs', 'mcp-proxy.log'));
    for (const name of ['mcp-proxy.log', 'setup.log', 'mcp-gateway.log', 'proxy.txt', 'mcp-tunnel-setup.log']) await link(big, join(root, 'logs', name));
    const r = await peakRss(['diagnose', '--from-bundle', root, '--json']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.mb).toBeGreaterThan(0);
    expect(r.mb).toBeLessThanOrEqual(300);
    const report = JSON.parse(r.stdout) as { notes: string[]; findings: { id: string }[] };
    // Streamed from disk (never held whole): every source is read in full, its 20 to 60 MB, in bounded memory.
    expect(report.notes.join('\n')).not.toMatch(/larger than/);
    expect(report.findings.map((f) => f.id)).toContain('edge.token-malformed'); // its last line was read
  });
});
