// An Exec for gatherSnapshot that runs commands for real and keeps every argv and what it printed, so a test
// can say what reached this process (a Secret value never should) and exactly which commands ran.
import { runCommand, type RunOptions, type RunResult } from '../../src/gather/run.js';

export interface Recorded {
  argv: string[];
  stdout: string;
  stderr: string;
  exitCode?: number;
}

export function recordingExec(): { exec: (argv: readonly string[], opts: RunOptions) => Promise<RunResult>; calls: Recorded[] } {
  const calls: Recorded[] = [];
  return {
    calls,
    exec: async (argv, opts) => {
      const r = await runCommand(argv, opts);
      calls.push({ argv: [...argv], stdout: r.stdout, stderr: r.stderr, ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}) });
      return r;
    },
  };
}
