// A Compose project in a temp folder (the documented files, setup's PKI), the built bin run in it, and what
// the tests read back: the report, docker inspect, container logs, whether localhost:8080 answers.
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { privateKeyPem, setupStylePki } from '../../src/gather/make-cert.js';
import { reportRan, run, type DockerReady, type DockerStatus, type Ran } from './docker-env.js';
import { buildImages, expectNoSecret, fakeTunnelToken, type Images } from './images.js';

export const DOMAIN = 'abcd1234.tunnel.anthropic.com';

// ── Compose projects ────────────────────────────────────────────────────────────────────────────────

export interface ProjectSpec {
  compose: string;
  config: string;
  /** Owner and mode of data/tls.key (root-owned 0600 is the classic failure). */
  key?: { uid: number; gid: number; mode: number };
  /** The server certificate is for *.certDomain (default: the tunnel's DOMAIN, as setup makes it). */
  certDomain?: string;
  /** Without data/tunnel-domain (a manual install: nothing on disk says the tunnel's domain). */
  noDomainFile?: boolean;
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
  blocked?: string;
}

export interface Inspected {
  Id: string;
  Name: string;
  RestartCount: number;
  State: { Status: string; Running: boolean; Restarting: boolean; ExitCode: number; StartedAt: string; Error?: string; Pid?: number };
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
    if (!spec.noDomainFile) await writeFile(join(dir, 'data/tunnel-domain'), `${DOMAIN}\n`, { mode: 0o644 });
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

  /** An HTTP request for `host` to the proxy, from inside its network namespace (127.0.0.1:8080): the status line. */
  async requestThroughProxy(host: string): Promise<string> {
    const proxy = await this.inspect('mcp-proxy');
    if (!proxy) return '';
    const r = await this.docker(['exec', proxy.Id, 'sh', '-c', `printf 'GET / HTTP/1.1\\r\\nHost: ${host}\\r\\n\\r\\n' | nc -w 2 127.0.0.1 8080 | head -n 1`]);
    return r.stdout.trim();
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
export function documentedCompose(
  images: Images,
  over: { cloudflaredCommand?: string; cloudflaredNetwork?: boolean; proxyRestart?: string; publishOnLoopback?: boolean; proxyEnvironment?: string[] } = {},
): string {
  const command = over.cloudflaredCommand ?? 'tunnel --no-autoupdate run --url http://localhost:8080';
  // Published on loopback only (a free port): the listener probe then dials 127.0.0.1, never a bridge address.
  const ports = over.publishOnLoopback ? '    ports: ["127.0.0.1::8080"]\n' : '';
  const env = over.proxyEnvironment?.length ? `    environment:\n${over.proxyEnvironment.map((e) => `      - ${e}\n`).join('')}` : '';
  return `services:
  mcp-proxy:
    image: ${images.proxy}
    user: "65532:65532"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    restart: ${over.proxyRestart ?? 'unless-stopped'}
${ports}${env}    volumes:
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

export interface LiveProject {
  readonly d: DockerReady;
  readonly project: ComposeProject;
  readonly token: string;
  readonly secret: string;
  readonly tunnelId: string;
}

/**
 * The life every real-Docker test file shares, registered as its hooks: its own images, a fresh Compose
 * project, then (after the tests) no token in anything the product printed, `down -v` and the images removed.
 */
export function liveProject(docker: DockerStatus, file: string, label: string, spec: (images: Images) => ProjectSpec): LiveProject {
  const { token, secret, tunnelId } = fakeTunnelToken();
  let d: DockerReady | undefined;
  let images: Images | undefined;
  let project: ComposeProject | undefined;
  beforeAll(async () => {
    if (!docker.ok) throw new Error(`REQUIRE_DOCKER=1 but the real-Docker tests cannot run: ${docker.reason}`);
    d = docker;
    await reportRan(file, d);
    images = await buildImages(d, label);
    project = await ComposeProject.create(d, spec(images), token);
  }, 120_000);
  afterAll(async () => {
    if (project) expectNoSecret(project.outputs, [token, secret]);
    await project?.down();
    await images?.remove();
  }, 120_000);
  return {
    get d() {
      return d!;
    },
    get project() {
      return project!;
    },
    token,
    secret,
    tunnelId,
  };
}
