// The command line as data: commands and flags, their help, which command takes which flag. Parsing and
// help both read this table, so `--help` lists exactly what the parser accepts.
export type CommandName = 'diagnose' | 'bundle' | 'scan' | 'fix' | 'watch';

export interface CommandSpec {
  name: CommandName;
  usage: string;
  summary: string;
  /** Positional arguments it takes: none, or one (fix id, log file). */
  positional?: { name: string; required: boolean };
  /** Takes only the flags that name it (and --help, --version, --debug), not the common deployment flags. */
  ownFlagsOnly?: boolean;
}

export interface FlagSpec {
  name: string;
  short?: string;
  type: 'boolean' | 'string';
  value?: string;
  help: string;
  /** Commands that take it; 'all' for the common ones. */
  commands: 'all' | readonly (CommandName | 'wizard')[];
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'diagnose', usage: 'diagnose [flags]', summary: 'gather, analyze and print a report (the default without a terminal)' },
  { name: 'bundle', usage: 'bundle -o DIR [flags]', summary: 'gather and write a redacted bundle to send or to analyze later' },
  { name: 'fix', usage: 'fix [FIX-ID] [flags]', summary: 'apply one fix: show the plan, ask, apply, verify (no FIX-ID: list the fixes that apply now)', positional: { name: 'FIX-ID', required: false } },
  { name: 'watch', usage: 'watch [flags]', summary: "follow cloudflared's and mcp-proxy's logs from now on while you reproduce the problem: where each request got to, and cloudflared's own numbers" },
  { name: 'scan', usage: 'scan [FILE|-] [flags]', summary: 'classify a log file (or stdin, with -) against the signature catalog', positional: { name: 'FILE', required: false }, ownFlagsOnly: true },
];

/** The commands that examine a deployment (scan only reads a log). */
const ON_A_DEPLOYMENT = ['diagnose', 'fix', 'bundle', 'watch', 'wizard'] as const;

export const FLAGS: readonly FlagSpec[] = [
  { name: 'dir', type: 'string', value: 'DIR', help: 'the Compose project folder (default: the current folder)', commands: 'all' },
  { name: 'compose-file', type: 'string', value: 'FILE', help: 'the Compose file, when it has another name', commands: 'all' },
  { name: 'config', type: 'string', value: 'FILE', help: 'the proxy config (default: from the mcp-proxy volume mount, else config/mcp-proxy.yaml)', commands: 'all' },
  { name: 'tunnel-domain', type: 'string', value: 'DOMAIN', help: 'the domain shown on the tunnel detail page', commands: 'all' },
  { name: 'values', type: 'string', value: 'FILE', help: 'the Helm values file (default: values.yaml in --dir)', commands: ON_A_DEPLOYMENT },
  { name: 'ca', type: 'string', value: 'FILE', help: 'the CA certificate registered for the tunnel (default: data/ca.crt written by setup)', commands: ON_A_DEPLOYMENT },
  { name: 'audience', type: 'string', value: 'AUD', help: "the federation rule's audience, compared with api.wif.audience byte for byte", commands: ON_A_DEPLOYMENT },
  { name: 'oauth-metadata', type: 'string', value: 'URL|FILE', help: 'authorization-server metadata to check (default: fetched from the auth route\'s upstream)', commands: ON_A_DEPLOYMENT },
  { name: 'resource-metadata', type: 'string', value: 'URL|FILE', help: "the MCP server's protected-resource metadata to check", commands: ON_A_DEPLOYMENT },
  { name: 'kube', type: 'boolean', help: 'examine the Helm release (default mcp-tunnel in namespace mcp-tunnel) instead of a Compose project', commands: ON_A_DEPLOYMENT },
  { name: 'namespace', type: 'string', value: 'NS', help: 'Kubernetes namespace of the release (default mcp-tunnel)', commands: ON_A_DEPLOYMENT },
  { name: 'release', type: 'string', value: 'NAME', help: 'Helm release name (default mcp-tunnel)', commands: ON_A_DEPLOYMENT },
  { name: 'context', type: 'string', value: 'CTX', help: 'kube context to use (default: the current one; KUBECONFIG is honoured)', commands: ON_A_DEPLOYMENT },
  { name: 'timeout', type: 'string', value: 'SECONDS', help: 'per-command limit for docker / kubectl / helm; a command that runs over is killed (default 15)', commands: ON_A_DEPLOYMENT },
  { name: 'tail', type: 'string', value: 'N', help: 'log lines read per container (default 2000)', commands: ON_A_DEPLOYMENT },
  { name: 'since', type: 'string', value: 'DURATION', help: 'only log lines newer than this, e.g. 30m or 2h (default: no time limit)', commands: ON_A_DEPLOYMENT },
  { name: 'edge', type: 'string', value: 'HOST:PORT', help: 'where the edge probe dials (default 198.41.192.7:7844, the documented edge)', commands: ON_A_DEPLOYMENT },
  { name: 'no-network', type: 'boolean', help: 'no network probes or lookups (edge on 7844, the proxy listener, route hosts in DNS, OAuth documents)', commands: ON_A_DEPLOYMENT },
  { name: 'from-bundle', type: 'string', value: 'DIR', help: 'analyze a bundle instead of this host', commands: ['diagnose', 'wizard'] },
  { name: 'symptom', type: 'string', value: 'ID', help: "run only one symptom's checks (`--symptom list` lists them)", commands: ['diagnose', 'wizard'] },
  { name: 'output', short: 'o', type: 'string', value: 'DIR', help: 'where to write the bundle (a new or empty folder)', commands: ['bundle'] },
  { name: 'json', type: 'boolean', help: 'print the report as JSON on stdout (notes go to stderr); watch: one JSON event per line (NDJSON)', commands: ['diagnose', 'scan', 'watch', 'wizard'] },
  { name: 'demo', type: 'boolean', help: 'run on a built-in broken sample deployment (changes nothing on this host); watch: replay a recorded sequence', commands: ['diagnose', 'fix', 'watch', 'wizard'] },
  { name: 'for', type: 'string', value: 'DURATION', help: 'watch: stop by itself after this long, e.g. 30s, 5m (default: until q or Ctrl-C)', commands: ['watch'] },
  { name: 'yes', short: 'y', type: 'boolean', help: 'apply without asking (headless; destructive fixes too)', commands: ['fix'] },
  { name: 'dry-run', type: 'boolean', help: 'print the plan (commands exactly as they would run, diffs) and change nothing', commands: ['fix'] },
  { name: 'list', type: 'boolean', help: 'list the fixes that apply now (the same as fix without a FIX-ID)', commands: ['fix'] },
  { name: 'chart', type: 'string', value: 'REF', help: 'the chart `helm upgrade` uses (repo/chart, oci://..., or a folder); helm status does not say where it came from', commands: ['diagnose', 'fix', 'wizard'] },
  { name: 'debug', type: 'boolean', help: 'show stack traces of internal errors', commands: 'all' },
  { name: 'help', short: 'h', type: 'boolean', help: 'show help (also after a command)', commands: 'all' },
  { name: 'version', short: 'V', type: 'boolean', help: 'print the version', commands: 'all' },
];

const UNIVERSAL_FLAGS = new Set(['debug', 'help', 'version']);

export function flagsFor(command: CommandName | 'wizard'): FlagSpec[] {
  const own = COMMANDS.find((c) => c.name === command)?.ownFlagsOnly ?? false;
  return FLAGS.filter((f) => (f.commands === 'all' ? !own || UNIVERSAL_FLAGS.has(f.name) : f.commands.includes(command)));
}
