// The live-gathering flags (--kube, --namespace, --release, --context, --timeout, --tail, --since, --edge,
// --no-network) into TriageOptions, each checked here so a bad value is a one-line usage error before
// anything runs, and a name never reaches a command unchecked.
import { UsageError } from './errors.js';
import type { TriageOptions } from './options.js';
import { nameProblem, type NameKind } from './gather/names.js';
import { parseHostPort } from './gather/probes.js';

const BIN = 'mcp-tunnel-triage';
/** Go durations as docker and kubectl take them: 30s, 10m, 2h, 1h30m. */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

type Str = (name: string) => string | undefined;

function name(str: Str, flag: string, kind: NameKind): string | undefined {
  const v = str(flag);
  if (v === undefined) return undefined;
  const problem = nameProblem(kind, v);
  if (problem) throw new UsageError(`--${flag}: ${problem}; see ${BIN} --help`);
  return v;
}

export function gatherOptions(values: Record<string, string | boolean | undefined>, str: Str): Partial<TriageOptions> {
  const out: Partial<TriageOptions> = {};
  if (values.kube === true) out.kube = true;
  const namespace = name(str, 'namespace', 'namespace');
  if (namespace) out.namespace = namespace;
  const release = name(str, 'release', 'release');
  if (release) out.release = release;
  const context = name(str, 'context', 'context');
  if (context) out.context = context;

  const timeout = str('timeout');
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!/^\d+(\.\d+)?$/.test(timeout) || !(seconds > 0) || seconds > 3600) throw new UsageError(`--timeout ${timeout} is not a number of seconds between 0 and 3600 (e.g. 30); see ${BIN} --help`);
    out.timeoutMs = Math.round(seconds * 1000);
  }
  const tail = str('tail');
  if (tail !== undefined) {
    const n = Number(tail);
    if (!/^\d+$/.test(tail) || n < 1 || n > 1_000_000) throw new UsageError(`--tail ${tail} is not a line count between 1 and 1000000 (e.g. 500); see ${BIN} --help`);
    out.tail = n;
  }
  const since = str('since');
  if (since !== undefined) {
    if (!DURATION.test(since)) throw new UsageError(`--since ${since} is not a duration such as 30m, 2h or 1h30m; see ${BIN} --help`);
    out.since = since;
  }
  const edge = str('edge');
  if (edge !== undefined) {
    if (!parseHostPort(edge)) throw new UsageError(`--edge ${edge} is not HOST:PORT (e.g. 198.41.192.7:7844, or [2606:4700:a0::1]:7844); see ${BIN} --help`);
    out.edge = edge;
  }
  if (values['no-network'] === true) out.network = false;
  return out;
}
