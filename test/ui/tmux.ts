// The built bin in a real terminal: a tmux session on a private socket (never the user's server), one key
// per send-keys call, the screen read with capture-pane until the expected frame shows (bounded), and the
// exit code written by the shell that ran the bin.
import { afterAll, beforeAll } from 'vitest';
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BIN, tempDir } from '../helpers/cli.js';

export interface TmuxSession {
  /** The screen as text. */
  screen(): Promise<string>;
  /** Sends one key (tmux key name: Enter, Down, Escape, or a character). */
  key(name: string): Promise<void>;
  /** Polls the screen until it matches; returns it. */
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Polls until the screen differs from `previous`; returns it. */
  changed(previous: string, timeoutMs?: number): Promise<string>;
  /** Polls until the bin has exited; its exit code. */
  exitCode(timeoutMs?: number): Promise<number>;
  kill(): Promise<void>;
  /** The bin's process id (the child of the pane's shell). */
  pid(): Promise<number>;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export async function startTmux(args: string[], opts: { cwd: string; env?: Record<string, string>; width?: number; height?: number; scratch: string }): Promise<TmuxSession> {
  const socket = `mtt-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const exitFile = join(opts.scratch, `${socket}.exit`);
  const tmux = (...a: string[]) => execa('tmux', ['-u', '-L', socket, ...a], { reject: false });
  // CI=true as on the CI machine (and some operators' hosts): Ink drew nothing there until it exited, so
  // every run here has it, whatever the shell that started the tests had.
  const env = { LANG: 'C.UTF-8', TERM: 'xterm-256color', CI: 'true', ...opts.env };
  // Exported in the command itself (the session's shell may reset PATH from its profile), and only shell
  // builtins after the bin: PATH may hold nothing but the stand-ins.
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}; `).join('');
  const command = `${exports}cd ${shellQuote(opts.cwd)} && ${[process.execPath, BIN, ...args].map(shellQuote).join(' ')}; echo $? > ${shellQuote(exitFile)}; read -r _`;
  const started = await execa('tmux', ['-u', '-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', String(opts.width ?? 120), '-y', String(opts.height ?? 40), command], {
    reject: false,
    env: { LANG: 'C.UTF-8' },
  });
  if (started.exitCode !== 0) throw new Error(`tmux new-session failed: ${started.stderr}`);
  const screen = async () => (await tmux('capture-pane', '-p')).stdout;
  const poll = async <T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: () => Promise<string>): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(await what());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    screen,
    async key(name) {
      await tmux('send-keys', name);
    },
    waitFor(what, timeoutMs = 20_000) {
      const match = (s: string) => (typeof what === 'string' ? s.includes(what) : what.test(s));
      return poll(
        async () => {
          const s = await screen();
          return match(s) ? s : undefined;
        },
        timeoutMs,
        async () => `timed out waiting for ${String(what)}; the screen was:\n${await screen()}`,
      );
    },
    changed(previous, timeoutMs = 5_000) {
      return poll(
        async () => {
          const s = await screen();
          return s !== previous ? s : undefined;
        },
        timeoutMs,
        async () => `the screen did not change; it was:\n${await screen()}`,
      );
    },
    exitCode(timeoutMs = 10_000) {
      return poll(
        async () => {
          const text = await readFile(exitFile, 'utf8').catch(() => '');
          return /^\d+\n$/.test(text) ? Number(text) : undefined;
        },
        timeoutMs,
        async () => `the bin did not exit; the screen was:\n${await screen()}`,
      );
    },
    async kill() {
      await tmux('kill-server');
    },
    async pid() {
      const shell = (await tmux('list-panes', '-F', '#{pane_pid}')).stdout.trim();
      const children = await execa('ps', ['-o', 'pid=', '--ppid', shell], { reject: false });
      const pid = Number(children.stdout.trim().split('\n')[0]);
      if (!pid) throw new Error(`no process under the pane's shell ${shell}`);
      return pid;
    },
  };
}

export interface TmuxSuite {
  /** Run in reverse order after the file's tests (sessions, projects, scenarios). */
  cleanups: (() => Promise<void>)[];
  /** Starts the bin in tmux in `cwd`; the session is killed after the file's tests. */
  session(args: string[], cwd: string, opts?: { env?: Record<string, string>; width?: number; height?: number }): Promise<TmuxSession>;
}

/** A test file's tmux setup: tmux must be there (said plainly when not), a scratch folder, cleanups. */
export function tmuxSuite(prefix: string): TmuxSuite {
  const cleanups: (() => Promise<void>)[] = [];
  let scratch = '';
  beforeAll(async () => {
    const tmux = await execa('tmux', ['-V'], { reject: false });
    if (tmux.exitCode !== 0) throw new Error('tmux is not installed: these tests drive the wizard in it (.ci/run installs it with apt-get install -y tmux)');
    const t = await tempDir(prefix);
    scratch = t.dir;
    cleanups.push(t.cleanup);
  });
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return {
    cleanups,
    async session(args, cwd, opts = {}) {
      const s = await startTmux(args, { cwd, scratch, ...opts });
      cleanups.push(() => s.kill());
      return s;
    },
  };
}
