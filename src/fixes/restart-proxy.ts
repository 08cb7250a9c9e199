// After any config change the proxy must restart: `docker compose restart mcp-proxy` on Compose,
// `helm upgrade` with the release's values on Kubernetes (deployment-facts: editing routes). The proxy's
// config is a single-file bind mount, so the restart is also what makes the container see the new file.
// On Compose, cloudflared shares the proxy's network namespace, so it restarts after the proxy.
import { parse } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { composeArgv, composeModel, serviceFor } from '../analyze/compose-model.js';
import type { CommandStep, Fix, PlanStep } from './types.js';
import { commandLine } from './describe.js';
import { dataString, isContextName, isKubeName, isServiceName, manual, planOf } from './plan-kit.js';

export function proxyServiceName(s: Snapshot): string {
  return serviceFor(composeModel(s), 'mcp-proxy')?.name ?? 'mcp-proxy';
}

export function composeRestartStep(s: Snapshot, service: string, why: string): CommandStep | undefined {
  if (!isServiceName(service)) return undefined;
  return { kind: 'command', argv: composeArgv(s, ['restart', service]), cwd: s.deployment.dir, why };
}

/** Services in the proxy's network namespace (`network_mode: service:<proxy>`) that run now, or were created and never started. */
export function namespaceSharers(s: Snapshot, proxy: string): string[] {
  const containers = s.state.containers;
  return (composeModel(s)?.services ?? [])
    .filter((svc) => svc.name !== proxy && isServiceName(svc.name) && svc.node.get('network_mode') === `service:${proxy}`)
    .map((svc) => svc.name)
    .filter((name) => (containers ?? []).some((c) => c.service === name && !c.oneOff && (c.state === 'running' || c.state === 'created')));
}

/**
 * Restarts the proxy, then what shares its network namespace: a restarted container gets a new namespace
 * and cloudflared stays in the old one (localhost:8080 refused, measured on Docker 20.10) until it restarts
 * too; a cloudflared that could not start while the proxy crash-looped starts then. Two commands, in this
 * order: Compose v1 restarts the services of one command in parallel.
 */
export function composeRestartSteps(s: Snapshot, why: string): CommandStep[] {
  const proxy = proxyServiceName(s);
  const first = composeRestartStep(s, proxy, why);
  if (!first) return [];
  const sharers = namespaceSharers(s, proxy).map((name) => composeRestartStep(s, name, `${name} shares ${proxy}'s network namespace (network_mode service:${proxy}): a restarted ${proxy} gets a new one, which ${name} joins only when it restarts`)!);
  return [first, ...sharers];
}

/** The steps that make the proxy read its config again: commands, or (Helm without a chart reference) what to run. */
export function restartProxySteps(s: Snapshot): PlanStep[] {
  if (s.deployment.kind === 'compose') return composeRestartSteps(s, 'the proxy reads its config only at start');
  if (s.deployment.kind === 'helm') {
    const step = helmUpgradeStep(s);
    return step ? [step] : [];
  }
  return [];
}

/** The chart's version as deployed: `helm status` / `helm list` give `mcp-tunnel-2.1.0` or the version alone. */
function deployedChartVersion(s: Snapshot): string | undefined {
  const helm = s.state.kube?.helm;
  const fromChart = helm?.chart ? /-(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)$/.exec(helm.chart)?.[1] : undefined;
  const v = fromChart ?? helm?.version;
  return v && /^v?\d+\.\d+\.\d+[0-9A-Za-z.+-]*$/.test(v) ? v : undefined;
}

/** Top-level keys the release was given (helm get values) that values.yaml lacks: `-f values.yaml` drops them. */
function releaseOnlyKeys(s: Snapshot, valuesText: string | undefined): string[] {
  const release = s.state.kube?.values;
  if (!release || typeof release !== 'object' || valuesText === undefined) return [];
  let file: unknown;
  try {
    file = parse(valuesText);
  } catch {
    return [];
  }
  const fileKeys = new Set(file && typeof file === 'object' ? Object.keys(file) : []);
  return Object.keys(release).filter((k) => !fileKeys.has(k));
}

/** A chart reference that is safe in argv (no flag, no space). */
export function isChartRef(ref: string | undefined): ref is string {
  return ref !== undefined && ref !== '' && !ref.startsWith('-') && !/\s/.test(ref);
}

/**
 * The chart `helm upgrade` uses, best first: the one given (--chart, or typed in the wizard), a local copy
 * beside the values file, a local repository that serves the deployed chart at its version (`helm search
 * repo`). Helm's release record names the chart and its version, never the repository it came from.
 */
export function upgradeChart(s: Snapshot, given?: string): { ref: string; from: 'given' | 'local' | 'repo' } | undefined {
  const chosen = given ?? s.inputs.chart;
  if (chosen !== undefined) return { ref: chosen, from: 'given' };
  if (s.deployment.chart) return { ref: s.deployment.chart, from: 'local' };
  const repo = s.state.kube?.helm?.repoChart;
  return repo ? { ref: repo, from: 'repo' } : undefined;
}

/** `helm upgrade` of the release with its values; `given`: a chart reference typed for this plan. */
export function helmUpgradeStep(s: Snapshot, given?: string): PlanStep | undefined {
  const { release = 'mcp-tunnel', namespace = 'mcp-tunnel', context, dir } = s.deployment;
  if (!isKubeName(release) || !isKubeName(namespace) || (context !== undefined && !isContextName(context))) return undefined;
  // Values read from the cluster (no file here) are the release's own: --reuse-values keeps them.
  const values = s.deployment.paths.values && !s.files[s.deployment.paths.values]?.virtual ? s.deployment.paths.values : undefined;
  const chart = upgradeChart(s, given);
  const version = chart?.from === 'local' || (chart && /^[./]/.test(chart.ref)) ? undefined : deployedChartVersion(s);
  const valuesArgs = values && dir ? ['-f', values.startsWith('/') ? values : `${dir}/${values}`] : ['--reuse-values'];
  const tail = [...(version ? ['--version', version] : []), ...valuesArgs, ...(context ? ['--kube-context', context] : [])];
  const dropped = releaseOnlyKeys(s, values ? s.files[values]?.text : undefined);
  const helm = s.state.kube?.helm;
  const why = [
    'the chart renders the config into a ConfigMap; an upgrade rolls the pods',
    values ? `values from ${values}` : 'the release keeps its current values',
    chart?.from === 'repo' ? `${chart.ref}: the local repository that serves the deployed chart (helm search repo)` : '',
    version ? `chart version pinned to the deployed ${version}` : '',
    dropped.length ? `the release also has ${dropped.join(', ')} (not in ${values}): an upgrade with -f ${values} drops them; add them to ${values} first` : '',
  ].filter(Boolean).join('; ');
  if (!chart) {
    const argv = ['helm', 'upgrade', release, '<CHART>', '-n', namespace, ...tail];
    const named = helm?.chart ? ` The release record names the chart (${helm.chart}${helm.version && !helm.chart.endsWith(helm.version) ? ` ${helm.version}` : ''}${helm.appVersion ? `, app ${helm.appVersion}` : ''}) but not the repository it came from: Helm does not keep that, and no local repository (\`helm search repo\`) serves it.` : ` \`helm status\` does not say which chart it came from.`;
    return manual(
      `Roll the proxy with helm upgrade. helm needs the chart you installed from.${named} Give it with --chart REF (the repo/chart or oci:// reference, or a folder), or type it in the wizard, or run \`${commandLine(argv)}\` yourself.`,
    );
  }
  if (!isChartRef(chart.ref)) return undefined;
  const argv = ['helm', 'upgrade', release, chart.ref, '-n', namespace, ...tail];
  if (s.state.tools?.helm?.problem === 'not-found') {
    return manual(`Roll the proxy with helm upgrade: helm is not on PATH here (the release was read from its Secret). Install helm 3, then run \`${commandLine(argv)}\`.`);
  }
  return { kind: 'command', argv, cwd: dir, why };
}

export const composeRestartProxy: Fix = {
  id: 'compose-restart-proxy',
  title: 'Restart the proxy (docker compose restart mcp-proxy)',
  kind: 'command',
  findings: ['routing.config-not-reloaded', 'routing.no-route-for-host', 'edge.origin-unreachable', 'runtime.container-down'],
  plan(s, data) {
    if (s.deployment.kind !== 'compose') return undefined;
    const proxy = proxyServiceName(s);
    // Offered for a container that is down: restarting the proxy helps only when the proxy is the one down.
    const service = dataString(data, 'service');
    if (service && service !== proxy && service !== 'mcp-proxy') return undefined;
    const steps = composeRestartSteps(s, 'the proxy reads its config only at start');
    return steps.length ? planOf(this, steps) : undefined;
  },
};

export const helmUpgrade: Fix = {
  id: 'helm-upgrade',
  title: 'Roll the proxy with helm upgrade (the release\'s values)',
  kind: 'command',
  findings: ['routing.config-not-reloaded', 'routing.no-route-for-host'],
  plan(s, data) {
    if (s.deployment.kind !== 'helm') return undefined;
    const given = dataString(data, 'chart');
    if (given !== undefined && !isChartRef(given)) return undefined;
    const step = helmUpgradeStep(s, given);
    if (!step) return undefined;
    const plan = planOf(this, [step]);
    if (!upgradeChart(s, given)) plan.ask = { key: 'chart', question: 'The chart the release was installed from', hint: 'repo/mcp-tunnel, an oci:// reference, or a folder with Chart.yaml; the deployed version is pinned' };
    return plan;
  },
};
