// One stand-in for docker, docker-compose, kubectl and helm. The tests put a folder of small wrappers first
// on PATH (see test/helpers/stand-ins.ts); each wrapper runs this with the tool's name. It records the argv of
// every call and answers from the scenario's rules, in the real tools' output formats that the rules hold.
//
// Scenario folder ($MTT_STANDIN_SCENARIO): scenario.json = { rules: Rule[], fallback?: Rule }
// Rule = { tool, args (array), match?: 'exact' | 'prefix' | 'contains' (default exact), stdout?, stdoutFile?,
//          stderr?, exitCode?, sleepMs?, hang?, once? }
// Rules are tried in order; `once` rules are used up by their first match: claimed by creating a marker
// file exclusively (used/<index>), so two calls at the same time cannot both take one.
import { appendFileSync, readFileSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';

const [tool, ...args] = process.argv.slice(2);
const dir = process.env.MTT_STANDIN_SCENARIO;
if (!dir) {
  process.stderr.write(`${tool} stand-in: MTT_STANDIN_SCENARIO is not set\n`);
  process.exit(127);
}
appendFileSync(join(dir, 'calls.jsonl'), `${JSON.stringify({ tool, args, cwd: process.cwd(), at: Date.now() })}\n`);

const scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8'));
mkdirSync(join(dir, 'used'), { recursive: true });
function claim(i) {
  try {
    closeSync(openSync(join(dir, 'used', String(i)), 'wx'));
    return true;
  } catch (err) {
    if (err.code === 'EEXIST') return false;
    throw err;
  }
}

function matches(rule) {
  if (rule.tool !== tool) return false;
  const want = rule.args ?? [];
  switch (rule.match ?? 'exact') {
    case 'exact':
      return want.length === args.length && want.every((a, i) => a === args[i]);
    case 'prefix':
      return want.every((a, i) => a === args[i]);
    case 'contains':
      return want.every((a) => args.includes(a));
    default:
      return false;
  }
}

const index = scenario.rules.findIndex((rule, i) => matches(rule) && (!rule.once || claim(i)));
const rule = index >= 0 ? scenario.rules[index] : scenario.fallback ?? { exitCode: 1, stderr: `${tool} stand-in: no rule for: ${args.join(' ')}\n` };

const finish = () => {
  if (rule.stdoutFile) process.stdout.write(readFileSync(join(dir, rule.stdoutFile)));
  if (rule.stdout) process.stdout.write(rule.stdout);
  if (rule.stderr) process.stderr.write(rule.stderr);
  process.exitCode = rule.exitCode ?? 0;
};
if (rule.hang) setInterval(() => {}, 1 << 30);
else if (rule.sleepMs) setTimeout(finish, rule.sleepMs);
else finish();
