// A failed docker / docker-compose / kubectl / helm call, classified from the real tools' real messages
// (recorded from docker CLI 28, docker-compose 1.29, kubectl 1.27-1.33 and helm 3). The classified line is kept
// as the message: it is what the user would have seen had they typed the command.
import type { ToolName, ToolStatus } from '../snapshot/types.js';
import { redact } from '../snapshot/redact.js';
import type { RunResult } from './run.js';

interface Pattern {
  problem: NonNullable<ToolStatus['problem']>;
  re: RegExp;
}

const DOCKER: Pattern[] = [
  // docker CLI: `Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?`
  { problem: 'daemon-down', re: /Cannot connect to the Docker daemon at \S+?\.? Is the docker daemon running\?/ },
  // docker CLI: `permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: ...`
  { problem: 'permission-denied', re: /permission denied while trying to connect to the Docker daemon socket/i },
  // docker-compose 1.29 (Python) ends its traceback with the cause.
  { problem: 'permission-denied', re: /Error while fetching server API version: .*(PermissionError|Permission denied)/ },
  { problem: 'daemon-down', re: /Error while fetching server API version: .*(FileNotFoundError|ConnectionRefusedError|Connection refused|No such file)/ },
  { problem: 'daemon-down', re: /Couldn't connect to Docker daemon at \S+ - is it running\?/ },
  { problem: 'daemon-down', re: /error during connect: .*(docker_engine|dockerDesktopLinuxEngine|docker\.sock)/ },
];

// kubectl's messages as recorded from the real client (1.27, 1.31, 1.32, 1.33) against an API server on
// loopback (test/gather/kube-real.test.ts); helm's from helm 3 reports. Order matters: the first pattern
// that matches any line wins, and kubectl's klog lines (`memcache.go ... couldn't get current server API
// group list: ...`) come before its own last line.
const KUBE: Pattern[] = [
  // 401: kubectl `error: You must be logged in to the server (the server has asked for the client to provide
  // credentials)` (older: `(Unauthorized)`); helm `Error: Kubernetes cluster unreachable: the server has asked ...`
  { problem: 'unauthorized', re: /You must be logged in to the server|the server has asked for the client to provide credentials|\(Unauthorized\)/ },
  // A server certificate the kubeconfig's CA does not vouch for: kubectl `Unable to connect to the server: tls:
  // failed to verify certificate: x509: certificate signed by unknown authority` (or `is valid for X, not Y`, expired).
  { problem: 'cluster-unreachable', re: /tls: failed to verify certificate: x509: .*|x509: certificate (signed by unknown authority|is valid for|has expired)/ },
  // kubectl: `The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?`
  { problem: 'cluster-unreachable', re: /The connection to the server \S+ was refused/ },
  // kubectl: `Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout`; an API server that accepts and
  // never answers: `Unable to connect to the server: context deadline exceeded` (`--request-timeout` ran out).
  { problem: 'cluster-unreachable', re: /Unable to connect to the server/ },
  // helm: `Error: Kubernetes cluster unreachable: Get "http://localhost:8080/version": dial tcp ...` (lowercase in newer helm)
  { problem: 'cluster-unreachable', re: /Kubernetes cluster unreachable/i },
  // kubectl: `Error in configuration: context was not found for specified context: foo`; `error: current-context is not set`
  { problem: 'cluster-unreachable', re: /context "[^"]*" does not exist|no context exists with the name|context was not found for specified context|current-context is not set/ },
  // kubectl: `Error from server (Forbidden): pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "y"`
  { problem: 'forbidden', re: /\(Forbidden\)|is forbidden: User/ },
  // kubectl get namespace: `Error from server (NotFound): namespaces "nope" not found`
  { problem: 'namespace-not-found', re: /\(NotFound\): namespaces "[^"]+" not found/ },
  // helm: `Error: release: not found`
  { problem: 'release-not-found', re: /Error: release: not found/ },
];

function matchLine(text: string, patterns: Pattern[]): { problem: Pattern['problem']; line: string } | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  for (const p of patterns) {
    // The last line that matches: tools print their own summary after the library's log lines.
    const line = [...lines].reverse().find((l) => p.re.test(l));
    if (line) return { problem: p.problem, line };
  }
  return undefined;
}

/** Why this call failed, as a tool status; undefined when it did not fail. */
export function classifyFailure(tool: ToolName, r: RunResult): ToolStatus | undefined {
  const argv = r.argv;
  if (r.notFound) return { present: false, problem: 'not-found', message: `${argv[0]} was not found on PATH`, argv };
  if (r.timedOut) return { present: true, problem: 'timeout', message: `\`${argv.join(' ')}\` ${r.error ?? 'timed out and was killed'}`, argv };
  if (r.exitCode === 0 && !r.error) return undefined;
  const patterns = tool === 'docker' || tool === 'compose' ? DOCKER : KUBE;
  const found = matchLine(`${r.stderr}\n${r.stdout}`, patterns);
  if (found) return { present: true, problem: found.problem, message: redact(found.line).slice(0, 400), argv };
  const first = lastMeaningfulLine(r.stderr) || r.error || `exited with code ${r.exitCode}`;
  return { present: true, problem: 'failed', message: redact(first).slice(0, 400), argv };
}

/** Tools print their cause last (Python tracebacks, klog lines before kubectl's own message). */
function lastMeaningfulLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^Run '.*--help'/.test(l));
  return lines.find((l) => /^(Error|error)\b/.test(l)) ?? lines[lines.length - 1] ?? '';
}

/** Problems that mean the tool cannot be used at all (every later call would fail the same way). */
export function isBlocking(status: ToolStatus | undefined): boolean {
  return status !== undefined && ['not-found', 'daemon-down', 'permission-denied', 'cluster-unreachable', 'unauthorized'].includes(status.problem ?? '');
}
