import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/gather/tool-errors.js';
import type { RunResult } from '../../src/gather/run.js';
import { toolError, type ErrorName } from '../helpers/deployment-scenarios.js';
import type { ToolName } from '../../src/snapshot/types.js';

function result(argv: string[], e: { stdout?: string; stderr?: string; exitCode?: number }, extra: Partial<RunResult> = {}): RunResult {
  return { argv, stdout: e.stdout ?? '', stderr: e.stderr ?? '', exitCode: e.exitCode, ms: 5, timedOut: false, truncated: false, notFound: false, ...extra };
}

describe('tool failures, from the real tools\' messages', () => {
  const cases: [ErrorName, ToolName, string, RegExp][] = [
    ['docker-version-daemon-down', 'docker', 'daemon-down', /^Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock\. Is the docker daemon running\?$/],
    ['docker-version-permission-denied', 'docker', 'permission-denied', /^permission denied while trying to connect to the Docker daemon socket/],
    ['docker-compose-v1-daemon-down', 'compose', 'daemon-down', /Error while fetching server API version/],
    ['kubectl-localhost-refused', 'kubectl', 'cluster-unreachable', /^The connection to the server localhost:8080 was refused/],
    ['kubectl-unable-to-connect', 'kubectl', 'cluster-unreachable', /^Unable to connect to the server: dial tcp/],
    ['kubectl-forbidden', 'kubectl', 'forbidden', /^Error from server \(Forbidden\)/],
    ['helm-cluster-unreachable', 'helm', 'cluster-unreachable', /^Error: Kubernetes cluster unreachable/],
    ['helm-release-not-found', 'helm', 'release-not-found', /^Error: release: not found$/],
    // Recorded from the real kubectl against the API server harness.
    ['kubectl-refused-loopback', 'kubectl', 'cluster-unreachable', /^The connection to the server 127\.0\.0\.1:6443 was refused - did you specify the right host or port\?$/],
    ['kubectl-get-pods-refused', 'kubectl', 'cluster-unreachable', /^The connection to the server 127\.0\.0\.1:6443 was refused/],
    ['kubectl-deadline', 'kubectl', 'cluster-unreachable', /^Unable to connect to the server: context deadline exceeded$/],
    ['kubectl-deadline-awaiting-headers', 'kubectl', 'cluster-unreachable', /^Unable to connect to the server: net\/http: request canceled \(Client\.Timeout exceeded while awaiting headers\)$/],
    ['kubectl-deadline-client-timeout', 'kubectl', 'cluster-unreachable', /^Unable to connect to the server: context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\)$/],
    ['kubectl-unauthorized', 'kubectl', 'unauthorized', /^error: You must be logged in to the server \(the server has asked for the client to provide credentials\)$/],
    ['kubectl-get-pods-unauthorized', 'kubectl', 'unauthorized', /^error: You must be logged in to the server/],
    ['kubectl-unknown-authority', 'kubectl', 'cluster-unreachable', /^Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority$/],
    ['kubectl-namespace-not-found', 'kubectl', 'namespace-not-found', /^Error from server \(NotFound\): namespaces "nope" not found$/],
    ['kubectl-1.20-unknown-authority', 'kubectl', 'cluster-unreachable', /^Unable to connect to the server: x509: certificate signed by unknown authority$/],
    ['kubectl-1.20-unauthorized', 'kubectl', 'unauthorized', /^error: You must be logged in to the server \(Unauthorized\)$/],
  ];
  for (const [name, tool, problem, message] of cases) {
    it(`${name} -> ${problem}`, () => {
      const status = classifyFailure(tool, result([tool, 'x'], toolError(name)));
      expect(status?.problem).toBe(problem);
      expect(status?.message).toMatch(message);
      expect(status?.argv).toEqual([tool, 'x']);
    });
  }

  it('a program that is not installed, a timeout, and an unknown failure', () => {
    expect(classifyFailure('helm', result(['helm', 'status'], {}, { notFound: true }))).toMatchObject({ present: false, problem: 'not-found', message: 'helm was not found on PATH' });
    expect(classifyFailure('docker', result(['docker', 'ps'], {}, { timedOut: true, error: 'timed out after 1 s and was killed' }))).toMatchObject({ problem: 'timeout', message: '`docker ps` timed out after 1 s and was killed' });
    expect(classifyFailure('docker', result(['docker', 'ps'], { stderr: 'Error response from daemon: something odd\n', exitCode: 1 }))).toMatchObject({ problem: 'failed', message: 'Error response from daemon: something odd' });
    expect(classifyFailure('docker', result(['docker', 'ps'], { exitCode: 0 }))).toBeUndefined();
  });

  it('never keeps a secret from a failure message', () => {
    const status = classifyFailure('docker', result(['docker', 'x'], { stderr: 'Error: bad value TUNNEL_TOKEN=eyJhIjoiZmFrZS1hY2NvdW50LWlkLWZvci10ZXN0cyJ9\n', exitCode: 1 }));
    expect(status?.message).not.toContain('eyJhIjoi');
  });
});
