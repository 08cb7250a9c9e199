// Gather: the only code that touches the host. Produces a Snapshot (SPEC section 2).
import { resolve } from 'node:path';
import type { TriageOptions } from '../options.js';
import { emptySnapshot, type Snapshot } from '../snapshot/types.js';
import { resolveTunnelDomain } from '../snapshot/tunnel-domain.js';
import type { RoleHints } from '../snapshot/roles.js';
import { gatherFiles, projectPath } from './files.js';
import { step, type GatherListener } from './events.js';
import { findLocalChart } from './chart.js';

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

export async function gatherSnapshot(opts: TriageOptions, onEvent?: GatherListener): Promise<Snapshot> {
  const dir = resolve(opts.dir);
  const s = emptySnapshot({ origin: opts.demo ? 'demo' : 'live', inputs: inputsOf(opts) });
  const { files, paths } = await step(onEvent, 'files', 'deployment files', () => gatherFiles(dir, roleHintsOf(opts, dir)));
  s.files = files;
  const found = Object.entries(paths).map(([role, path]) => `${role}: ${path}`);
  s.deployment = paths.compose
    ? { kind: 'compose', how: `${paths.compose} in ${dir}`, dir, paths }
    : paths.values
      ? { kind: 'helm', how: `${paths.values} in ${dir}`, dir, paths }
      : { kind: 'unknown', how: `no Compose file or Helm values in ${dir}`, dir, paths };
  s.notes.push(found.length ? `found ${found.join(', ')}` : `found no deployment files in ${dir}`);
  s.tunnelDomain = resolveTunnelDomain(s);
  if (typeof process.getuid === 'function') s.state.runAs = { uid: process.getuid(), gid: process.getgid?.() ?? -1 };
  if (s.deployment.kind === 'helm') {
    const chart = await findLocalChart(dir, paths.values);
    if (chart) s.deployment.chart = chart;
  }
  return s;
}
