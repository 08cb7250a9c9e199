// The fix preview on a huge config stays linear: `routes` as a list of N routes, planned by routes-to-map
// (YamlPatch, then the diff the plan shows) and by the whole analysis (which plans every fix it offers).
// The cost per route at 8,000 and 110,000 routes is a ratio against the cost per route at 2,000 routes,
// measured in this run (goal: <= 3x). The diff alone is timed too; `--old` also times the `diff` package's
// edit-length search on the same 8,000-route edit (about 40 s here: what the preview used to cost).
// Run: npm run bench:fix-preview [-- --old]
import { createTwoFilesPatch } from 'diff';
import { planFix } from '../src/fixes/registry.js';
import { unifiedDiffText } from '../src/fixes/line-diff.js';
import { analyze } from '../src/analyze/index.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../test/helpers/snapshot.js';

function configWith(n: number): string {
  const routes = Array.from({ length: n }, (_, i) => `  - r${i}: http://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8080   # route ${i}\n`).join('');
  return proxyConfig(`routes:\n${routes}`);
}

function snapshotWith(n: number) {
  return snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': configWith(n) } });
}

function perRoute(n: number, what: 'plan' | 'analyze'): number {
  const s = snapshotWith(n);
  const start = performance.now();
  if (what === 'plan') {
    const plan = planFix('routes-to-map', s);
    if (!plan || plan.steps[0]?.kind !== 'edit') throw new Error(`no edit planned for ${n} routes`);
  } else analyze(s);
  return (performance.now() - start) / n;
}

perRoute(200, 'plan'); // warm up
perRoute(200, 'analyze');
const base = { plan: perRoute(2_000, 'plan'), analyze: perRoute(2_000, 'analyze') };
let ok = true;
for (const n of [8_000, 110_000]) {
  for (const what of ['plan', 'analyze'] as const) {
    const cost = perRoute(n, what);
    const ratio = cost / base[what];
    ok &&= ratio <= 3;
    console.log(`${what.padEnd(7)} ${String(n).padStart(7)} list routes: ${((cost * n) / 1000).toFixed(2)} s, ${(cost * 1000).toFixed(1)} µs per route, ${ratio.toFixed(2)}x the per-route cost at 2,000 (goal <= 3x)`);
  }
  const before = configWith(n);
  const after = before.replace(/^ {2}- /gm, '  ');
  let start = performance.now();
  unifiedDiffText('config/mcp-proxy.yaml', before, after);
  console.log(`diff    ${String(n).padStart(7)} list routes: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  if (n === 8_000 && process.argv.includes('--old')) {
    start = performance.now();
    createTwoFilesPatch('a', 'b', before, after, '', '', { context: 3 });
    console.log(`diff     (the diff package's edit-length search, as before) ${String(n).padStart(7)} list routes: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  }
}
console.log(ok ? 'goals met' : 'goals NOT met');
process.exitCode = ok ? 0 : 1;
