// The folder a live run examines must exist (SPEC section 3: no deployment where one was named is exit 2 with
// one line): `--dir` naming nothing is a usage error before anything runs, never an empty "healthy" report.
import { stat } from 'node:fs/promises';
import type { TriageOptions } from './options.js';
import { UsageError } from './errors.js';

export async function checkProjectDir(opts: Pick<TriageOptions, 'dir' | 'fromBundle' | 'demo'>): Promise<void> {
  if (opts.fromBundle || opts.demo) return;
  let isDir: boolean;
  try {
    isDir = (await stat(opts.dir)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' || code === 'ENOTDIR' ? 'no such folder' : `cannot be read (${code ?? 'error'})`;
    throw new UsageError(`--dir ${opts.dir}: ${what}; run it in the deployment's folder, or pass --dir with the folder that holds docker-compose.yaml`);
  }
  if (!isDir) throw new UsageError(`--dir ${opts.dir} is a file, not a folder; pass the folder that holds docker-compose.yaml`);
}
