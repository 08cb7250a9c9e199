// `bundle -o` onto a full disk: one line that says so, exit 2, and no half-written bundle left behind.
// With root, a real 16 KiB tmpfs; the same path with an injected ENOSPC is in test/snapshot/bundle-enospc.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCli, tempDir } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const root = typeof process.getuid === 'function' && process.getuid() === 0;

describe.skipIf(!root)('bundle -o onto a full disk (a 16 KiB tmpfs; needs root to mount it)', () => {
  it('says "no space left" in one line, exits 2 and leaves nothing half-written', async () => {
    const t = await tempDir('mtt-full-');
    cleanups.push(t.cleanup);
    const project = join(t.dir, 'project');
    const disk = join(t.dir, 'disk');
    await mkdir(join(project, 'config'), { recursive: true });
    await mkdir(disk);
    await writeFile(join(project, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    await writeFile(join(project, 'config/mcp-proxy.yaml'), proxyConfig(`routes:\n${Array.from({ length: 800 }, (_, i) => `  r${i}: http://10.0.${i >> 8}.${i & 255}:8080\n`).join('')}`));
    const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', disk], { reject: false });
    expect(mounted.exitCode, `mount: ${mounted.stderr}`).toBe(0);
    cleanups.push(async () => void (await execa('umount', [disk], { reject: false })));
    const r = await runCli(['bundle', '-o', join(disk, 'out'), '--dir', project]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^mcp-tunnel-triage: cannot write the bundle to .*\/disk\/out: no space left on the device \(ENOSPC\); free some space or choose another folder\n$/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(await readdir(disk)).toEqual([]);
  });
});
