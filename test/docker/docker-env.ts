// Whether the real-Docker tests can run here (DOCKER_HOST, a daemon answering, a Compose, a static busybox,
// root), what they do when they cannot, and the commands and bounded polling they share.
import { execa } from 'execa';
import { appendFile, readFile } from 'node:fs/promises';

// ── Is there a daemon? ──────────────────────────────────────────────────────────────────────────────

export interface DockerReady {
  ok: true;
  host: string;
  /** How the tests bring projects up: the flavour the product will pick too. */
  compose: string[];
  flavor: 'v1' | 'v2';
  busybox: string;
}
export type DockerStatus = DockerReady | { ok: false; reason: string };

const HOW = 'start a private daemon as root with `test/docker/daemon.sh start /tmp/mtt-docker` and export the DOCKER_HOST it prints';

async function answers(argv: string[], env: Record<string, string>): Promise<boolean> {
  const r = await execa(argv[0]!, argv.slice(1), { env, reject: false, timeout: 20_000 });
  return r.exitCode === 0;
}

/** True when the ELF file asks for a dynamic loader (a busybox that would not run in an empty image). */
async function isDynamic(path: string): Promise<boolean> {
  const b = await readFile(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) return false; // not ELF64: let docker say
  const phoff = Number(b.readBigUInt64LE(0x20));
  const size = b.readUInt16LE(0x36);
  const count = b.readUInt16LE(0x38);
  for (let i = 0; i < count; i++) if (b.readUInt32LE(phoff + i * size) === 3) return true; // PT_INTERP
  return false;
}

async function which(name: string): Promise<string | undefined> {
  const r = await execa('sh', ['-c', `command -v ${name}`], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

let status: Promise<DockerStatus> | undefined;

/** Once per file: DOCKER_HOST set, a daemon answering on it, a Compose, a static busybox. */
export function dockerStatus(): Promise<DockerStatus> {
  status ??= (async (): Promise<DockerStatus> => {
    const host = process.env.DOCKER_HOST;
    if (!host) return { ok: false, reason: `DOCKER_HOST is not set: ${HOW}` };
    // The key is made root's (the classic failure) and key-chown gives it away: only root can do both.
    if (process.getuid?.() !== 0) return { ok: false, reason: 'the real-Docker tests run as root (they chown the TLS key, as setup and key-chown do)' };
    const env = { DOCKER_HOST: host };
    if (!(await which('docker'))) return { ok: false, reason: 'docker is not on PATH (apt-get install -y docker.io)' };
    if (!(await answers(['docker', 'version', '--format', '{{.Server.Version}}'], env))) return { ok: false, reason: `no Docker daemon answers on DOCKER_HOST=${host}: ${HOW}` };
    const flavor = (await answers(['docker', 'compose', 'version', '--short'], env)) ? 'v2' : (await which('docker-compose')) ? 'v1' : undefined;
    if (!flavor) return { ok: false, reason: 'neither `docker compose` nor `docker-compose` is installed (apt-get install -y docker-compose)' };
    const busybox = (await which('busybox')) ?? '';
    if (!busybox) return { ok: false, reason: 'busybox is not installed (apt-get install -y busybox-static)' };
    if (await isDynamic(busybox)) return { ok: false, reason: `${busybox} is dynamically linked: apt-get install -y busybox-static` };
    return { ok: true, host, compose: flavor === 'v2' ? ['docker', 'compose'] : ['docker-compose'], flavor, busybox };
  })();
  return status;
}

/** CI (MTT_E2E_DOCKER_REPORT=FILE) lists the files that really ran against the daemon. */
export async function reportRan(file: string, d: DockerReady): Promise<void> {
  const report = process.env.MTT_E2E_DOCKER_REPORT;
  if (report) await appendFile(report, `${file.split('/').pop()} (${d.compose.join(' ')}, ${d.host})\n`);
}

/** What the suite does without a daemon: skip, saying why, unless REQUIRE_DOCKER=1 (CI) makes it a failure. */
export function skipReason(s: DockerStatus): string | undefined {
  if (s.ok) return undefined;
  if (process.env.REQUIRE_DOCKER === '1') return undefined;
  console.warn(`real-Docker tests skipped: ${s.reason}`);
  return s.reason;
}

// ── Commands ────────────────────────────────────────────────────────────────────────────────────────

export interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function run(argv: string[], env: Record<string, string | undefined>, opts: { cwd?: string; timeout?: number; inputFile?: string } = {}): Promise<Ran> {
  const r = await execa(argv[0]!, argv.slice(1), { env, extendEnv: true, reject: false, timeout: opts.timeout ?? 120_000, cwd: opts.cwd, ...(opts.inputFile ? { inputFile: opts.inputFile } : { input: '' }) });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export async function must(argv: string[], env: Record<string, string | undefined>, opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run(argv, env, opts);
  if (r.exitCode !== 0) throw new Error(`\`${argv.join(' ')}\` failed (${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Polls until `probe` returns a value, at most `attempts` times and `budgetMs` in all. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, { attempts = 80, intervalMs = 500, budgetMs = 60_000 } = {}): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (let i = 0; i < attempts && Date.now() - start < budgetMs; i++) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${Math.round((Date.now() - start) / 1000)} s waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
