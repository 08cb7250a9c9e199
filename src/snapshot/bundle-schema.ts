// The JSON files of a bundle, as schemas (zod): a bundle is input from someone else, and a wrong type must
// be one line naming the file and the field, never a crash deep in a check. The schemas mirror
// src/snapshot/types.ts (a compile-time check below keeps them assignable to it); objects pass unknown
// fields through, so a newer bundle's extra sections still read. Loaded only when a bundle is read.
import { z } from 'zod';
import type { Deployment, SnapshotFile, SnapshotState } from './types.js';

const str = z.string();
const num = z.number();
const bool = z.boolean();
const strings = z.array(str);
const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough();

const fileMeta = obj({ mode: num, uid: num, gid: num, size: num, mtimeMs: num });
const keyInfo = obj({ type: str.optional(), bits: num.optional(), curve: str.optional(), publicKeyPem: str.optional(), parseError: str.optional(), encrypted: bool.optional() });

export const fileFactsSchema = z.record(
  str,
  obj({
    meta: fileMeta.optional(),
    dirMeta: fileMeta.optional(),
    withheld: bool.optional(),
    keyInfo: keyInfo.optional(),
    error: str.optional(),
    redacted: bool.optional(),
    realPath: str.optional(),
    dirRealPath: str.optional(),
  }),
);

const deployment = obj({
  kind: z.enum(['compose', 'helm', 'unknown']),
  how: str,
  dir: str.optional(),
  paths: z.record(str, str),
  composeFlavor: z.enum(['v2', 'v1']).optional(),
  project: str.optional(),
  release: str.optional(),
  namespace: str.optional(),
  context: str.optional(),
  chart: str.optional(),
});

const inputs = obj({ tunnelDomain: str.optional(), caFile: str.optional(), audience: str.optional(), edge: str.optional(), chart: str.optional() });

/** Every field optional: a hand-made manifest may hold only some (SPEC section 5). */
export const manifestSchema = obj({
  format: str.optional(),
  created: str.optional(),
  tool: str.optional(),
  deployment: deployment.partial().passthrough().optional(),
  tunnelDomain: str.optional(),
  inputs: inputs.optional(),
  notes: strings.optional(),
  collected: strings.optional(),
  redacted: z.array(obj({ path: str, what: str })).optional(),
  commands: strings.optional(),
  logs: z.record(str, str).optional(),
});

const container = obj({
  service: str,
  name: str,
  pod: str.optional(),
  state: str,
  reason: str.optional(),
  status: str.optional(),
  exitCode: num.optional(),
  restartCount: num.optional(),
  startedAt: str.optional(),
  user: str.optional(),
  networkMode: str.optional(),
  ip: str.optional(),
  mounts: z.array(obj({ source: str, destination: str, readOnly: bool.optional() })).optional(),
  id: str.optional(),
  image: str.optional(),
  health: str.optional(),
  finishedAt: str.optional(),
  ports: z.array(obj({ containerPort: num, protocol: str, hostIp: str.optional(), hostPort: num.optional() })).optional(),
  envNames: strings.optional(),
  oneOff: bool.optional(),
  ready: bool.optional(),
  lastTermination: obj({ exitCode: num.optional(), reason: str.optional(), finishedAt: str.optional() }).optional(),
});

const toolStatus = obj({
  present: bool,
  version: str.optional(),
  problem: z.enum(['not-found', 'daemon-down', 'permission-denied', 'cluster-unreachable', 'forbidden', 'release-not-found', 'timeout', 'failed']).optional(),
  message: str.optional(),
  neededFor: str.optional(),
  argv: strings.optional(),
});

const probe = obj({
  target: str,
  ok: bool,
  ms: num.optional(),
  detail: str.optional(),
  answer: z.enum(['websocket', 'http', 'not-http']).optional(),
  statusLine: str.optional(),
  tlsError: str.optional(),
  at: str.optional(),
});

const token = obj({
  source: str.optional(),
  file: str.optional(),
  line: num.optional(),
  present: bool,
  problem: z.enum(['quoted', 'unclosed-quote', 'whitespace', 'truncated', 'not-base64', 'not-json', 'missing-fields', 'bad-fields', 'empty']).optional(),
  detail: str.optional(),
  fromShell: bool.optional(),
  lookedIn: strings.optional(),
});

const kube = obj({
  namespace: str.optional(),
  release: str.optional(),
  helm: obj({
    status: str.optional(),
    chart: str.optional(),
    version: str.optional(),
    revision: num.optional(),
    lastDeployed: str.optional(),
    notes: str.optional(),
    appVersion: str.optional(),
    description: str.optional(),
    firstDeployed: str.optional(),
  }).optional(),
  values: z.unknown().optional(),
  computedValues: z.unknown().optional(),
  context: str.optional(),
  kubeconfig: str.optional(),
  pods: z
    .array(obj({ name: str, phase: str.optional(), ready: bool.optional(), containers: z.array(container), labels: z.record(str, str).optional(), ip: str.optional(), startTime: str.optional() }))
    .optional(),
  services: z.record(str, obj({ clusterIP: str.optional(), namespace: str.optional() })).optional(),
  kubernetesServiceIP: str.optional(),
  jobs: z
    .array(
      obj({
        name: str,
        failed: num.optional(),
        succeeded: num.optional(),
        active: num.optional(),
        conditions: strings.optional(),
        hook: str.optional(),
        startTime: str.optional(),
        completionTime: str.optional(),
        labels: z.record(str, str).optional(),
      }),
    )
    .optional(),
  secretKeys: z.record(str, strings).optional(),
  configMaps: z.record(str, z.record(str, str)).optional(),
});

export const stateSchema = obj({
  kube: kube.optional(),
  tools: z.record(str, toolStatus).optional(),
  containers: z.array(container).optional(),
  commands: z.array(obj({ argv: strings, ms: num, exitCode: num.optional(), timedOut: bool.optional(), error: str.optional() })).optional(),
  probes: obj({ edge: probe.optional(), listener: probe.optional() }).optional(),
  token: token.optional(),
  redactions: z.array(obj({ path: str, what: str })).optional(),
  bounds: obj({ tail: num, since: str.optional(), timeoutMs: num }).optional(),
  resolved: z.record(str, obj({ addresses: strings, via: str, error: str.optional() })).optional(),
  runAs: obj({ uid: num, gid: num }).optional(),
});

// Compile-time: what the schemas accept is what the snapshot's types describe.
export const assignable = {
  state: (x: z.infer<typeof stateSchema>): SnapshotState => x,
  facts: (x: z.infer<typeof fileFactsSchema>): Record<string, Omit<SnapshotFile, 'text' | 'base64'>> => x,
  deployment: (x: z.infer<typeof deployment>): Deployment => x,
};

/** JSON this deep is never a bundle's; checked on the text, before a recursive parser or walker sees it. */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of objects and arrays in a JSON text (strings skipped), stopping once past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip what it escapes
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** The first problem zod found, as `field.path: what` (a union's deepest branch problem, when that is it). */
export function schemaProblem(error: z.ZodError): string {
  let issue = error.issues[0]!;
  while (issue.code === 'invalid_union' && issue.unionErrors.length) {
    const inner = issue.unionErrors.flatMap((e) => e.issues).sort((a, b) => b.path.length - a.path.length)[0];
    if (!inner) break;
    issue = inner;
  }
  const where = issue.path.length ? issue.path.join('.') : '(top level)';
  const what = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  return `${where}: ${what}`;
}
