// Log commands are started by a small helper process (spawner-child.mjs) rather than by this one. Node's
// spawn blocks the main thread until the child has exec'd, and the fork costs more the more memory the
// process holds (Node 20, 2 cores: 4.5 ms a spawn at 54 MB of RSS, 11.6 ms at 254 MB); a gather of 200
// pods runs 600 `kubectl logs` while it holds their output. The helper stays small and forks on the other
// core; each command's stdout and stderr are connections to a Unix socket of ours (in a folder only we can
// enter), so the output comes straight here, not through the helper. The process group, the deadline and
// the kill stay with run.ts, which gets the pid.
// When the helper cannot be used (Windows, no socket, it died, MTT_SPAWNER=0), commands start as before.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface SpawnedJob {
  /** Called once: started (its pid), or could not start (a code such as ENOENT, and one line). */
  onStart: (started: { pid: number } | { error: string; message: string }) => void;
  onData: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
  /** A stream reached its end: every holder of it (the command, anything it started) closed it. */
  onClose: (stream: 'stdout' | 'stderr') => void;
  onExit: (code: number | null, signal: string | null) => void;
}

interface Job extends SpawnedJob {
  sockets: Socket[];
  started: boolean;
}

/** The helper beside the built entry (dist/spawner-child.js), or beside this file when run from the sources. */
function childScript(): string | undefined {
  for (const rel of ['./spawner-child.mjs', './spawner-child.js', '../spawner-child.js']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

export class Spawner {
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private dead = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly server: Server,
    private readonly dir: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.answer(line));
    child.once('exit', () => this.die());
    child.on('error', () => this.die());
    child.stdin!.on('error', () => this.die());
    server.on('error', () => this.die());
    this.idle();
  }

  /** Starts the helper; undefined when it cannot run here. */
  static async start(): Promise<Spawner | undefined> {
    if (process.platform === 'win32' || process.env.MTT_SPAWNER === '0') return undefined;
    const script = childScript();
    if (!script) return undefined;
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(tmpdir(), 'mtt-spawn-')); // 0700: only this user can connect
      const socketPath = join(dir, 's');
      if (Buffer.byteLength(socketPath) > 100) throw new Error('socket path too long');
      let self: Spawner | undefined;
      const server = createServer((socket) => {
        if (self) self.connection(socket);
        else socket.destroy();
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => resolve());
      });
      const child = spawn(process.execPath, [script, socketPath], { stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', () => resolve());
        child.once('error', reject);
      });
      self = new Spawner(child, server, dir);
      return self;
    } catch {
      if (dir) rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
  }

  get alive(): boolean {
    return !this.dead;
  }

  /**
   * Asks the helper to start a command; the job's callbacks tell what happens. `done` when the caller is
   * finished with it: its output connections are closed if still open (something the command started holds
   * them past the deadline) and any that arrive later are refused. Until then a connection is accepted even
   * after the exit was answered: under load the exit can be read before the connection that carries the output.
   */
  run(file: string, args: readonly string[], opts: { cwd?: string; env: Record<string, string | undefined> }, job: SpawnedJob): { done: () => void } {
    const id = this.nextId++;
    const entry: Job = { ...job, sockets: [], started: false };
    this.jobs.set(id, entry);
    this.busy();
    if (this.dead) this.fail(id, 'the spawner is not running');
    else this.child.stdin!.write(`${JSON.stringify({ id, file, args, cwd: opts.cwd, env: opts.env })}\n`);
    return {
      done: () => {
        for (const sock of entry.sockets) sock.destroy();
        if (this.jobs.get(id) === entry) this.jobs.delete(id);
        this.idle();
      },
    };
  }

  /** Stops the helper and removes its socket (the process is exiting, or the helper failed). */
  close(): void {
    this.die();
  }

  private connection(socket: Socket): void {
    let head = Buffer.alloc(0);
    let job: Job | undefined;
    let stream: 'stdout' | 'stderr' = 'stdout';
    socket.on('data', (chunk: Buffer) => {
      if (!job) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 5) return;
        job = this.jobs.get(head.readUInt32BE(0));
        stream = head[4] === 2 ? 'stderr' : 'stdout';
        if (!job) {
          socket.destroy();
          return;
        }
        job.sockets.push(socket);
        chunk = head.subarray(5);
        if (chunk.length === 0) return;
      }
      job.onData(chunk, stream);
    });
    socket.on('error', () => {});
    socket.once('close', () => job?.onClose(stream));
  }

  private answer(line: string): void {
    let m: { id?: number; pid?: number; code?: number | null; signal?: string | null; error?: string; message?: string };
    try {
      m = JSON.parse(line) as typeof m;
    } catch {
      return;
    }
    const job = m.id === undefined ? undefined : this.jobs.get(m.id);
    if (!job) return;
    if (typeof m.pid === 'number') {
      job.started = true;
      job.onStart({ pid: m.pid });
    } else if (m.error) {
      this.fail(m.id!, m.message ?? m.error, m.error);
    } else if ('code' in m) {
      job.onExit(m.code ?? null, m.signal ?? null);
    }
  }

  private fail(id: number, message: string, code = 'ESPAWNER'): void {
    const job = this.jobs.get(id);
    if (!job) return;
    this.jobs.delete(id);
    this.idle();
    for (const s of job.sockets) s.destroy();
    job.onStart({ error: code, message });
  }

  private die(): void {
    if (this.dead) return;
    this.dead = true;
    this.child.kill('SIGKILL');
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
    for (const [id, job] of [...this.jobs]) {
      if (!job.started) this.fail(id, 'the spawner stopped');
      else job.onExit(null, null); // its exit now unknown: its output still arrives; it ends as a command that was lost
    }
  }

  /** Nothing pending: the helper does not keep this process alive. */
  private idle(): void {
    if (this.jobs.size > 0) return;
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout]) (s as unknown as Socket | null)?.unref?.();
    this.server.unref();
  }

  private busy(): void {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout]) (s as unknown as Socket | null)?.ref?.();
    this.server.ref();
  }
}

let shared: Promise<Spawner | undefined> | undefined;
let running: Spawner | undefined;

/** The process's one spawner, started on first use; undefined where it cannot run (then commands start as before). */
export async function spawnerFor(): Promise<Spawner | undefined> {
  if (!shared) {
    shared = Spawner.start();
    running = await shared;
  }
  const current = await shared;
  if (current && !current.alive) {
    shared = undefined; // it died: the next gather may start another; this one falls back
    return undefined;
  }
  return current;
}

/** Stops the spawner, if one runs, and removes its socket folder (this process is going: run.ts calls it). */
export function stopSpawner(): void {
  running?.close();
}
