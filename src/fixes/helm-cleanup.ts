// The guide's cleanup after a failed install: the setup Job is a pre-install hook, Helm leaves it behind on
// failure and does not manage it, so a retry is blocked until both the release and the Job are gone.
// Destructive: the release name must be typed to confirm.
import type { Fix, PlanStep } from './types.js';
import { dataString, helmFullname, helmTarget, isKubeName, manual, nothingToDo, planOf } from './plan-kit.js';
import { commandLine } from './describe.js';

export const helmCleanup: Fix = {
  id: 'helm-cleanup',
  title: 'Remove the failed release and its setup Job (helm uninstall, kubectl delete job)',
  kind: 'command',
  findings: ['setup.job-left-behind'],
  plan(s, data) {
    if (s.deployment.kind !== 'helm') return undefined;
    const target = helmTarget(s);
    if (!target) return undefined;
    const { release, namespace, context } = target;
    const kube = s.state.kube;
    const job = dataString(data, 'job') ?? kube?.jobs?.find((j) => /-setup$/.test(j.name))?.name ?? `${helmFullname(release)}-setup`;
    if (!isKubeName(job)) return undefined;
    const status = kube?.helm?.status;
    // Unknown state (nothing gathered from the cluster): the guide's two steps. Known: only what is there.
    const uninstall = kube === undefined || (status !== undefined && status !== 'deployed');
    const deleteJob = kube?.jobs === undefined || kube.jobs.some((j) => j.name === job);
    const steps: PlanStep[] = [];
    if (uninstall) {
      const argv = ['helm', 'uninstall', release, '-n', namespace, ...(context ? ['--kube-context', context] : [])];
      const why = `the release ${status ? `is ${status}` : 'failed to install'}; removing it lets the install run again`;
      // Read from its Secret without helm: the uninstall still needs helm (it removes what the release made).
      if (s.state.tools?.helm?.problem === 'not-found') steps.push(manual(`helm is not on PATH here (the release was read from its Secret): install helm 3 and run \`${commandLine(argv)}\` (${why}).`));
      else steps.push({ kind: 'command', argv, destructive: true, why });
    }
    if (deleteJob) {
      steps.push({
        kind: 'command',
        argv: ['kubectl', ...(context ? ['--context', context] : []), '-n', namespace, 'delete', 'job', job],
        destructive: true,
        why: `Helm does not manage hook resources: the failed ${job} Job blocks the next install (read its log first: kubectl logs job/${job} -n ${namespace})`,
      });
    }
    if (steps.length === 0) return nothingToDo(this, `no failed release and no ${job} Job left in ${namespace}`);
    return planOf(this, steps, steps.some((x) => x.kind === 'command') ? { confirmWord: release } : {});
  },
};
