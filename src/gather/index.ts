// Gather: the only code that touches the host. Produces a Snapshot (SPEC section 2).
import { resolve } from 'node:path';
import type { TriageOptions } from '../options.js';
import { emptySnapshot, type Snapshot } from '../snapshot/types.js';
import { isDomainName, resolveTunnelDomain } from '../snapshot/tunnel-domain.js';
import { redactSnapshot } from '../snapshot/redact.js';
import { valuesTunnelDomain } from './kube-tls.js';
import type { RoleHints } from '../snapshot/roles.js';
import { gatherFiles, projectPath } from './files.js';
import { step, type GatherListener } from './events.js';
import { findLocalChart } from './chart.js';
import { makeContext, type GatherContext, type GatherSettings } from './context.js';
import { gatherLive } from './detect.js';
import { runProbes, startEdgeProbe } from './probe-stage.js';
import { gatherAddressFacts, gatherFileFacts } from './file-facts.js';

export function roleHintsOf(opts: TriageOptions, dir: string): RoleHints {
  const hints: RoleHints = {};
  if (opts.composeFile) hints.compose = projectPath(dir, opts.composeFile);
  if (opts.config) hints.config = projectPath(dir, opts.config);
  if (opts.values) hints.values = projectPath(dir, opts.values);
  if (opts.ca) hints.caCert = projectPath(dir, opts.ca);
  return hints;
}

export function inputsOf(opts: TriageOptions): Snapshot['inputs'] {
  const inputs: Snapshot['inputs'] = {};
  if (opts.tunnelDomain) inputs.tunnelDomain = opts.tunnelDomain.toLowerCase().replace(/\.$/, '');
  if (opts.ca) inputs.caFile = opts.ca;
  if (opts.audience) inputs.audience = opts.audience;
  if (opts.edge) inputs.edge = opts.edge;
  if (opts.chart) inputs.chart = opts.chart;
  return inputs;
}

/**
 * Files, then the deployment's tools (docker / Compose, or kubectl / helm: detected, concurrent, bounded),
 * then the probes. `settings.env` / `settings.exec` let tests and fixes' verify run it against stand-ins.
 * In the demo nothing runs: no command, no probe.
 */
export async function gatherSnapshot(opts: TriageOptions, onEvent?: GatherListener, settings: GatherSettings = {}): Promise<Snapshot> {
  const dir = resolve(opts.dir);
  const s = emptySnapshot({ origin: opts.demo ? 'demo' : 'live', inputs: inputsOf(opts) });
  const ctx = makeContext(opts, settings, onEvent);
  const live = !opts.demo;
  // The edge probe needs nothing gathered: it runs while everything else does.
  const edgeProbe = live && opts.network ? startEdgeProbe(ctx) : undefined;
  const { files, paths } = await step(onEvent, 'files', 'deployment files', () => gatherFiles(dir, roleHintsOf(opts, dir)));
  s.files = files;
  s.deployment = paths.compose
    ? { kind: 'compose', how: `${paths.compose} in ${dir}`, dir, paths }
    : paths.values
      ? { kind: 'helm', how: `${paths.values} in ${dir}`, dir, paths }
      : { kind: 'unknown', how: `no Compose file or Helm values in ${dir}`, dir, paths };
  if (Object.keys(paths).length === 0) s.notes.push(`found no deployment files in ${dir}`);
  s.tunnelDomain = resolveTunnelDomain(s);
  await gatherFileFacts(s, opts, dir, roleHintsOf(opts, dir), settings);
  if (typeof process.getuid === 'function') s.state.runAs = { uid: process.getuid(), gid: process.getgid?.() ?? -1 };
  if (live) await gatherLive(ctx, s, dir);
  if (live && s.deployment.kind === 'helm') clusterTunnelDomain(s);
  if (s.deployment.kind === 'helm') {
    const chart = await findLocalChart(dir, paths.values);
    if (chart) s.deployment.chart = chart;
  }
  await gatherAddressFacts(s, opts, dir, onEvent, settings); // after docker / kubectl: it uses their addresses
  if (live && opts.network) await runProbes(ctx, s, edgeProbe);
  else if (live) s.notes.push('network probes skipped (--no-network)');
  if (live) finishState(ctx, s);
  return redactSnapshot(s);
}

/**
 * On Helm the tunnel domain is in the cluster: the chart's Secret key `tunnel-domain` (written by setup, read
 * as `secret/<name>/tunnel-domain`), else `gateway.config.tunnel_domain` in the release values. A domain from
 * the flag or a file here stays; one guessed from the certificate gives way. The Secret's key is setup's
 * word (authoritative); the values' own tunnel_domain is the setting being checked, so only inferred.
 */
function clusterTunnelDomain(s: Snapshot): void {
  const before = s.tunnelDomain;
  if (before && !before.source.startsWith('certificate')) return;
  let next = resolveTunnelDomain(s);
  if (!next || next.source.startsWith('certificate')) {
    const fromValues = valuesTunnelDomain(s.state.kube);
    if (fromValues && isDomainName(fromValues)) next = { value: fromValues, source: 'the release values (gateway.config.tunnel_domain)', confidence: 'inferred' }; // the value under test, not a source for it
  }
  if (!next || (before && next.value === before.value && next.source === before.source)) return;
  s.tunnelDomain = next;
  const line = `tunnel domain ${next.value} from ${next.source}`;
  const at = s.notes.findIndex((n) => n.startsWith('tunnel domain '));
  if (at >= 0) s.notes[at] = line;
  else s.notes.push(line);
}

/** What ran, the tools' final status, the bounds used and what was left out, into the snapshot. */
function finishState(ctx: GatherContext, s: Snapshot): void {
  const tools = (s.state.tools ??= {});
  for (const [name, problem] of Object.entries(ctx.problems)) {
    const tool = name as keyof typeof tools;
    tools[tool] = { ...tools[tool], ...problem!, ...(tools[tool]?.neededFor ? { neededFor: tools[tool]!.neededFor } : {}) };
  }
  if (Object.keys(tools).length === 0) delete s.state.tools;
  const found = Object.entries(tools).map(([name, t]) => `${name} ${t!.problem ? `(${t!.problem})` : (t!.version ?? 'present')}`);
  if (found.length) s.notes.push(`tools: ${found.join(', ')}`);
  if (ctx.commands.length) s.state.commands = ctx.commands;
  s.state.bounds = { tail: ctx.tail, ...(ctx.opts.since ? { since: ctx.opts.since } : {}), timeoutMs: ctx.opts.timeoutMs, logBudget: ctx.logs.total, parallel: ctx.pool.size };
  if (ctx.redactions.length) s.state.redactions = ctx.redactions;
  s.notes.push(...ctx.notes);
}
