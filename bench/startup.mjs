// Start-up, measured in one run against a baseline from the same run (medians; this machine is noisy):
//   node -e 0                    the floor: Node itself
//   --version                    the headless path (must stay near the floor: no Ink)
//   wizard first frame (--demo)  from spawn to the menu on a terminal, under a pseudo-terminal from
//                                `script`; the pty wrapper's own cost (measured alone) is taken off.
// Run `npm run build` first (npm run bench:startup does).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const BIN = fileURLToPath(new URL('../bin/mcp-tunnel-triage.js', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 9);
const FRAME_TEXT = 'What are you seeing?';
const DEADLINE_MS = 10_000;

if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
  console.error('bench/startup: dist/cli.js is missing; run npm run build first');
  process.exit(2);
}

/** ms from spawn to exit. */
function timeToExit(cmd, args) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', () => resolve(performance.now() - start));
  });
}

/** ms from spawn until `text` appears on the pseudo-terminal (then the child is stopped). */
function timeToText(shellCommand, text) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec ${shellCommand}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' }, detached: true });
    let seen = '';
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no "${text}" within ${DEADLINE_MS} ms; got: ${seen.slice(-300)}`)), DEADLINE_MS);
    function finish(err, ms) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      if (err) reject(err);
      else resolve(ms);
    }
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString('utf8');
      if (seen.includes(text)) finish(undefined, performance.now() - start);
    });
    child.on('error', (err) => finish(err));
    child.on('exit', () => setTimeout(() => finish(new Error(`exited before "${text}" appeared; got: ${seen.slice(-300)}`)), 50));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

const samples = { floor: [], version: [], ptyFloor: [], frame: [] };
// Interleaved, so that a noisy moment hits every case alike.
for (let i = 0; i < RUNS; i++) {
  samples.floor.push(await timeToExit(process.execPath, ['-e', '0']));
  samples.version.push(await timeToExit(process.execPath, [BIN, '--version']));
  samples.ptyFloor.push(await timeToText(`${q(process.execPath)} -e ${q(`process.stdout.write(${JSON.stringify(FRAME_TEXT)})`)}`, FRAME_TEXT));
  samples.frame.push(await timeToText(`${q(process.execPath)} ${q(BIN)} --demo`, FRAME_TEXT));
}

const floor = median(samples.floor);
const version = median(samples.version);
const ptyFloor = median(samples.ptyFloor);
const frameRaw = median(samples.frame);
// The pty wrapper (script + stty) costs the same in both pty cases: the frame's own time is floor + the difference.
const frame = floor + (frameRaw - ptyFloor);
const fmt = (ms) => `${Math.round(ms)} ms`;
console.log(`node ${process.version}, ${RUNS} runs each, medians`);
console.log(`node -e 0 (the floor)            ${fmt(floor)}`);
console.log(`--version                        ${fmt(version)}   ${(version / floor).toFixed(2)}x the floor, +${fmt(version - floor)}`);
console.log(`wizard first frame (--demo)      ${fmt(frame)}   ${(frame / floor).toFixed(2)}x the floor, +${fmt(frame - floor)}   (under a pty: ${fmt(frameRaw)}, pty floor ${fmt(ptyFloor)})`);
console.log(`target: first frame within 400 ms: ${frame <= 400 ? 'met' : 'NOT met'}`);
