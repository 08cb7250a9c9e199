import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/gather/run.js';
import { makeScenario } from '../helpers/stand-ins.js';

describe('stand-ins and the command runner', () => {
  it('answer by rule, record argv, and leave tools outside the scenario missing', async () => {
    const sc = await makeScenario(
      [
        { tool: 'docker', args: ['version', '--format', 'json'], stdout: '{"Client":{}}\n' },
        { tool: 'helm', args: ['status'], match: 'prefix', stderr: 'Error: release: not found\n', exitCode: 1 },
      ],
      { tools: ['docker', 'helm'] },
    );
    try {
      const env = { ...sc.env };
      const ok = await runCommand(['docker', 'version', '--format', 'json'], { timeoutMs: 10_000, env });
      expect(ok).toMatchObject({ exitCode: 0, stdout: '{"Client":{}}\n', notFound: false });
      const failed = await runCommand(['helm', 'status', 'mcp-tunnel', '-n', 'mcp-tunnel'], { timeoutMs: 10_000, env });
      expect(failed).toMatchObject({ exitCode: 1, error: 'Error: release: not found' });
      const missing = await runCommand(['kubectl', 'version'], { timeoutMs: 10_000, env });
      expect(missing).toMatchObject({ notFound: true, error: 'kubectl: command not found' });
      expect((await sc.calls()).map((c) => [c.tool, ...c.args])).toEqual([
        ['docker', 'version', '--format', 'json'],
        ['helm', 'status', 'mcp-tunnel', '-n', 'mcp-tunnel'],
      ]);
    } finally {
      await sc.cleanup();
    }
  });

  it('kill a hung command at its timeout and say so', async () => {
    const sc = await makeScenario([{ tool: 'docker', args: ['ps'], hang: true }], { tools: ['docker'] });
    try {
      const r = await runCommand(['docker', 'ps'], { timeoutMs: 800, env: sc.env });
      expect(r.timedOut).toBe(true);
      expect(r.error).toMatch(/timed out after 1 s and was killed/);
      expect(r.ms).toBeLessThan(8_000);
    } finally {
      await sc.cleanup();
    }
  });

  it('cap the output it keeps', async () => {
    const sc = await makeScenario([{ tool: 'docker', args: ['logs'], match: 'prefix', stdout: 'x'.repeat(200_000) }], { tools: ['docker'] });
    try {
      const r = await runCommand(['docker', 'logs', 'c'], { timeoutMs: 10_000, env: sc.env, maxBytes: 50_000 });
      expect(r.truncated).toBe(true);
      expect(r.stdout.length).toBeLessThanOrEqual(50_000);
    } finally {
      await sc.cleanup();
    }
  });
});

describe('once rules', () => {
  it('are taken by exactly one of several calls made at the same time', async () => {
    const sc = await makeScenario(
      [
        { tool: 'docker', args: ['ps'], stdout: 'first\n', once: true },
        { tool: 'docker', args: ['ps'], stdout: 'later\n' },
      ],
      { tools: ['docker'] },
    );
    try {
      const outs = await Promise.all(Array.from({ length: 6 }, () => runCommand(['docker', 'ps'], { timeoutMs: 20_000, env: sc.env })));
      expect(outs.map((o) => o.stdout).sort()).toEqual(['first\n', 'later\n', 'later\n', 'later\n', 'later\n', 'later\n']);
    } finally {
      await sc.cleanup();
    }
  });
});
