// The built bin's `watch` as a child process that the test talks to while it runs: its stdout read line by
// line as it comes (NDJSON or text), polled for what the test waits for (bounded), stopped by a signal.
import { execa, type ResultPromise } from 'execa';
import { readFileSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BIN, tempDir } from './cli.js';
import { makeScenario, type Rule, type Scenario } from './stand-ins.js';
import { composeRules, containerName, type ComposeSpec } from './deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from './snapshot.js';

export interface WatchRun {
  /** The stdout lines so far. */
  lines(): string[];
  /** The NDJSON objects so far. */
  json(): Record<string, any>[];
  /** Polls until `pred` holds for the output so far (at most `timeoutMs`). */
  waitFor(what: string, pred: (run: WatchRun) => boolean, timeoutMs?: number): Promise<void>;
  signal(name: NodeJS.Signals): void;
  done: Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export function startWatchRun(args: string[], opts: { cwd: string; env: Record<string, string | undefined> }): WatchRun {
  const child: ResultPromise = execa(process.execPath, [BIN, 'watch', ...args], {
    cwd: opts.cwd,
    env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env },
    extendEnv: true,
    reject: false,
    input: '',
    timeout: 120_000,
    buffer: true,
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const done = child.then((r) => ({ exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) }));
  const run: WatchRun = {
    lines: () => out.split('\n').filter(Boolean),
    json: () => run.lines().flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, any>];
      } catch {
        return [];
      }
    }),
    async waitFor(what, pred, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (pred(run)) return;
        if (child.exitCode !== null && child.exitCode !== undefined) throw new Error(`watch exited (${child.exitCode}) before ${what}; stdout:\n${out}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout so far:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    signal(name) {
      child.kill(name);
    },
    done,
  };
  return run;
}

/** Whether a process is still there (a zombie not yet reaped counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface StandInWatchHost {
  dir: string;
  sc: Scenario;
  spec: ComposeSpec;
  /** Appends a line to what the stand-in follower of that service prints (with the timestamp docker adds). */
  append: (service: 'cloudflared' | 'mcp-proxy', line: string) => Promise<void>;
}

/**
 * A Compose project (the documented file, a proxy config with one route `wiki`) whose stand-in docker
 * follows a file per service for `docker logs --follow` (v1) or `docker compose logs --follow` (v2).
 * `metricsBind` puts cloudflared's `Starting metrics server on …` line in its gathered log.
 */
export async function standInWatchHost(cleanups: (() => Promise<void> | void)[], opts: { flavor: ComposeSpec['flavor']; metricsBind?: string }): Promise<StandInWatchHost> {
  const { dir, cleanup } = await tempDir('mtt-watch-host-');
  cleanups.push(cleanup);
  await mkdir(join(dir, 'config'));
  await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  wiki: http://10.0.0.5:8080\n'));
  const spec: ComposeSpec = {
    flavor: opts.flavor,
    project: basename(dir).toLowerCase(),
    dir,
    containers: [
      { service: 'mcp-proxy', state: 'running', ip: '127.0.0.2' },
      { service: 'cloudflared', state: 'running', ip: '127.0.0.3' },
    ],
    logs: {
      'mcp-proxy': ['time=2026-12-04T01:00:00Z level=INFO msg="route configured" route=wiki upstream=http://10.0.0.5:8080'],
      ...(opts.metricsBind ? { cloudflared: [`2026-12-04T01:00:00Z INF Starting metrics server on ${opts.metricsBind}/metrics`] } : {}),
    },
  };
  const follow: Rule[] =
    opts.flavor === 'v1'
      ? spec.containers.map((c) => ({ tool: 'docker', args: ['logs', '--follow', containerName(spec, c)], match: 'contains', followFile: `${c.service}.log`, followStream: c.service === 'cloudflared' ? 'stderr' : 'stdout' }))
      : spec.containers.map((c) => ({ tool: 'docker', args: ['compose', 'logs', '--follow', c.service], match: 'contains', followFile: `${c.service}.log` }));
  const sc = await makeScenario([...follow, ...composeRules(spec)], { tools: ['docker', 'docker-compose'] });
  cleanups.push(sc.cleanup);
  const append = async (service: 'cloudflared' | 'mcp-proxy', line: string) => {
    const name = containerName(spec, spec.containers.find((c) => c.service === service)!);
    // docker logs --timestamps: `TIME line`; docker compose logs --timestamps: `name  | TIME line`.
    const stamped = `${new Date().toISOString()} ${line}\n`;
    await appendFile(join(sc.dir, `${service}.log`), opts.flavor === 'v1' ? stamped : `${name}  | ${stamped}`);
  };
  return { dir, sc, spec, append };
}
