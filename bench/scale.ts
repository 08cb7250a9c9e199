// bench:scale — one row per row of issue 14's table, each measured in its own child process (so its peak
// RSS is its own), with the stand-ins answering every docker / kubectl / helm call after 0.3 s and 2,000
// log lines per container. Prints wall time, the product's own CPU time, the number of commands and the
// sum of their own times, the ratio wall / sequential sum, and peak RSS, against the goals; with
// BENCH_BASELINE=1 each row is measured a second time the old way in the same run (every command at once
// and no log budget; bundle logs read whole into text), with the ratio of the two. Never a test.
// Run: npm run bench:scale   (BENCH_CASES=helm-200,bundle-100mb for some rows; BENCH_RUNS=2 to repeat;
// BENCH_STANDIN=node for the tests' node stand-ins instead of dash ones)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gatherSnapshot } from '../src/gather/index.js';
import { analyze } from '../src/analyze/index.js';
import { defaultOptions } from '../src/options.js';
import { readBundleForAnalysis } from '../src/commands/load.js';
import { readBundle } from '../src/snapshot/bundle.js';
import type { Snapshot } from '../src/snapshot/types.js';
import type { GatherEvent } from '../src/gather/events.js';
import { writeMixedLog } from './scan-log.mjs';
import { makeScenario, type Rule } from '../test/helpers/stand-ins.js';
import { composeRules, kubeRules, type ContainerSpec, type PodSpec } from '../test/helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../test/helpers/snapshot.js';
import { fastStandIns } from '../test/helpers/fast-stand-ins.js';
import { compileStandIn, nativeStandIns } from './native-stand-ins.js';
import { spawn } from 'node:child_process';
import { CommandPool, defaultPoolSize } from '../src/gather/pool.js';
import { kubeCommands } from '../src/gather/kube-commands.js';
import { requestTimeoutFor } from '../src/gather/detect.js';
import { DEFAULT_TAIL } from '../src/gather/context.js';

const SLEEP_MS = 300;
const LINES = 2000;
const MB = 1024 * 1024;

interface Outcome {
  wallMs: number;
  /** The product's own CPU time (user + system), less sensitive to a shared machine than wall time. */
  cpuMs: number;
  rssMb: number;
  calls?: number;
  sumMs?: number;
  timedOut?: number;
  findings?: number;
  note?: string;
}

interface Case {
  name: string;
  title: string;
  goal: string;
  /** Builds the inputs in the parent (so the child's RSS is the product's alone); returns what the child needs. */
  prepare(work: string): Promise<Record<string, unknown>>;
  /** Runs in the child; `before`: the old way (every command at once, no log budget; bundle logs read whole). */
  run(input: Record<string, unknown>, before: boolean): Promise<Outcome>;
  met(o: Outcome): boolean;
  /** A baseline itself: no old way to measure. */
  baseline?: boolean;
}

/** A day of ordinary cloudflared / mcp-proxy lines, a few of them known failures. */
function logLines(role: string, n: number, seed: number, failure?: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i * 7919 + seed) % 1000;
    if (failure && k < 5) out.push(failure);
    else if (role === 'cloudflared') out.push(`INF Updated to new configuration config="{\\"ingress\\":[{\\"service\\":\\"http://localhost:8080\\"}]}" version=${k} connIndex=${i % 4}`);
    else out.push(`time=2026-11-28T03:00:00.000Z level=INFO msg="request" method=POST host=mcp.abcd1234.tunnel.anthropic.com route=mcp upstream=http://10.20.0.15:8080 status=200 dur=${(k / 10).toFixed(1)}ms`);
  }
  return out;
}

/** Moves large outputs out of scenario.json into files the stand-in streams (as a real tool would print them). */
function spill(rules: Rule[]): { rules: Rule[]; files: Record<string, string> } {
  const files: Record<string, string> = {};
  const out = rules.map((r, i) => {
    if ((r.stdout?.length ?? 0) < 4096 && (r.stderr?.length ?? 0) < 4096) return r;
    const copy = { ...r };
    if ((r.stdout?.length ?? 0) >= 4096) {
      files[`out-${i}.txt`] = r.stdout!;
      copy.stdoutFile = `out-${i}.txt`;
      delete copy.stdout;
    }
    if ((r.stderr?.length ?? 0) >= 4096) {
      files[`err-${i}.txt`] = r.stderr!;
      copy.stderrFile = `err-${i}.txt`;
      delete copy.stderr;
    }
    return copy;
  });
  return { rules: out, files };
}

/**
 * Which stand-ins answer: by default the C one (bench/stand-in.c, about a millisecond of CPU a call) when
 * `cc` is there, else dash scripts (fast-stand-ins.ts); BENCH_STANDIN=node|dash|c to choose.
 */
let STAND_IN = process.env.BENCH_STANDIN ?? 'c';
let nativeBinary: string | undefined;

const cleanups: (() => Promise<void>)[] = [];
let work = tmpdir();

async function scenarioDir(rules: Rule[]): Promise<{ dir: string; env: Record<string, string> }> {
  if (STAND_IN === 'c') return nativeStandIns(nativeBinary!, rules, work);
  if (STAND_IN === 'dash') return fastStandIns(rules, { base: work });
  const { rules: small, files } = spill(rules);
  const sc = await makeScenario(small, { tools: ['docker', 'docker-compose', 'kubectl', 'helm'], files });
  cleanups.push(sc.cleanup);
  return { dir: sc.dir, env: sc.env };
}

async function composeProject(work: string): Promise<{ dir: string; project: string }> {
  const dir = await mkdtemp(join(work, 'project-'));
  await mkdir(join(dir, 'config'));
  await writeFile(join(dir, 'docker-compose.yaml'), `${DOCUMENTED_COMPOSE}  setup:\n    image: mcp-proxy:latest\n    profiles: [setup]\n    entrypoint: ["/setup"]\n`);
  await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
  return { dir, project: basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, '') };
}

function pods(n: number, crashloop: boolean): { pods: PodSpec[]; logs: Record<string, Record<string, string[]>> } {
  const list: PodSpec[] = [];
  const logs: Record<string, Record<string, string[]>> = {};
  for (let i = 0; i < n; i++) {
    const name = `mcp-tunnel-6b7f9c8d4-${String(i).padStart(5, '0')}`;
    list.push({
      name,
      ip: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
      containers: [
        crashloop ? { name: 'mcp-proxy', state: 'crashloop', restartCount: 7, exitCode: 1 } : { name: 'mcp-proxy', state: 'running', restartCount: 1 },
        { name: 'cloudflared', state: 'running' },
      ],
    });
    logs[name] = {
      'mcp-proxy': logLines('mcp-proxy', LINES, i, 'time=2026-11-28T03:00:00.000Z level=ERROR msg="open /data/tls.key: permission denied"'),
      cloudflared: logLines('cloudflared', LINES, i),
    };
  }
  return { pods: list, logs };
}

async function live(input: Record<string, unknown>, before: boolean): Promise<Outcome> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const old = before ? { poolSize: 1_000_000, logBudget: Infinity } : {};
  const samples: string[] = [];
  const sampler = process.env.BENCH_DEBUG
    ? setInterval(() => {
        const m = process.memoryUsage();
        samples.push(`${((performance.now() - start) / 1000).toFixed(1)}s rss ${(m.rss / MB).toFixed(0)} heap ${(m.heapUsed / MB).toFixed(0)}/${(m.heapTotal / MB).toFixed(0)} ext ${(m.external / MB).toFixed(0)} ab ${(m.arrayBuffers / MB).toFixed(0)}`);
      }, 1000)
    : undefined;
  const timeline: string[] = [];
  const onEvent = process.env.BENCH_DEBUG ? (e: GatherEvent) => timeline.push(`${(performance.now() - start).toFixed(0).padStart(6)} ms ${e.type} ${e.id}`) : undefined;
  const s = await gatherSnapshot(defaultOptions({ dir: input.dir as string, network: false, ...(input.kube ? { kube: true } : {}) }), onEvent, { env: input.env as Record<string, string>, ...old });
  if (timeline.length) console.error([...timeline.slice(0, 40), ...(timeline.length > 60 ? ["..."] : []), ...timeline.slice(Math.max(40, timeline.length - 20))].join("\n"));
  const gatherMs = performance.now() - start;
  if (sampler) {
    clearInterval(sampler);
    console.error(samples.join('\n'));
  }
  const gatherRss = process.resourceUsage().maxRSS / 1024;
  if (process.env.BENCH_DEBUG) {
    const d = process.cpuUsage(cpu);
    console.error(`gather cpu: user ${(d.user / 1e6).toFixed(1)} s, system ${(d.system / 1e6).toFixed(1)} s`);
  }
  const report = analyze(s);
  const wallMs = performance.now() - start;
  if (process.env.BENCH_DEBUG) {
    const m = process.memoryUsage();
    console.error(`gather ${gatherMs.toFixed(0)} ms, peak RSS after gather ${gatherRss.toFixed(0)} MB; now rss ${(m.rss / MB).toFixed(0)} heap ${(m.heapUsed / MB).toFixed(0)}/${(m.heapTotal / MB).toFixed(0)} external ${(m.external / MB).toFixed(0)} MB`);
  }
  const commands = s.state.commands ?? [];
  const cut = s.notes.filter((n) => /budget|newest|more than/.test(n));
  const big = input.bigLog as string | undefined;
  let note = cut.length ? cut.join('; ').slice(0, 160) : undefined;
  if (big) {
    const text = s.logs.cloudflared?.text ?? '';
    note = `kept ${(text.length / MB).toFixed(1)} MB; newest line kept: ${text.includes(big) ? 'yes' : 'NO'}; oldest line kept: ${text.includes('line 000000 ') ? 'yes' : 'no'}`;
  }
  const helper = spawnerUse();
  if (helper.rssMb) note = `spawner: ${(helper.cpuMs / 1000).toFixed(2)} s CPU (in cpu), ${helper.rssMb.toFixed(0)} MB peak RSS (its own)${note ? `; ${note}` : ''}`;
  return {
    wallMs,
    cpuMs: cpuMsSince(cpu) + helper.cpuMs,
    rssMb: process.resourceUsage().maxRSS / 1024,
    calls: commands.length,
    sumMs: commands.reduce((n, c) => n + c.ms, 0),
    timedOut: commands.filter((c) => c.timedOut).length,
    findings: report.findings.length,
    ...(note ? { note } : {}),
  };
}

/**
 * The floor under a live Helm row on this machine, now: the same pods' `kubectl logs` calls (the same
 * stand-ins, sleeping and printing as much) spawned by bare node through a pool of the same size, their
 * output read and dropped; no execa, no budget, no analysis. What spawning costs here is in it.
 */
async function spawnFloor(input: Record<string, unknown>): Promise<Outcome> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const target = { namespace: 'mcp-tunnel', release: 'mcp-tunnel', requestTimeout: requestTimeoutFor(defaultOptions({}).timeoutMs) };
  const bounds = { tail: DEFAULT_TAIL };
  const argvs: string[][] = [];
  for (const pod of input.pods as string[]) {
    argvs.push(kubeCommands.podLogs(target, pod, 'mcp-proxy', bounds, true), kubeCommands.podLogs(target, pod, 'mcp-proxy', bounds), kubeCommands.podLogs(target, pod, 'cloudflared', bounds));
  }
  const env = { ...process.env, ...(input.env as Record<string, string>) };
  const pool = new CommandPool(defaultPoolSize());
  let sumMs = 0;
  let bytes = 0;
  await Promise.all(
    argvs.map((argv) =>
      pool.run(
        () =>
          new Promise<void>((resolve) => {
            const t = performance.now();
            const c = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
            c.stdout.on('data', (b: Buffer) => (bytes += b.length));
            c.stderr.on('data', () => {});
            c.on('close', () => {
              sumMs += performance.now() - t;
              resolve();
            });
          }),
      ),
    ),
  );
  return { wallMs: performance.now() - start, cpuMs: cpuMsSince(cpu), rssMb: process.resourceUsage().maxRSS / 1024, calls: argvs.length, sumMs, note: `bare spawn of the same logs calls, ${(bytes / MB).toFixed(0)} MB read and dropped` };
}

/**
 * CPU time and peak RSS of the spawner process (src/gather/spawner.ts) that started the log commands: counted with the
 * product's own, so that moving the forks there is not hidden. From /proc (Linux); 0 where there is none.
 */
function spawnerUse(): { cpuMs: number; rssMb: number } {
  let ms = 0;
  let rssMb = 0;
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) !== process.pid || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('spawner-child')) continue;
      ms += ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
      rssMb += Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      // gone meanwhile
    }
  }
  return { cpuMs: ms, rssMb };
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/** The old read path: every bundle log read whole into a string (then scanned from a copy of its bytes). */
async function asText(s: Snapshot): Promise<Snapshot> {
  const { readFile } = await import('node:fs/promises');
  const logs: Snapshot['logs'] = {};
  for (const [source, log] of Object.entries(s.logs)) {
    const texts = await Promise.all((log!.files ?? []).map(async (f) => (await readFile(f.path)).toString('utf8')));
    logs[source as keyof Snapshot['logs']] = { text: texts.join('\n') };
  }
  return { ...s, logs };
}

async function bundleRun(input: Record<string, unknown>, before: boolean): Promise<Outcome> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const s = before ? await asText(await readBundle(input.dir as string)) : await readBundleForAnalysis(input.dir as string);
  const report = analyze(s);
  return { wallMs: performance.now() - start, cpuMs: cpuMsSince(cpu), rssMb: process.resourceUsage().maxRSS / 1024, findings: report.findings.length, note: `${report.findings.length} findings: ${[...new Set(report.findings.map((f) => f.id))].join(', ')}`.slice(0, 150) };
}

async function writeBundleDir(work: string, logs: Record<string, string | ((path: string) => void)>, state?: unknown): Promise<string> {
  const dir = await mkdtemp(join(work, 'bundle-'));
  await mkdir(join(dir, 'logs'));
  await mkdir(join(dir, 'state'));
  for (const [name, content] of Object.entries(logs)) {
    if (typeof content === 'string') await writeFile(join(dir, 'logs', name), content);
    else content(join(dir, 'logs', name));
  }
  if (state) await writeFile(join(dir, 'state/state.json'), JSON.stringify(state));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ format: 'mcp-tunnel-triage-bundle/1', created: '2026-11-28T04:00:00.000Z', deployment: { kind: 'helm', how: 'bench', paths: {}, release: 'mcp-tunnel', namespace: 'mcp-tunnel' } }));
  return dir;
}

const CASES: Case[] = [
  {
    name: 'helm-200',
    title: 'Helm, 200 pods, live',
    goal: '<= 8 s, <= 250 MB',
    async prepare(work) {
      const dir = await mkdtemp(join(work, 'helm-'));
      const p = pods(200, false);
      const sc = await scenarioDir(kubeRules({ namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods: p.pods, logs: p.logs, jobs: [{ name: 'mcp-tunnel-setup' }], sleepMs: SLEEP_MS }));
      return { dir, env: sc.env, kube: true };
    },
    run: live,
    met: (o) => o.wallMs <= 8000 && o.rssMb <= 250 && o.timedOut === 0,
  },
  {
    name: 'spawn-floor-200',
    title: '  floor: bare spawn of its 600 logs calls',
    goal: '(baseline, same run)',
    async prepare(work) {
      const p = pods(200, false);
      const sc = await scenarioDir(kubeRules({ namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods: p.pods, logs: p.logs, jobs: [{ name: 'mcp-tunnel-setup' }], sleepMs: SLEEP_MS }));
      return { env: sc.env, pods: p.pods.map((x) => x.name) };
    },
    run: (input) => spawnFloor(input),
    baseline: true,
    met: (o) => (o.sumMs ?? 0) >= (o.calls ?? 0) * SLEEP_MS,
  },
  {
    name: 'helm-300',
    title: 'Helm, 300 pods, live',
    goal: 'no false timeouts',
    async prepare(work) {
      const dir = await mkdtemp(join(work, 'helm-'));
      const p = pods(300, false);
      const sc = await scenarioDir(kubeRules({ namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods: p.pods, logs: p.logs, jobs: [{ name: 'mcp-tunnel-setup' }], sleepMs: SLEEP_MS }));
      return { dir, env: sc.env, kube: true };
    },
    run: live,
    met: (o) => o.timedOut === 0,
  },
  {
    name: 'compose-v1-200',
    title: 'Compose v1, 200 containers, live',
    goal: '<= 5 s, <= 250 MB',
    async prepare(work) {
      const { dir, project } = await composeProject(work);
      const containers: ContainerSpec[] = [];
      for (let i = 1; i <= 100; i++) containers.push({ service: 'mcp-proxy', state: 'running', number: i }, { service: 'cloudflared', state: 'running', number: i });
      const logs = { 'mcp-proxy': logLines('mcp-proxy', LINES, 1), cloudflared: logLines('cloudflared', LINES, 2) };
      const sc = await scenarioDir(composeRules({ flavor: 'v1', project, dir, containers, logs, sleepMs: SLEEP_MS }));
      return { dir, env: sc.env };
    },
    run: live,
    met: (o) => o.wallMs <= 5000 && o.rssMb <= 250,
  },
  {
    name: 'compose-v2-big-log',
    title: 'Compose v2, a 12 MB log',
    goal: 'keeps the newest lines',
    async prepare(work) {
      const { dir, project } = await composeProject(work);
      const containers: ContainerSpec[] = [{ service: 'mcp-proxy', state: 'running' }, { service: 'cloudflared', state: 'running' }];
      const pad = 'x'.repeat(6000);
      const lines = Array.from({ length: LINES }, (_, i) => `INF line ${String(i).padStart(6, '0')} ${pad}`);
      const logs = { 'mcp-proxy': logLines('mcp-proxy', 20, 1), cloudflared: lines };
      const sc = await scenarioDir(composeRules({ flavor: 'v2-lines', project, dir, containers, logs, sleepMs: SLEEP_MS }));
      return { dir, env: sc.env, bigLog: `line ${String(LINES - 1).padStart(6, '0')} ` };
    },
    run: live,
    met: (o) => /newest line kept: yes; oldest line kept: no/.test(o.note ?? ''),
  },
  {
    name: 'compose-v2-small',
    title: 'live gather, Compose v2, calls of 0.7 s',
    goal: 'wall <= 45% of the sum',
    async prepare(work) {
      const { dir, project } = await composeProject(work);
      const containers: ContainerSpec[] = [{ service: 'mcp-proxy', state: 'restarting', exitCode: 1, restartCount: 3 }, { service: 'cloudflared', state: 'running' }];
      const logs = { 'mcp-proxy': ['level=ERROR msg="load config"'], cloudflared: ['INF Registered tunnel connection connIndex=0'] };
      const sc = await scenarioDir(composeRules({ flavor: 'v2-lines', project, dir, containers, logs, sleepMs: 700 }));
      return { dir, env: sc.env };
    },
    run: live,
    met: (o) => o.wallMs <= 0.45 * (o.sumMs ?? 0),
  },
  {
    name: 'bundle-crashloop-200',
    title: 'bundle, 200 pods in CrashLoopBackOff',
    goal: '<= 3 s',
    async prepare(work) {
      const p = pods(200, true);
      const prefixed = (container: string) =>
        `${p.pods.map((pod) => p.logs[pod.name]![container]!.map((l, i) => `[pod/${pod.name}/${container}] 2026-11-28T03:${String(10 + Math.floor(i / 60) % 50).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000000000Z ${l}`).join('\n')).join('\n')}\n`;
      const containers = p.pods.flatMap((pod) => [
        { service: 'mcp-proxy', name: 'mcp-proxy', pod: pod.name, state: 'waiting', reason: 'CrashLoopBackOff', restartCount: 7, lastTermination: { exitCode: 1, reason: 'Error' } },
        { service: 'cloudflared', name: 'cloudflared', pod: pod.name, state: 'running' },
      ]);
      const state = { kube: { namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods: p.pods.map((pod) => ({ name: pod.name, phase: 'Running', ready: false, containers: containers.filter((c) => c.pod === pod.name) })) }, containers };
      return { dir: await writeBundleDir(work, { 'mcp-proxy.log': prefixed('mcp-proxy'), 'cloudflared.log': prefixed('cloudflared') }, state) };
    },
    run: bundleRun,
    met: (o) => o.wallMs <= 3000,
  },
  {
    name: 'bundle-100mb',
    title: 'bundle, 100 MB of logs',
    goal: '<= 1.2 s, <= 120 MB',
    async prepare(work) {
      // 0.1% of the lines hold a known failure (as bench:scan's quiet log), so the findings show every byte was read.
      const half = (path: string) => writeMixedLog(path, 50 * MB, 0.001);
      return { dir: await writeBundleDir(work, { 'cloudflared.log': half, 'mcp-proxy.log': half }) };
    },
    run: bundleRun,
    met: (o) => o.wallMs <= 1200 && o.rssMb <= 120,
  },
];

// ── parent / child ──────────────────────────────────────────────────────────────────────────────────

const caseArg = process.argv.indexOf('--case');
if (caseArg > 0) {
  const c = CASES.find((x) => x.name === process.argv[caseArg + 1])!;
  const input = JSON.parse(process.env.BENCH_INPUT ?? '{}') as Record<string, unknown>;
  const o = await c.run(input, process.argv.includes('--before'));
  process.stdout.write(`BENCH_RESULT=${JSON.stringify(o)}\n`);
  process.exit(0);
}

const self = process.env.BENCH_SELF;
if (!self) throw new Error('run through bench/run-ts.mjs (it sets BENCH_SELF)');
const wanted = process.env.BENCH_CASES?.split(',');
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
work = await mkdtemp(join(tmpdir(), 'mtt-bench-scale-'));
if (STAND_IN === 'c') {
  nativeBinary = compileStandIn(work);
  if (!nativeBinary) STAND_IN = 'dash';
}
const baseline = process.env.BENCH_BASELINE === '1';
const rows: { c: Case; o: Outcome; before?: Outcome }[] = [];
const child = (c: Case, input: Record<string, unknown>, before: boolean): Outcome => {
  const prof = [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  // The old way started every command from this process: no spawner.
  const r = spawnSync(process.execPath, [...prof, self, '--case', c.name, ...(before ? ['--before'] : [])], { env: { ...process.env, BENCH_INPUT: JSON.stringify(input), ...(before ? { MTT_SPAWNER: '0' } : {}) }, encoding: 'utf8', maxBuffer: 64 * MB });
  if (process.env.BENCH_DEBUG) process.stderr.write(r.stderr + r.stdout);
  const line = /BENCH_RESULT=(.*)/.exec(r.stdout)?.[1];
  if (!line) throw new Error(`case ${c.name} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Outcome;
};
try {
  for (const c of CASES.filter((x) => !wanted || wanted.includes(x.name))) {
    const input = await c.prepare(work);
    for (let i = 0; i < runs; i++) {
      const before = baseline && !c.baseline ? child(c, input, true) : undefined;
      rows.push({ c, o: child(c, input, false), ...(before ? { before } : {}) });
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
  for (const c of cleanups) await c();
}

const pad = (s: string, n: number) => s.padEnd(n);
console.log(`${STAND_IN} stand-ins answer after ${SLEEP_MS} ms (the small Compose row: 700 ms), ${LINES} log lines per container; load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${pad('case', 42)}${pad('calls', 7)}${pad('wall', 9)}${pad('cpu', 9)}${pad('sum', 10)}${pad('ratio', 7)}${pad('RSS', 9)}${pad('timeouts', 10)}${pad('goal', 22)}`);
const line = (title: string, o: Outcome, goal: string) => {
  const ratio = o.sumMs ? `${((o.wallMs / o.sumMs) * 100).toFixed(0)}%` : '';
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return `${pad(title, 42)}${pad(String(o.calls ?? ''), 7)}${pad(sec(o.wallMs), 9)}${pad(sec(o.cpuMs), 9)}${pad(o.sumMs ? `${(o.sumMs / 1000).toFixed(1)} s` : '', 10)}${pad(ratio, 7)}${pad(`${o.rssMb.toFixed(0)} MB`, 9)}${pad(String(o.timedOut ?? ''), 10)}${goal}`;
};
let ok = true;
for (const { c, o, before } of rows) {
  const met = c.met(o);
  ok &&= met;
  console.log(line(c.title, o, `${pad(c.goal, 22)}${met ? 'met' : 'NOT met'}`));
  if (o.note) console.log(`${' '.repeat(4)}${o.note}`);
  if (before) {
    console.log(line('  the old way, same run', before, `now/old: wall ${(o.wallMs / before.wallMs).toFixed(2)}x, cpu ${(o.cpuMs / before.cpuMs).toFixed(2)}x, RSS ${(o.rssMb / before.rssMb).toFixed(2)}x`));
  }
}
console.log(ok ? 'all goals met' : 'some goals NOT met');
process.exitCode = ok ? 0 : 1;
