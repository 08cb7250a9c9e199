// The tunnel edge, faked for the real cloudflared (scripts/fake-edge.mjs does the work, --stdin mode): certificates
// for it (a CA that cloudflared is told to trust with --cacert, and h2.cftunnel.com's certificate), and the
// script started in a network namespace: the test's own `unshare -n`, or a container's (`nsenter --net`,
// root) so that it sits on the loopback cloudflared dials. Requests go in as JSON lines; answers come back.
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { privateKeyPem, setupStylePki } from '../../src/gather/make-cert.js';

export const FAKE_EDGE_SCRIPT = fileURLToPath(new URL('../../scripts/fake-edge.mjs', import.meta.url));
/** Two loopback addresses: with one, cloudflared retries in a tight loop (its README). */
export const EDGE_ADDRESSES = ['127.0.0.1:7844', '127.0.0.2:7844'];
export const EDGE_FLAGS = ['--edge', EDGE_ADDRESSES[0]!, '--edge', EDGE_ADDRESSES[1]!, '--protocol', 'http2'];

export interface EdgePki {
  /** The CA to give cloudflared with --cacert. */
  caPem: string;
  dir: string;
  certFile: string;
  keyFile: string;
  cleanup: () => Promise<void>;
}

export async function edgePki(): Promise<EdgePki> {
  const pki = await setupStylePki({ domain: 'cftunnel.com', serverDns: ['h2.cftunnel.com'], now: new Date(), serverBits: 2048 });
  const dir = await mkdtemp(join(tmpdir(), 'mtt-fake-edge-'));
  // The names scripts/fake-edge.mjs reads with --pki DIR.
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await writeFile(join(dir, 'ca.pem'), pki.ca.pem);
  await writeFile(certFile, pki.server.pem);
  await writeFile(keyFile, privateKeyPem(pki.serverKey.privateKey), { mode: 0o600 });
  return { caPem: pki.ca.pem, dir, certFile, keyFile, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface EdgeRequest {
  host: string;
  path?: string;
  method?: string;
  ray?: string;
}

export interface EdgeAnswer {
  id: number;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  error?: string;
}

export interface FakeEdge {
  /** Lines the edge printed (JSON objects). */
  events(): Record<string, unknown>[];
  /** Polls until cloudflared has connected (bounded). */
  connected(timeoutMs?: number): Promise<void>;
  request(req: EdgeRequest, timeoutMs?: number): Promise<EdgeAnswer>;
  stop(): Promise<void>;
}

/** Starts the fake edge; `netnsOfPid` puts it in that process's network namespace (nsenter, root). */
export function startFakeEdge(pki: EdgePki, opts: { netnsOfPid?: number } = {}): FakeEdge {
  const args = [FAKE_EDGE_SCRIPT, '--pki', pki.dir, '--requests', '0', '--stdin', ...EDGE_ADDRESSES.flatMap((a) => ['--listen', a])];
  const argv = opts.netnsOfPid !== undefined ? ['nsenter', `--net=/proc/${opts.netnsOfPid}/ns/net`, process.execPath, ...args] : [process.execPath, ...args];
  const child: ResultPromise = execa(argv[0]!, argv.slice(1), { reject: false, stdin: 'pipe', buffer: false, timeout: 600_000 });
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  child.stdout?.on('data', (b: Buffer) => {
    rest += b.toString('utf8');
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        // not a line of ours
      }
    }
  });
  let next = 0;
  const poll = async <T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`fake edge: timed out waiting for ${what}; it said: ${JSON.stringify(lines)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    events: () => [...lines],
    async connected(timeoutMs = 60_000) {
      await poll('cloudflared to connect', () => (lines.some((l) => l.event === 'connected') ? true : undefined), timeoutMs);
    },
    async request(req, timeoutMs = 40_000) {
      const id = ++next;
      child.stdin?.write(`${JSON.stringify({ id, ...req })}\n`);
      return poll(`the answer to ${req.host}${req.path ?? '/'}`, () => lines.find((l) => l.id === id) as EdgeAnswer | undefined, timeoutMs);
    },
    async stop() {
      child.stdin?.end();
      child.kill('SIGTERM');
      await child.catch(() => {});
    },
  };
}
