// The stand-in images (busybox plus a script, `docker import`ed: nothing is pulled) and the fake tunnel token.
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { must, run, type DockerReady } from './docker-env.js';

const IMAGES = fileURLToPath(new URL('./images/', import.meta.url));

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

// ── The real cloudflared as an image ───────────────────────────────────────────────────────────────

/** Where the real cloudflared is (2025.5.0, static; ../shared/tools/cloudflared/, see its README), or undefined. */
export function realCloudflaredPath(): string | undefined {
  const candidates = [process.env.MTT_REAL_CLOUDFLARED, fileURLToPath(new URL('../../../shared/tools/cloudflared/cloudflared', import.meta.url)), '/work/shared/tools/cloudflared/cloudflared'];
  return candidates.find((p): p is string => Boolean(p) && existsSync(p!));
}

/**
 * An image of the real cloudflared binary alone (it is static: no libc, no CA bundle needed with --edge on
 * loopback), `docker import`ed and tagged for this test file. It must only run with no network of its own:
 * `network_mode: none`, or the namespace of a container that has it.
 */
export async function buildRealCloudflaredImage(d: DockerReady, label: string, binary: string): Promise<{ image: string; remove: () => Promise<void> }> {
  const work = await mkdtemp(join(tmpdir(), 'mtt-e2e-cfd-'));
  const env = { DOCKER_HOST: d.host };
  try {
    const root = join(work, 'root');
    for (const sub of ['usr/local/bin', 'etc', 'tmp', 'home/nonroot']) await mkdir(join(root, sub), { recursive: true });
    await copyFile(binary, join(root, 'usr/local/bin/cloudflared'));
    await chmod(join(root, 'usr/local/bin/cloudflared'), 0o755);
    await chmod(join(root, 'tmp'), 0o1777);
    await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
    await writeFile(join(root, 'etc/group'), 'root:x:0:\nnonroot:x:65532:\n');
    const tar = join(work, 'cloudflared.tar');
    await must(['tar', '--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tar, '.'], {});
    const image = `mtt-e2e/cloudflared-real:${label}-${process.pid}`;
    await must(['docker', 'import', '-c', 'ENV HOME=/home/nonroot', '-c', 'ENTRYPOINT ["/usr/local/bin/cloudflared"]', '-', image], env, { inputFile: tar });
    return { image, remove: async () => void (await run(['docker', 'rmi', '-f', image], env)) };
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
