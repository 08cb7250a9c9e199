// Log commands are started by the spawner process (src/gather/spawner.ts), so that their forks are not paid
// on the main thread. These check that they really are, that a spawner that dies costs no command and no
// hang, and that the tool leaves neither the spawner nor its socket folder behind, whatever ends it.
import { describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCommand } from '../../src/gather/run.js';
import { BIN } from '../helpers/cli.js';
import { testKit } from '../helpers/test-kit.js';
import { alive, gone } from '../helpers/processes.js';
import { makeScenario } from '../helpers/stand-ins.js';
import { runningComposeRules } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

const { folder, later } = testKit('mtt-spawner-');

const cmdline = async (pid: number) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim();
const until = async (what: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await what()) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
};

describe.skipIf(process.platform !== 'linux')('the spawner', { timeout: 30_000 }, () => {
  it('starts a log command (keep: tail) in its own small process, not in this one; others start here', async () => {
    const log = await runCommand(['sh', '-c', 'echo $PPID'], { timeoutMs: 5_000, keep: 'tail' });
    const parent = Number(log.stdout.trim());
    expect(parent).not.toBe(process.pid);
    expect(await cmdline(parent)).toMatch(/spawner-child\.(mjs|js) \/.*mtt-spawn-[^/]+\/s$/);
    const other = await runCommand(['sh', '-c', 'echo $PPID'], { timeoutMs: 5_000 });
    expect(Number(other.stdout.trim())).toBe(process.pid);
  });

  it('keeps the output when the exit is read before the connections that carry it (a busy main thread)', async () => {
    await runCommand(['true'], { timeoutMs: 5_000, keep: 'tail' }); // the spawner is up
    for (let round = 0; round < 5; round++) {
      const runs = Array.from({ length: 32 }, (_, i) => runCommand(['sh', '-c', `echo out ${i}`], { timeoutMs: 10_000, keep: 'tail' }));
      // Busy long enough for every command to connect, print and exit before this thread reads anything.
      const until = Date.now() + 400;
      while (Date.now() < until);
      const results = await Promise.all(runs);
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 32 }, (_, i) => `out ${i}\n`));
      expect(results.map((r) => r.exitCode)).toEqual(Array.from({ length: 32 }, () => 0));
    }
  });

  it('when it dies during a command, that command ends (its exit status lost) and its group is killed; the next starts a new one', async () => {
    const dir = await folder();
    const pids = join(dir, 'pids');
    const run = runCommand(['sh', '-c', `echo $PPID > '${pids}'; sleep 1000 & echo $! >> '${pids}'; echo started; wait`], { timeoutMs: 60_000, keep: 'tail' });
    await until(async () => (await readFile(pids, 'utf8').catch(() => '')).split('\n').filter(Boolean).length >= 2);
    const [spawner, grandchild] = (await readFile(pids, 'utf8')).split('\n').filter(Boolean).map(Number);
    process.kill(spawner!, 'SIGKILL');
    const r = await run;
    expect(r).toMatchObject({ stdout: 'started\n', error: 'its exit status was lost', timedOut: false });
    expect(r.exitCode).toBeUndefined();
    expect(await gone([spawner!, grandchild!])).toEqual([]);
    // The next log command is not lost: it starts (here, or by a new spawner) and says what it printed.
    const next = await runCommand(['sh', '-c', 'echo again'], { timeoutMs: 5_000, keep: 'tail' });
    expect(next).toMatchObject({ stdout: 'again\n', exitCode: 0 });
    const after = await runCommand(['sh', '-c', 'echo $PPID'], { timeoutMs: 5_000, keep: 'tail' });
    const parent = Number(after.stdout.trim());
    expect(parent).not.toBe(spawner);
    expect(await cmdline(parent)).toMatch(/spawner-child/);
  });

  it('a command asked of a spawner that has just died is started here instead, not lost', async () => {
    const first = await runCommand(['sh', '-c', 'echo $PPID'], { timeoutMs: 5_000, keep: 'tail' });
    const spawner = Number(first.stdout.trim());
    expect(await cmdline(spawner)).toMatch(/spawner-child/);
    process.kill(spawner, 'SIGKILL'); // this thread has not seen it go yet
    const r = await runCommand(['sh', '-c', 'echo "here $PPID"'], { timeoutMs: 5_000, keep: 'tail' });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toMatch(/^here \d+\n$/);
    expect(Number(r.stdout.split(' ')[1])).not.toBe(spawner);
  });

  it.each(['exit', 'SIGTERM', 'SIGKILL'] as const)('the bin leaves no spawner and no socket folder behind (%s)', async (how) => {
    const dir = await folder();
    const tmp = join(dir, 'tmp');
    await (await import('node:fs/promises')).mkdir(tmp);
    await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    await (await import('node:fs/promises')).mkdir(join(dir, 'config'));
    await writeFile(join(dir, 'config/mcp-proxy.yaml'), proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
    const rules = runningComposeRules(dir, { 'mcp-proxy': ['time=2026-11-28T03:00:00Z level=INFO msg="route configured" route=mcp'] });
    // SIGTERM, SIGKILL: the proxy's log never ends, so the tool is stopped while the spawner has a command running.
    const hanging = how !== 'exit' ? [{ tool: 'docker' as const, args: ['compose', 'logs', 'mcp-proxy'], match: 'contains' as const, hang: true }] : [];
    const sc = await makeScenario([...hanging, ...rules]);
    later(sc.cleanup);
    const child = execa(process.execPath, [BIN, 'diagnose', '--dir', dir, '--no-network', '--timeout', '60'], { env: { ...sc.env, TMPDIR: tmp }, reject: false });
    let spawner: number | undefined;
    if (how !== 'exit') {
      await until(async () => (await sc.calls()).some((c) => c.args.includes('logs') && c.args.includes('mcp-proxy')));
      const running = (await sc.calls()).find((c) => c.args.includes('logs') && c.args.includes('mcp-proxy'))!;
      spawner = Number((await readFile(`/proc/${running.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[1]); // the stand-in's parent
      expect(await cmdline(spawner)).toMatch(/spawner-child/);
      child.kill(how);
      const r = await child;
      expect(r.signal ?? r.exitCode).toBe(how);
      // SIGKILL runs none of the tool's handlers: its command is left (so is every tool's), stopped here by pid.
      if (how === 'SIGKILL') process.kill(running.pid, 'SIGKILL');
      expect(await gone([running.pid])).toEqual([]);
    } else {
      const r = await child;
      expect([0, 1], r.stderr).toContain(r.exitCode); // findings or none: it ran to the end
      expect(r.stderr).not.toMatch(/internal error/);
      const calls = await sc.calls();
      expect(calls.some((c) => c.args.includes('logs'))).toBe(true);
    }
    if (spawner !== undefined) expect(await gone([spawner])).toEqual([]);
    await until(async () => (await readdir(tmp)).every((n) => !n.startsWith('mtt-spawn-')), 5_000); // SIGKILL: the spawner removes it as it goes
    expect((await readdir(tmp)).filter((n) => n.startsWith('mtt-spawn-'))).toEqual([]);
    const { stdout } = await execa('ps', ['-eo', 'pid,args'], { reject: false });
    expect(stdout.split('\n').filter((l) => l.includes(tmp))).toEqual([]);
    if (spawner !== undefined) expect(alive(spawner)).toBe(false);
  });
});
