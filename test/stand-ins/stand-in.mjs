// One stand-in for docker, docker-compose, kubectl and helm. The tests put a folder of small wrappers first
// on PATH (see test/helpers/stand-ins.ts); each wrapper runs this with the tool's name. It records the argv of
// every call and answers from the scenario's rules, in the real tools' output formats that the rules hold.
//
// Scenario folder ($MTT_STANDIN_SCENARIO): scenario.json = { rules: Rule[], fallback?: Rule }
// Rule = { tool, args (array), match?: 'exact' | 'prefix' | 'contains' (default exact), stdout?, stdoutFile?,
//          stderr?, stderrFile?, exitCode?, sleepMs?, hang?, once?, followFile?, followStream? }
// `followFile` (a file in the scenario folder) is printed and then followed like `tail -f` until the process
// is killed, on stdout or on `followStream: 'stderr'` (docker logs -f, kubectl logs -f): the test appends
// lines to it while the product runs. Like the real tools, `logs … --tail N` prints the rule's last N lines. Every call records its pid, so a test can check none outlives it.
// Rules are tried in order; `once` rules are used up by their first match: claimed by creating a marker
// file exclusively (used/<index>), so two calls at the same time cannot both take one.
import { appendFileSync, readFileSync, mkdirSync, openSync, closeSync, readSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [tool, ...args] = process.argv.slice(2);
const dir = process.env.MTT_STANDIN_SCENARIO;
if (!dir) {
  process.stderr.write(`${tool} stand-in: MTT_STANDIN_SCENARIO is not set\n`);
  process.exit(127);
}
appendFileSync(join(dir, 'calls.jsonl'), `${JSON.stringify({ tool, args, cwd: process.cwd(), at: Date.now(), pid: process.pid })}\n`);
// When each call ended (by pid), so tests can tell how many ran at the same time.
process.on('exit', () => appendFileSync(join(dir, 'ends.jsonl'), `${JSON.stringify({ pid: process.pid, at: Date.now() })}\n`));

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

// `logs … --tail N` (docker, kubectl): only the last N lines of what the rule prints, as the real tools do.
const tailAt = args.includes('logs') ? args.indexOf('--tail') : -1;
const tail = tailAt >= 0 && /^\d+$/.test(args[tailAt + 1] ?? '') ? Number(args[tailAt + 1]) : -1;
function lastLines(data) {
  if (tail < 0) return data;
  const buf = Buffer.from(data);
  if (tail === 0) return Buffer.alloc(0);
  let start = buf.length > 0 && buf[buf.length - 1] === 10 ? buf.length - 1 : buf.length;
  for (let seen = 0; start > 0; start--) if (buf[start - 1] === 10 && ++seen === tail) break;
  return buf.subarray(start);
}
const finish = () => {
  if (rule.stdoutFile) process.stdout.write(lastLines(readFileSync(join(dir, rule.stdoutFile))));
  if (rule.stdout) process.stdout.write(lastLines(rule.stdout));
  if (rule.stderrFile) process.stderr.write(lastLines(readFileSync(join(dir, rule.stderrFile))));
  if (rule.stderr) process.stderr.write(lastLines(rule.stderr));
  process.exitCode = rule.exitCode ?? 0;
};
function follow(file, out) {
  const path = join(dir, file);
  let offset = 0;
  const buf = Buffer.alloc(64 * 1024);
  setInterval(() => {
    if (!existsSync(path)) return;
    const fd = openSync(path, 'r');
    try {
      for (let n; (n = readSync(fd, buf, 0, buf.length, offset)) > 0; offset += n) out.write(Buffer.from(buf.subarray(0, n)));
    } finally {
      closeSync(fd);
    }
  }, 50);
}

if (rule.followFile) follow(rule.followFile, rule.followStream === 'stderr' ? process.stderr : process.stdout);
else if (rule.hang) setInterval(() => {}, 1 << 30);
else if (rule.sleepMs) setTimeout(finish, rule.sleepMs);
else finish();
