import type { Check, Observation } from '../../types.js';
import { evidence } from '../../evidence.js';
import { roleContainers } from '../../containers.js';

/** File times and container start times come from the same host clock; allow for rounding. */
const SLACK_MS = 2_000;

const iso = (ms: number) => new Date(ms).toISOString();

export const configNotReloaded: Check = {
  id: 'routing.config-not-reloaded',
  layer: 'routing',
  title: 'the running proxy has read the current config',
  needs: ['state:containers', 'state:kube.helm'],
  emits: ['routing.config-not-reloaded'],
  run(s) {
    const out: Observation[] = [];
    if (s.deployment.kind === 'compose') {
      const file = s.deployment.paths.config;
      const mtime = file ? s.files[file]?.meta?.mtimeMs : undefined;
      if (!file || mtime === undefined) return out;
      for (const proxy of roleContainers(s, 'mcp-proxy')) {
        const started = proxy.startedAt ? Date.parse(proxy.startedAt) : NaN;
        if (Number.isNaN(started) || mtime <= started + SLACK_MS) continue;
        out.push({
          id: 'routing.config-not-reloaded',
          vars: { file, mtime: iso(mtime), started: iso(started) },
          evidence: [evidence(file, `modified ${iso(mtime)}`), evidence('docker inspect', `${proxy.name} started ${proxy.startedAt}`)],
          data: { file, container: proxy.name, service: proxy.service },
        });
      }
      return out;
    }
    if (s.deployment.kind === 'helm') {
      const file = s.deployment.paths.values;
      const mtime = file ? s.files[file]?.meta?.mtimeMs : undefined;
      const deployed = s.state.kube?.helm?.lastDeployed ? Date.parse(s.state.kube.helm.lastDeployed) : NaN;
      if (!file || mtime === undefined || Number.isNaN(deployed) || mtime <= deployed + SLACK_MS) return out;
      out.push({
        id: 'routing.config-not-reloaded',
        variant: 'helm-values',
        vars: { file, mtime: iso(mtime), release: s.state.kube?.release ?? '?', deployed: s.state.kube!.helm!.lastDeployed! },
        evidence: [evidence(file, `modified ${iso(mtime)}`), evidence('helm status', `revision ${s.state.kube?.helm?.revision ?? '?'} deployed ${s.state.kube!.helm!.lastDeployed}`)],
        data: { file, release: s.state.kube?.release },
        fixes: ['helm-upgrade'],
      });
    }
    return out;
  },
};
