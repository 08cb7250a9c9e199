import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { ROOT, tempDir } from './helpers/cli.js';
import pkg from '../package.json' with { type: 'json' };

describe('npm pack', () => {
  it('produces a tarball that installs into an empty folder and runs', async () => {
    const t = await tempDir('mtt-pack-');
    try {
      const packed = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', t.dir, '--json'], { cwd: ROOT });
      const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
      const paths = files.map((f) => f.path);
      expect(paths).toContain('dist/cli.js');
      expect(paths).toContain('bin/mcp-tunnel-triage.js');
      expect(paths).toContain('demo/deployment/docker-compose.yaml');
      expect(paths.some((p) => p.startsWith('src/') || p.startsWith('test/'))).toBe(false);
      const app = join(t.dir, 'app');
      await execa('mkdir', ['-p', app]);
      await writeFile(join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}\n');
      await execa('npm', ['install', '--offline', '--no-audit', '--no-fund', join(t.dir, filename)], { cwd: app });
      const version = await execa(join(app, 'node_modules', '.bin', 'mcp-tunnel-triage'), ['--version'], { cwd: app });
      expect(version.stdout).toBe(pkg.version);
      const demo = await execa(join(app, 'node_modules', '.bin', 'mcp-tunnel-triage'), ['--demo', '--json'], { cwd: app, reject: false });
      expect(demo.exitCode).toBe(1);
      expect(JSON.parse(demo.stdout).demo).toBe(true);
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
