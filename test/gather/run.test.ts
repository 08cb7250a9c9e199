// runCommand: each tool in its own process group, killed whole at the deadline, so a child that keeps the
// tool's stdout open (`sleep 1000 & wait` in a wrapper) can neither hold the run nor outlive it.
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../src/gather/run.js';
import { BIN, runCli } from '../helpers/cli.js';
import { testKit } from '../helpers/test-kit.js';
import { gone } from '../helpers/processes.js';

const { folder } = testKit('mtt-run-');

const pidsIn = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);

// Logs (keep: 'tail') are started by the spawner process (spawner.ts), everything else here: both must hold.
describe.each([{ path: 'started here', keep: undefined }, { path: 'started by the spawner (logs)', keep: 'tail' as const }])('runCommand kills the whole process group, $path', { timeout: 30_000 }, ({ keep }) => {
  it('a grandchild holding stdout open: the run ends at the deadline and the grandchild is gone', async () => {
    const dir = await folder();
    const pids = join(dir, 'pids');
    const r = await runCommand(['sh', '-c', `sleep 1000 & echo $! > '${pids}'; echo started; wait`], { timeoutMs: 500, keep });
    expect(r.timedOut).toBe(true);
    expect(r.error).toBe('timed out after 1 s and was killed');
    expect(r.stdout).toBe('started\n');
    const [grandchild] = await pidsIn(pids);
    expect(grandchild).toBeGreaterThan(0);
    expect(await gone([grandchild!])).toEqual([]);
  });

  it('a group that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
    const dir = await folder();
    const pids = join(dir, 'pids');
    const r = await runCommand(['sh', '-c', `trap '' TERM; sleep 1000 & echo $! > '${pids}'; echo $$ >> '${pids}'; wait; wait`], { timeoutMs: 300, keep });
    expect(r.timedOut).toBe(true);
    expect(await gone(await pidsIn(pids))).toEqual([]);
  });

  it('a grandchild left behind by a command that exits on its own keeps nothing waiting past the deadline', async () => {
    const dir = await folder();
    const pids = join(dir, 'pids');
    const r = await runCommand(['sh', '-c', `sleep 1000 & echo $! > '${pids}'; echo done`], { timeoutMs: 10_000, keep });
    expect(r).toMatchObject({ stdout: 'done\n', exitCode: 0, timedOut: false });
    expect(r.error).toBeUndefined();
    expect(await gone(await pidsIn(pids))).toEqual([]);
  });

  it('cancelling kills the group', async () => {
    const dir = await folder();
    const pids = join(dir, 'pids');
    const controller = new AbortController();
    const run = runCommand(['sh', '-c', `sleep 1000 & echo $! > '${pids}'; wait`], { timeoutMs: 60_000, signal: controller.signal, keep });
    while (!(await pidsIn(pids)).length) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const r = await run;
    expect(r.error).toBe('cancelled');
    expect(await gone(await pidsIn(pids))).toEqual([]);
  });

  it.skipIf(keep === 'tail')('output past the cap stops the command, and what was read is kept', async () => {
    const r = await runCommand(['sh', '-c', 'while :; do echo 0123456789abcdef0123456789abcdef; done'], { timeoutMs: 20_000, maxBytes: 64 * 1024 });
    expect(r.truncated).toBe(true);
    expect(r.timedOut).toBe(false);
    expect(r.stdout.length).toBe(64 * 1024);
    expect(r.stdout.startsWith('0123456789abcdef')).toBe(true);
  });

  it('a missing program is "command not found", an ordinary failure keeps its exit code and stderr', async () => {
    const missing = await runCommand(['mtt-no-such-program-here'], { timeoutMs: 5_000, keep });
    expect(missing).toMatchObject({ notFound: true, error: 'mtt-no-such-program-here: command not found' });
    const failed = await runCommand(['sh', '-c', 'echo out; echo "Error: it broke" >&2; exit 3'], { timeoutMs: 5_000, keep });
    expect(failed).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'Error: it broke\n', error: 'Error: it broke', timedOut: false, truncated: false });
    const input = await runCommand(['cat'], { timeoutMs: 5_000, input: 'fed\n', keep });
    expect(input.stdout).toBe('fed\n');
    const where = await runCommand(['sh', '-c', 'pwd; echo "$MTT_RUN_TEST"'], { timeoutMs: 5_000, cwd: '/tmp', env: { MTT_RUN_TEST: 'from the caller' }, keep });
    expect(where.stdout).toBe('/tmp\nfrom the caller\n');
  });

  it.skipIf(keep !== 'tail')('a log longer than the limit keeps its newest lines, read to the end', async () => {
    const r = await runCommand(['sh', '-c', 'seq 1 100000'], { timeoutMs: 20_000, maxBytes: 1000, keep });
    expect(r).toMatchObject({ exitCode: 0, truncated: true, printed: { stdout: 588_895, stderr: 0 } });
    expect(r.stdout.endsWith('99999\n100000\n')).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(1000);
    expect(r.stdout.split('\n')[0]).toMatch(/^\d+$/); // from a line start
  });
});

describe('diagnose --timeout with a docker that leaves a child holding its output', () => {
  it('ends, reports the hang, and leaves no process behind', async () => {
    const dir = await folder();
    const bin = join(dir, 'bin');
    const pids = join(dir, 'pids');
    await (await import('node:fs/promises')).mkdir(bin);
    await writeFile(join(bin, 'docker'), `#!/bin/sh\nsleep 1000 &\necho $! >> '${pids}'\nwait\n`, { mode: 0o755 });
    await writeFile(join(dir, 'docker-compose.yaml'), 'services:\n  cloudflared:\n    image: cloudflare/cloudflared\n  mcp-proxy:\n    image: mcp-proxy\n');
    const r = await runCli(['diagnose', '--dir', dir, '--timeout', '1'], { env: { PATH: `${bin}:/usr/bin:/bin` }, timeout: 25_000 });
    expect(r.exitCode).toBeGreaterThan(0); // which code is issue 11's (every command hung: nothing examined)
    expect(r.stdout + r.stderr).toMatch(/docker: a command hung and was killed after 1 s/);
    const started = await pidsIn(pids);
    expect(started.length).toBeGreaterThan(0);
    expect(await gone(started)).toEqual([]);
  });
});

describe('a fatal signal to the tool while a command runs', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s: the tool dies of it (128+n) and takes the command\'s whole group along', async (signal) => {
    const dir = await folder();
    const bin = join(dir, 'bin');
    const pids = join(dir, 'pids');
    await (await import('node:fs/promises')).mkdir(bin);
    await writeFile(join(bin, 'docker'), `#!/bin/sh\nsleep 1000 &\necho $! >> '${pids}'\necho $$ >> '${pids}'\nwait\n`, { mode: 0o755 });
    await writeFile(join(dir, 'docker-compose.yaml'), 'services:\n  mcp-proxy:\n    image: mcp-proxy\n');
    const { execa } = await import('execa');
    const child = execa(process.execPath, [BIN, 'diagnose', '--dir', dir, '--timeout', '600', '--no-network'], { env: { PATH: `${bin}:/usr/bin:/bin` }, reject: false });
    const until = Date.now() + 15_000;
    while ((await pidsIn(pids)).length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    const started = await pidsIn(pids);
    expect(started.length).toBeGreaterThanOrEqual(2);
    child.kill(signal);
    const r = await child;
    expect(r.signal ?? r.exitCode).toBe(signal);
    expect(await gone(started)).toEqual([]);
  });
});
