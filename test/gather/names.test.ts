import { describe, expect, it } from 'vitest';
import { isValidName, nameProblem } from '../../src/gather/names.js';
import { parseArgv } from '../../src/argv.js';
import { UsageError } from '../../src/errors.js';

describe('names that reach a command', () => {
  it('accepts DNS-1123 namespaces and releases, and rejects anything else', () => {
    for (const ok of ['mcp-tunnel', 'a', 'tunnel-2']) expect(isValidName('namespace', ok), ok).toBe(true);
    for (const bad of ['-n', 'MCP', 'a_b', 'a b', 'a;rm -rf /', '', 'x'.repeat(64), 'tunnel-', '--all-namespaces']) expect(isValidName('namespace', bad), bad).toBe(false);
    expect(isValidName('release', 'x'.repeat(53))).toBe(true);
    expect(isValidName('release', 'x'.repeat(54))).toBe(false);
  });

  it('accepts real kube context names and rejects options and spaces', () => {
    for (const ok of ['kind-kind', 'arn:aws:eks:us-east-1:123456789012:cluster/prod', 'gke_project_zone_cluster', 'admin@cluster']) expect(isValidName('context', ok), ok).toBe(true);
    for (const bad of ['--kubeconfig=/tmp/x', 'a b', '', '-x']) expect(isValidName('context', bad), bad).toBe(false);
  });

  it('follows Compose\'s rule for project names', () => {
    expect(isValidName('project', 'mcp_tunnel-2')).toBe(true);
    expect(nameProblem('project', '-p')).toMatch(/not a Compose project name/);
    expect(isValidName('project', 'Tunnel')).toBe(false);
  });
});

describe('gather flags on the command line', () => {
  const parse = (...args: string[]) => parseArgv(['diagnose', ...args], '/srv');
  it('maps them into options', () => {
    const o = parse('--kube', '--namespace', 'tunnels', '--release', 'mcp', '--context', 'kind-kind', '--timeout', '2.5', '--tail', '300', '--since', '1h30m', '--edge', '127.0.0.1:7844', '--no-network').options;
    expect(o).toMatchObject({ kube: true, namespace: 'tunnels', release: 'mcp', context: 'kind-kind', timeoutMs: 2500, tail: 300, since: '1h30m', edge: '127.0.0.1:7844', network: false });
    expect(parse('--edge', '[::1]:7844').options.edge).toBe('[::1]:7844');
  });

  it('rejects bad values with one line naming the flag', () => {
    const bad: [string[], RegExp][] = [
      [['--namespace', 'Bad_NS'], /^--namespace: "Bad_NS" is not a DNS-1123 label/],
      [['--release=-x'], /^--release: "-x" is not a Helm release name/],
      [['--context', 'a b'], /^--context: "a b" is not a kube context name/],
      [['--timeout', '0'], /^--timeout 0 is not a number of seconds/],
      [['--timeout', 'ten'], /^--timeout ten is not a number of seconds/],
      [['--tail=-5'], /^--tail -5 is not a line count/],
      [['--tail', '-5'], /^--tail needs a value; for one that starts with -, write --tail=VALUE/],
      [['--tail', '1e3'], /^--tail 1e3 is not a line count/],
      [['--since', 'yesterday'], /^--since yesterday is not a duration/],
      [['--edge', 'edge.example'], /^--edge edge\.example is not HOST:PORT/],
      [['--edge', '127.0.0.1:70000'], /^--edge 127\.0\.0\.1:70000 is not HOST:PORT/],
    ];
    for (const [args, message] of bad) {
      let err: unknown;
      try {
        parse(...args);
      } catch (e) {
        err = e;
      }
      expect(err, args.join(' ')).toBeInstanceOf(UsageError);
      expect((err as Error).message, args.join(' ')).toMatch(message);
      expect((err as Error).message.includes('\n')).toBe(false);
    }
  });
});
