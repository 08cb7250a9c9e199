// The process's streams and environment, passed in so the CLI can be driven in-process by tests.
import { terminalSafe } from './snapshot/printable.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** Everything this tool prints goes through terminalSafe(): no control code from outside reaches the terminal. */
export function writeOut(io: Io, text: string): Promise<void> {
  return new Promise((resolve) => {
    io.stdout.write(terminalSafe(text), () => resolve());
  });
}

export function writeErr(io: Io, text: string): void {
  try {
    io.stderr.write(terminalSafe(text));
  } catch {
    // the terminal is gone
  }
}

/** A write to stdout that returns at once (live progress), sanitized like writeOut. */
export function writeLive(io: Io, text: string): void {
  try {
    io.stdout.write(terminalSafe(text));
  } catch {
    // the terminal is gone
  }
}
