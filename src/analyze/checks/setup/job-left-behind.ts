import type { Check, Evidence, Observation } from '../../types.js';
import { evidence } from '../../evidence.js';
import { lastLogLines } from '../../containers.js';

const LAST_LINES = 5;

export const jobLeftBehind: Check = {
  id: 'setup.job-left-behind',
  layer: 'setup',
  title: 'no failed setup Job is left behind',
  needs: ['state:kube.jobs'],
  emits: ['setup.job-left-behind'],
  run(s) {
    const kube = s.state.kube;
    const out: Observation[] = [];
    for (const job of kube?.jobs ?? []) {
      if (!/-setup$/.test(job.name)) continue;
      const failedCondition = job.conditions?.find((c) => c.startsWith('Failed'));
      const failed = failedCondition !== undefined || ((job.failed ?? 0) > 0 && !job.succeeded && !job.active);
      if (!failed) continue;
      const state = failedCondition ?? `${job.failed} failed pod(s)`;
      const ev: Evidence[] = [evidence('kubectl get jobs', `${job.name}: ${state}${job.hook ? ` (helm hook: ${job.hook})` : ''}`)];
      const helm = kube?.helm;
      if (helm?.status && helm.status !== 'deployed') ev.push(evidence('helm status', `${kube?.release ?? 'release'}: ${helm.status}${helm.description ? `: ${helm.description}` : ''}`));
      for (const line of lastLogLines(s, 'setup', LAST_LINES)) ev.push(evidence('logs/setup', line));
      out.push({
        id: 'setup.job-left-behind',
        vars: { job: job.name, namespace: kube?.namespace ?? s.deployment.namespace ?? 'mcp-tunnel', state },
        evidence: ev,
        data: { job: job.name, namespace: kube?.namespace, release: kube?.release },
      });
    }
    return out;
  },
};
