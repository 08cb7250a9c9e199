// writeBundle when the disk fills up mid-way (ENOSPC injected into node:fs/promises' writeFile): one
// BundleError line, and the partial folder removed. The real full disk is test/cli/bundle-full-disk.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE, snapshotOf } from '../helpers/snapshot.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const writeFile: typeof real.writeFile = async (path, data, options) => {
    if (String(path).includes('.partial-') && String(path).endsWith('state.json')) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return real.writeFile(path, data, options);
  };
  return { ...real, writeFile, default: { ...real, writeFile } };
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('writeBundle on a disk that fills up', () => {
  it('one line naming the folder and "no space left"; nothing half-written is left', async () => {
    const { writeBundle, BundleError } = await import('../../src/snapshot/bundle.js');
    const t = await tempDir('mtt-enospc-');
    cleanups.push(t.cleanup);
    const out = join(t.dir, 'out');
    const err = await writeBundle(snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE } }), out).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as Error).message).toBe(`cannot write the bundle to ${out}: no space left on the device (ENOSPC); free some space or choose another folder`);
    expect(await readdir(t.dir)).toEqual([]);
  });
});
