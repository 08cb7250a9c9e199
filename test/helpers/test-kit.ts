// What a test makes (temp folders, scenarios, servers) is removed after it. Call testKit() once at the top of
// a test file: it registers the afterEach that runs the cleanups, newest first.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { tempDir } from './cli.js';

export interface TestKit {
  /** Runs after the current test (with everything else it made). */
  later(cleanup: () => Promise<void>): void;
  /** An empty temp folder (or one with these files), removed after the test. */
  folder(files?: Record<string, string>): Promise<string>;
}

export function testKit(prefix = 'mtt-test-'): TestKit {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return {
    later: (cleanup) => void cleanups.push(cleanup),
    async folder(files = {}) {
      const t = await tempDir(prefix);
      cleanups.push(t.cleanup);
      for (const [name, text] of Object.entries(files)) await writeFile(join(t.dir, name), text);
      return t.dir;
    },
  };
}
