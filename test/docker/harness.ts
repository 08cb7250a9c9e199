// The real-Docker end-to-end tests' harness: whether a daemon answers (DOCKER_HOST), the stand-in images
// (busybox plus a script, `docker import`ed: nothing is pulled), Compose projects in temp folders, the
// built bin run against them, and bounded polling. Containers publish no ports; nothing leaves the host.
import { execa } from 'execa';
import { appendFile, chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { privateKeyPem, setupStylePki } from '../../src/gather/make-cert.js';

const IMAGES = fileURLToPath(new URL('./images/', import.meta.url));
export const DOMAIN = 'abcd1234.tunnel.anthropic.com';

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

async function must(argv: string[], env: Record<string, string | undefined>, opts: Parameters<typeof run>[2] = {}): Promise<string> {
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

// ── Images ──────────────────────────────────────────────────────────────────────────────────────────

export interface Images {
  proxy: string;
  cloudflared: string;
  remove: () => Promise<void>;
}

/** Both stand-in images, tagged for this test file alone (files run at once; each removes its own). */
export async function buildImages(d: DockerReady, label: string): Promise<Images> {
  const work = await mkdtemp(join(tmpdir(), 'mtt-e2e-img-'));
  const env = { DOCKER_HOST: d.host };
  const applets = (await must([d.busybox, '--list'], {})).split('\n').filter((a) => a && a !== 'busybox');
  const tag = `${label}-${process.pid}`;
  const build = async (name: 'mcp-proxy' | 'cloudflared'): Promise<string> => {
    const root = join(work, name);
    for (const sub of ['bin', 'usr/local/bin', 'etc', 'tmp', 'data']) await mkdir(join(root, sub), { recursive: true });
    await copyFile(d.busybox, join(root, 'bin/busybox'));
    await chmod(join(root, 'bin/busybox'), 0o755);
    await Promise.all(applets.map((a) => symlink('busybox', join(root, 'bin', a))));
    await copyFile(join(IMAGES, `${name}.sh`), join(root, 'usr/local/bin', name));
    await chmod(join(root, 'usr/local/bin', name), 0o755);
    await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n');
    await writeFile(join(root, 'etc/group'), 'root:x:0:\nnonroot:x:65532:\n');
    const tar = join(work, `${name}.tar`);
    await must(['tar', '--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tar, '.'], {});
    const image = `mtt-e2e/${name}:${tag}`;
    await must(['docker', 'import', '-c', 'ENV PATH=/usr/local/bin:/bin', '-c', `ENTRYPOINT ["/usr/local/bin/${name}"]`, '-', image], env, { inputFile: tar });
    return image;
  };
  try {
    const [proxy, cloudflared] = await Promise.all([build('mcp-proxy'), build('cloudflared')]);
    return { proxy, cloudflared, remove: async () => void (await run(['docker', 'rmi', '-f', proxy, cloudflared], env)) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// ── A tunnel token that is well formed and fake, unique to the run ──────────────────────────────────

export function fakeTunnelToken(): { token: string; tunnelId: string; secret: string } {
  const tunnelId = randomUUID();
  const secret = randomBytes(32).toString('base64');
  const token = Buffer.from(JSON.stringify({ a: randomBytes(16).toString('hex'), t: tunnelId, s: secret })).toString('base64');
  return { token, tunnelId, secret };
}

/** The token, its secret and slices of both appear nowhere in `texts`. */
export function expectNoSecret(texts: Record<string, string>, secrets: string[]): void {
  const pieces = secrets.flatMap((s) => [s, s.slice(Math.floor(s.length / 3), Math.floor(s.length / 3) + 16)]);
  for (const [where, text] of Object.entries(texts)) for (const p of pieces) expect(text.includes(p), `${where} holds a secret`).toBe(false);
}

// ── Compose projects ────────────────────────────────────────────────────────────────────────────────

export interface ProjectSpec {
  compose: string;
  config: string;
  /** Owner and mode of data/tls.key (root-owned 0600 is the classic failure). */
  key?: { uid: number; gid: number; mode: number };
  /** The server certificate is for *.certDomain (default: the tunnel's DOMAIN, as setup makes it). */
  certDomain?: string;
}

export interface Finding {
  id: string;
  severity: string;
  title: string;
  detail: string;
  evidence: { source: string; text: string; line?: number }[];
  fixes: { id: string; commands?: string[][] }[];
}
export interface Report {
  deployment: { kind: string; composeFlavor?: string; project?: string; how?: string };
  findings: Finding[];
  checks: { id: string; status: string }[];
}

export interface Inspected {
  Id: string;
  Name: string;
  RestartCount: number;
  State: { Status: string; Running: boolean; Restarting: boolean; ExitCode: number; StartedAt: string; Error?: string };
  HostConfig: { NetworkMode: string };
  Config: { Cmd: string[] | null };
}

export class ComposeProject {
  readonly outputs: Record<string, string> = {};
  private runs = 0;

  private constructor(
    readonly d: DockerReady,
    readonly dir: string,
    readonly name: string,
    readonly token: string,
  ) {}

  static async create(d: DockerReady, spec: ProjectSpec, token: string): Promise<ComposeProject> {
    // Compose names the project after the folder (lower case, [-_a-z0-9] kept): the product must find it the same way.
    const dir = await mkdtemp(join(tmpdir(), 'mtt-e2e-'));
    const name = dir.split('/').pop()!.toLowerCase().replace(/[^-_a-z0-9]/g, '');
    await mkdir(join(dir, 'config'));
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'docker-compose.yaml'), spec.compose);
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), spec.config);
    // What the setup component writes: the tunnel's domain, an ECDSA CA and an RSA server certificate for it.
    const pki = await setupStylePki({ domain: spec.certDomain ?? DOMAIN, now: new Date(), serverBits: 2048 });
    await writeFile(join(dir, 'data/tunnel-domain'), `${DOMAIN}\n`, { mode: 0o644 });
    await writeFile(join(dir, 'data/ca.crt'), pki.ca.pem, { mode: 0o644 });
    await writeFile(join(dir, 'data/tls.crt'), pki.server.pem, { mode: 0o644 });
    const key = spec.key ?? { uid: 65532, gid: 65532, mode: 0o600 };
    await writeFile(join(dir, 'data/tls.key'), privateKeyPem(pki.serverKey.privateKey), { mode: key.mode });
    await chmod(join(dir, 'data/tls.key'), key.mode);
    await chown(join(dir, 'data/tls.key'), key.uid, key.gid);
    await chmod(dir, 0o755);
    return new ComposeProject(d, dir, name, token);
  }

  get env(): Record<string, string> {
    return { DOCKER_HOST: this.d.host, TUNNEL_TOKEN: this.token };
  }

  compose(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Ran> {
    return run([...this.d.compose, ...args], { ...this.env, ...extraEnv }, { cwd: this.dir });
  }

  docker(args: string[]): Promise<Ran> {
    return run(['docker', ...args], { DOCKER_HOST: this.d.host });
  }

  /** The built bin, as an operator runs it in the project folder (no probes unless --edge is given). */
  async triage(args: string[], env: Record<string, string | undefined> = this.env): Promise<CliResult> {
    const r = await runCli([...args, '--dir', this.dir], { cwd: this.dir, env: { PATH: process.env.PATH, ...env }, timeout: 180_000 });
    const n = ++this.runs;
    this.outputs[`run ${n} (${args.join(' ')}) stdout`] = r.stdout;
    this.outputs[`run ${n} (${args.join(' ')}) stderr`] = r.stderr;
    return r;
  }

  async diagnose(): Promise<{ exitCode: number; report: Report }> {
    const r = await this.triage(['diagnose', '--json']);
    expect(r.stderr).toBe('');
    return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as Report };
  }

  async inspect(service: string): Promise<Inspected | undefined> {
    const ids = (await this.docker(['ps', '--all', '--quiet', '--filter', `label=com.docker.compose.project=${this.name}`, '--filter', `label=com.docker.compose.service=${service}`])).stdout.trim().split('\n').filter(Boolean);
    if (ids.length === 0) return undefined;
    const r = await this.docker(['inspect', ids[0]!]);
    return (JSON.parse(r.stdout) as Inspected[])[0];
  }

  async logs(service: string): Promise<string> {
    const c = await this.inspect(service);
    if (!c) return '';
    const r = await this.docker(['logs', c.Id]);
    return r.stdout + r.stderr;
  }

  /** From inside a container's network namespace: does anything accept on 127.0.0.1:8080? */
  async originReachable(service: string): Promise<boolean> {
    const c = await this.inspect(service);
    if (!c?.State.Running) return false;
    const r = await this.docker(['exec', c.Id, 'nc', '-w', '2', '127.0.0.1', '8080']);
    return r.exitCode === 0;
  }

  async down(): Promise<void> {
    await this.compose(['down', '--volumes', '--remove-orphans', '--timeout', '2']);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The documented Compose file (deploy-compose), with the stand-in images and restart policies. */
export function documentedCompose(images: Images, over: { cloudflaredCommand?: string; cloudflaredNetwork?: boolean; proxyRestart?: string } = {}): string {
  const command = over.cloudflaredCommand ?? 'tunnel --no-autoupdate run --url http://localhost:8080';
  return `services:
  mcp-proxy:
    image: ${images.proxy}
    user: "65532:65532"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    restart: ${over.proxyRestart ?? 'unless-stopped'}
    volumes:
      - ./config/mcp-proxy.yaml:/etc/mcp-gateway/config.yaml:ro
      - ./data:/data:ro
  cloudflared:
    image: ${images.cloudflared}
    user: "65532:65532"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    restart: unless-stopped
    command: ${command}
${over.cloudflaredNetwork === false ? '' : '    network_mode: "service:mcp-proxy"\n'}    environment:
      - TUNNEL_TOKEN
`;
}

export function proxyConfig(routes: string, domain = DOMAIN): string {
  return `# mcp-proxy config (deploy-compose)
listen_addr: ":8080"
log_level: info
tunnel_domain: ${domain}
tls:
  cert_file: /data/tls.crt
  key_file: /data/tls.key
${routes}`;
}

export const byId = (r: Report, id: string) => r.findings.filter((f) => f.id === id);
export const problems = (r: Report) => r.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
