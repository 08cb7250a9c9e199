// The Snapshot: everything gathered, as data (SPEC section 2). Gather produces it, a bundle stores it,
// analysis reads it and nothing else. Secrets never enter it: keys and tokens arrive reduced to metadata.

export type LogSource = 'cloudflared' | 'mcp-proxy' | 'setup';
export const LOG_SOURCES: readonly LogSource[] = ['cloudflared', 'mcp-proxy', 'setup'];

export type DeploymentKind = 'compose' | 'helm' | 'unknown';

/** Roles a file can play; each maps to a project-relative path in `Snapshot.files`. */
export type FileRole =
  | 'compose'
  | 'config'
  | 'tlsCert'
  | 'tlsKey'
  | 'caCert'
  | 'tunnelDomain'
  | 'env'
  | 'values'
  | 'oauthAuthServerMetadata'
  | 'oauthResourceMetadata';

export interface Deployment {
  kind: DeploymentKind;
  /** How it was found, in words for the report ("docker-compose.yaml in /srv/tunnel"). */
  how: string;
  /** Absolute project folder on the host (live) or where the bundle came from. */
  dir?: string;
  /** project-relative path of each file by the role it plays. */
  paths: Partial<Record<FileRole, string>>;
  /** Which Compose CLI was used: `docker compose` (v2) or `docker-compose` (v1). */
  composeFlavor?: 'v2' | 'v1';
  /** Compose project name, when known. */
  project?: string;
  release?: string;
  namespace?: string;
  context?: string;
  /** A local copy of the Helm chart found beside the values file (absolute path), for `helm upgrade`. */
  chart?: string;
}

export interface FileMeta {
  mode: number; // permission bits and type, as fs.Stats.mode
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
}

/** Public facts about a private key, so a bundle can prove a key mismatch without holding the key. */
export interface KeyInfo {
  type?: string; // 'rsa' | 'ec' | 'ed25519' ...
  bits?: number;
  curve?: string;
  /** SPKI PEM of the public half. */
  publicKeyPem?: string;
  /** The key did not parse (the message, never the contents). */
  parseError?: string;
  encrypted?: boolean;
}

export interface SnapshotFile {
  /** UTF-8 text when the file is text and not secret. */
  text?: string;
  /** Raw bytes (base64) when the file is binary, e.g. a DER certificate. */
  base64?: string;
  meta?: FileMeta;
  /** Metadata of the folder that holds it (whether the container's user may enter it). */
  dirMeta?: FileMeta;
  /**
   * Where the path really leads when a symlink is on the way (the file itself or a folder above it):
   * project-relative when that is inside the project folder, absolute when it is outside.
   */
  realPath?: string;
  /** The same for the folder that holds it (set with dirMeta). */
  dirRealPath?: string;
  /** The contents were withheld on purpose (private key, token file); only metadata is kept. */
  withheld?: boolean;
  keyInfo?: KeyInfo;
  /** It could not be read: ENOENT, EACCES, too large... (one line). */
  error?: string;
  /** The text was redacted on the way in (secrets replaced by [REDACTED]). */
  redacted?: boolean;
  /**
   * Not a file on this host but something the cluster holds, named like one (`secret/<name>/<key>`, the
   * release's values): what it is. Fixes never edit it.
   */
  virtual?: string;
}

export interface SnapshotLog {
  text: string;
  /** What produced it, for the report: `docker compose logs --tail 2000 cloudflared`, `logs/setup.log`. */
  origin?: string;
  truncated?: boolean;
  error?: string;
  /** Secrets were replaced by [REDACTED] when it was gathered. */
  redacted?: boolean;
  /** Live gathering: how much its commands printed, and how much of it was kept. */
  read?: LogRead;
  /**
   * A bundle's log, left on disk and streamed: `text` then holds only its last part (its last lines),
   * and the whole of it is read from these files when the log index is built (log-index.ts).
   */
  files?: LogFilePart[];
}

export interface LogRead {
  /** Commands whose output makes the log (one per container, and per previous instance of one). */
  commands: number;
  /** Bytes they printed, within --tail / --since. */
  printed: number;
  /** Bytes kept in `text` (before redaction). */
  kept: number;
  /** Commands whose oldest lines were dropped: by the limit per command, or to fit the budget across all logs. */
  cut?: number;
}

/** Part of a bundle log on disk: bytes [from, to) of the file; from > 0 starts after the first newline at or after it. */
export interface LogFilePart {
  path: string;
  from: number;
  to: number;
}

export type ToolName = 'docker' | 'compose' | 'kubectl' | 'helm';

export interface ToolStatus {
  present: boolean;
  version?: string;
  /** Why it cannot be used: binary missing, daemon down, permission denied on the socket, cluster unreachable. */
  problem?: 'not-found' | 'daemon-down' | 'permission-denied' | 'cluster-unreachable' | 'unauthorized' | 'forbidden' | 'namespace-not-found' | 'release-not-found' | 'timeout' | 'failed';
  message?: string;
  /** Set when the examined deployment needs this tool (its problem is then a finding, not just a note). */
  neededFor?: string;
  /** The command whose answer showed the problem, as run. */
  argv?: string[];
}

export interface ContainerState {
  /** Compose service name or Kubernetes container name (cloudflared, mcp-proxy, setup). */
  service: string;
  name: string;
  /** Kubernetes pod that holds it. */
  pod?: string;
  state: string; // running | exited | restarting | created | paused | dead | waiting | terminated
  reason?: string; // CrashLoopBackOff, Error, Completed...
  status?: string; // human status line: "Up 3 minutes", "Restarting (1) 5 seconds ago"
  exitCode?: number;
  restartCount?: number;
  startedAt?: string;
  user?: string; // "65532:65532" from the container config
  networkMode?: string;
  ip?: string;
  mounts?: { source: string; destination: string; readOnly?: boolean }[];
  id?: string;
  image?: string;
  health?: string;
  finishedAt?: string;
  /** Published ports: container port -> host address (docker inspect NetworkSettings.Ports). */
  ports?: { containerPort: number; protocol: string; hostIp?: string; hostPort?: number }[];
  /** Names of its environment variables (never their values). */
  envNames?: string[];
  /** A `docker compose run` container rather than the service's own. */
  oneOff?: boolean;
  ready?: boolean;
  /** Kubernetes: how the previous instance ended (CrashLoopBackOff shows the cause here). */
  lastTermination?: { exitCode?: number; reason?: string; finishedAt?: string };
}

export interface CommandRecord {
  argv: string[];
  ms: number;
  exitCode?: number;
  timedOut?: boolean;
  /** One line: why it failed (stderr's first line, ENOENT...). */
  error?: string;
}

export interface ProbeResult {
  target: string;
  ok: boolean;
  ms?: number;
  detail?: string;
  /** Listener probe: what answered (a WebSocket endpoint in plaintext, plain HTTP, something else). */
  answer?: 'websocket' | 'http' | 'not-http';
  /** The first line the listener sent back (`HTTP/1.1 426 Upgrade Required`). */
  statusLine?: string;
  /** What a TLS handshake to the same address ended with (curl's `wrong version number`); older runs only. */
  tlsError?: string;
  /** Listener probe: the Host it asked for (marked as this tool's: src/snapshot/probe-marker.ts). */
  host?: string;
  /** When it ran (ISO). */
  at?: string;
}

/** What the tool learnt about TUNNEL_TOKEN without keeping it. */
export interface TokenInfo {
  /** Where the value came from: compose file, .env, the tool's own environment, a Kubernetes Secret. */
  source?: string;
  file?: string;
  line?: number;
  present: boolean;
  problem?: 'quoted' | 'unclosed-quote' | 'whitespace' | 'truncated' | 'not-base64' | 'not-json' | 'missing-fields' | 'bad-fields' | 'empty';
  detail?: string;
  /** The Compose file passes it through from the shell (`- TUNNEL_TOKEN`, `${TUNNEL_TOKEN}`): a fresh shell loses it. */
  fromShell?: boolean;
  /** Where it was looked for, when it was not found (for the report). */
  lookedIn?: string[];
}

/** What kubectl and helm showed (ids and metadata only; a Secret's values never). */
export interface KubeState {
  namespace?: string;
  release?: string;
  /**
   * The release record, reduced: status, chart, revision, last deployed, hooks. From `helm status -o json`, or
   * (helm missing or failing) from the release's own Secret `sh.helm.release.v1.<release>.v<N>` (`source`).
   */
  helm?: {
    status?: string; chart?: string; version?: string; revision?: number; lastDeployed?: string; notes?: string; appVersion?: string; description?: string; firstDeployed?: string;
    /** The chart's hooks (the setup Job is a pre-install hook): name, kind, events, how their last run ended. */
    hooks?: { name: string; kind?: string; events?: string[]; phase?: string; deletePolicies?: string[] }[];
    /** Where the record was read: `helm` (helm status) or `secret` (the release Secret, with kubectl). */
    source?: 'helm' | 'secret';
    /** The Secret it was read from (source `secret`). */
    secret?: string;
    /** A local Helm repository that serves this chart at this version (`helm search repo`), e.g. `anthropic/mcp-tunnel`. */
    repoChart?: string;
  };
  /** Every revision's release Secret: revision and status, from their labels (never their data). */
  history?: { revision: number; status?: string; secret: string }[];
  /** `helm get values -o json` (or the release record's config), redacted. */
  values?: unknown;
  /** `helm get values --all -o json` (or the chart's default values with the config over them), redacted. */
  computedValues?: unknown;
  /** The API server's version (`kubectl version`). */
  serverVersion?: string;
  /** `kubectl get namespace` answered NotFound: the namespace does not exist in this context. */
  namespaceMissing?: boolean;
  /**
   * The cluster's Service IP range(s) and where they were learnt: `servicecidr` (networking.k8s.io
   * ServiceCIDR objects, 1.31+) or `dry-run` (the API server's own answer to a server-side dry-run Service
   * create with an out-of-range clusterIP: nothing is created).
   */
  serviceCIDR?: { cidrs: string[]; source: 'servicecidr' | 'dry-run'; how: string };
  /** Secrets the TLS files were read from, by snapshot path (`secret/mcp-tunnel/tls.crt` -> `mcp-tunnel` key `tls.crt`). */
  tlsSources?: Record<string, { secret: string; key: string; why: string }>;
  /** The kube context the commands used (`--context`, else the current one) and the KUBECONFIG in effect. */
  context?: string;
  kubeconfig?: string;
  pods?: {
    name: string; phase?: string; ready?: boolean; containers: ContainerState[]; labels?: Record<string, string>; ip?: string; startTime?: string;
    /** Secret volumes and where each container mounts them (names and paths only). */
    secretMounts?: { container: string; mountPath: string; subPath?: string; secret: string; items?: { key: string; path: string }[] }[];
  }[];
  /** Services by name (this namespace), for upstream resolution. */
  services?: Record<string, { clusterIP?: string; namespace?: string }>;
  /** `kubectl get svc kubernetes -n default -o jsonpath='{.spec.clusterIP}'`. */
  kubernetesServiceIP?: string;
  jobs?: { name: string; failed?: number; succeeded?: number; active?: number; conditions?: string[]; hook?: string; startTime?: string; completionTime?: string; labels?: Record<string, string> }[];
  /** Key names of the Secret (never values). */
  secretKeys?: Record<string, string[]>;
  configMaps?: Record<string, Record<string, string>>;
}

export interface SnapshotState {
  kube?: KubeState;
  tools?: Partial<Record<ToolName, ToolStatus>>;
  containers?: ContainerState[];
  commands?: CommandRecord[];
  probes?: { edge?: ProbeResult; listener?: ProbeResult };
  token?: TokenInfo;
  /** What gathering left out or replaced on purpose (values of secrets), for the bundle's manifest. */
  redactions?: { path: string; what: string }[];
  /**
   * The bounds live gathering used: log lines per container, how far back, per-command timeout, the most
   * log text kept across all logs (bytes), and how many commands ran at once.
   */
  bounds?: { tail: number; since?: string; timeoutMs: number; logBudget?: number; parallel?: number };
  /** Route host -> addresses as the proxy would see them. */
  resolved?: Record<string, { addresses: string[]; via: string; error?: string }>;
  /** Who the tool runs as (root may chown a key to the proxy's user; others may not). */
  runAs?: { uid: number; gid: number };
  /** Anything else a gatherer records (kube objects, helm status...), JSON-serialisable. */
  [section: string]: unknown;
}

/**
 * A fact and where it came from. `authoritative`: said by the operator (a flag, an answer), written by setup
 * (data/tunnel-domain), or sent by Anthropic (the host in a request); only such a fact may feed a fix.
 * `inferred`: read off something it should match (a certificate's SAN, a bundle's manifest): shown as a guess.
 */
export interface DomainFact {
  value: string;
  source: string;
  confidence: 'authoritative' | 'inferred';
}

/** Facts the user gave on the command line or in the wizard. */
export interface SnapshotInputs {
  tunnelDomain?: string;
  caFile?: string;
  audience?: string;
  edge?: string;
  /** The chart reference `helm upgrade` should use (`--chart`: repo/chart, an OCI ref or a folder). */
  chart?: string;
}

export interface Snapshot {
  format: 'mcp-tunnel-triage-snapshot/1';
  /** The clock that checks use (certificate validity), so analysis stays a pure function of the snapshot. */
  createdAt: string;
  origin: 'live' | 'bundle' | 'demo';
  deployment: Deployment;
  inputs: SnapshotInputs;
  /** The tunnel domain, where it came from and how sure that is (STYLE: facts carry their source). */
  tunnelDomain?: DomainFact;
  /** Deployment files by project-relative POSIX path. */
  files: Record<string, SnapshotFile>;
  logs: Partial<Record<LogSource, SnapshotLog>>;
  state: SnapshotState;
  /** What was found where, and what could not be gathered, as lines for the report. */
  notes: string[];
}

export function emptySnapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    format: 'mcp-tunnel-triage-snapshot/1',
    createdAt: new Date().toISOString(),
    origin: 'live',
    deployment: { kind: 'unknown', how: 'nothing detected', paths: {} },
    inputs: {},
    files: {},
    logs: {},
    state: {},
    notes: [],
    ...over,
  };
}
