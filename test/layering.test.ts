import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.tsx?$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

describe('layering (STYLE: the core stays free of Ink)', () => {
  it('imports ink or react only under src/ui/', async () => {
    const offenders: string[] = [];
    for (const file of await sources(join(ROOT, 'src'))) {
      if (file.includes(`${join('src', 'ui')}/`)) continue;
      const text = await readFile(file, 'utf8');
      if (/from ['"](ink|react)(['"/]|-)|import\(['"](ink|react)/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  it('keeps analyzers free of I/O: no fs, child_process, net or execa under src/analyze/', async () => {
    const offenders: string[] = [];
    for (const file of await sources(join(ROOT, 'src', 'analyze'))) {
      const text = await readFile(file, 'utf8');
      if (/from ['"](node:)?(fs|fs\/promises|child_process|dns|http|https|tls)['"]|from ['"]execa['"]/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  it('keeps the bundled --help path free of Ink: dist/cli.js does not contain it', async () => {
    const entry = await readFile(join(ROOT, 'dist', 'cli.js'), 'utf8');
    expect(entry).not.toMatch(/yoga|ink-select-input/i);
  });
});
