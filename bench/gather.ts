// Live gathering is concurrent: with the stand-ins answering every docker / kubectl / helm call after 0.7 s,
// a full gather must take at most 45% of the time the same calls take one after another (issue 14: Compose
// v2 asks its containers and logs together with the versions). Both numbers come from the same run: the
// wall time of the gather, and the sum of each call's own time as recorded.
// Run: npm run bench:gather
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gatherSnapshot } from '../src/gather/index.js';
import { defaultOptions, type TriageOptions } from '../src/options.js';
import { makeScenario, type Rule } from '../test/helpers/stand-ins.js';
import { composeRules, kubeRules, type ComposeFlavor } from '../test/helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../test/helpers/snapshot.js';

const DELAY_MS = 0.7 * 1000;
const GOAL = 0.45;

interface Row {
  scenario: string;
  calls: number;
  wallMs: number;
  sumMs: number;
}

async function measure(scenario: string, rules: Rule[], dir: string, over: Partial<TriageOptions> = {}): Promise<Row> {
  const sc = await makeScenario(rules, { tools: ['docker', 'docker-compose', 'kubectl', 'helm'] });
  try {
    const start = performance.now();
    const s = await gatherSnapshot(defaultOptions({ dir, network: false, timeoutMs: 15_000, ...over }), undefined, { env: sc.env });
    const wallMs = performance.now() - start;
    const commands = s.state.commands ?? [];
    return { scenario, calls: commands.length, wallMs, sumMs: commands.reduce((n, c) => n + c.ms, 0) };
  } finally {
    await sc.cleanup();
  }
}

async function composeProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtt-bench-gather-'));
  await mkdir(join(dir, 'config'));
  await writeFile(join(dir, 'docker-compose.yaml'), `${DOCUMENTED_COMPOSE}  setup:\n    image: mcp-proxy:latest\n    profiles: [setup]\n    entrypoint: ["/setup"]\n`);
  await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
  return dir;
}

const rows: Row[] = [];
for (const flavor of ['v2-lines', 'v1'] as ComposeFlavor[]) {
  const dir = await composeProject();
  const project = basename(dir).toLowerCase().replace(/[^-_a-z0-9]/g, '');
  const containers = [
    { service: 'mcp-proxy', state: 'restarting' as const, exitCode: 1, restartCount: 3 },
    { service: 'cloudflared', state: 'running' as const },
    { service: 'setup', state: 'exited' as const, exitCode: 0 },
  ];
  const logs = { 'mcp-proxy': ['level=ERROR msg="load config"'], cloudflared: ['INF Registered tunnel connection connIndex=0'], setup: ['done'] };
  rows.push(await measure(`compose ${flavor === 'v1' ? 'v1 (docker-compose)' : 'v2 (docker compose)'}`, composeRules({ flavor, project, dir, containers, logs, sleepMs: DELAY_MS }), dir));
  await rm(dir, { recursive: true, force: true });
}
{
  const dir = await mkdtemp(join(tmpdir(), 'mtt-bench-gather-'));
  const pods = ['a1b2c', 'd3e4f', 'g5h6i'].map((id, i) => ({ name: `mcp-tunnel-6b7f9c8d4-${id}`, ip: `127.0.0.${21 + i}`, containers: [{ name: 'mcp-proxy', state: 'running' as const, restartCount: i === 0 ? 2 : 0 }, { name: 'cloudflared', state: 'running' as const }] }));
  rows.push(await measure('helm, 3 replicas (--kube)', kubeRules({ namespace: 'mcp-tunnel', release: 'mcp-tunnel', pods, jobs: [{ name: 'mcp-tunnel-setup', failed: true }], sleepMs: DELAY_MS }), dir, { kube: true }));
  await rm(dir, { recursive: true, force: true });
}

const pad = (s: string, n: number) => s.padEnd(n);
console.log(`gather with every command answering after ${DELAY_MS} ms (stand-ins); goal: wall time <= ${GOAL * 100}% of the sequential sum`);
console.log(`${pad('scenario', 30)}${pad('calls', 7)}${pad('wall', 10)}${pad('sum', 10)}ratio`);
let ok = true;
for (const r of rows) {
  const ratio = r.wallMs / r.sumMs;
  ok &&= ratio <= GOAL;
  console.log(`${pad(r.scenario, 30)}${pad(String(r.calls), 7)}${pad(`${(r.wallMs / 1000).toFixed(2)} s`, 10)}${pad(`${(r.sumMs / 1000).toFixed(2)} s`, 10)}${(ratio * 100).toFixed(0)}%`);
}
console.log(ok ? 'goal met' : 'goal NOT met');
process.exitCode = ok ? 0 : 1;
