// The federation rule's audience and `api.wif.audience` must match byte for byte (the chart's default has
// no scheme; the Console suggests `https://api.anthropic.com`). Sets the value, then gets it to the cluster:
// `helm upgrade` for a deployed release; after a failed install the setup hook only runs on a new install.
import { DEFAULT_WIF_AUDIENCE, helmValuesOf, valueAt } from '../analyze/helm-values.js';
import { commandLine } from './describe.js';
import { helmUpgradeStep } from './restart-proxy.js';
import { dataString, helmTarget, manual, nothingToDo, planOf, yamlEdit } from './plan-kit.js';
import type { Fix, PlanStep } from './types.js';

const FAILED_INSTALL = new Set(['failed', 'pending-install']);

export const setWifAudience: Fix = {
  id: 'set-wif-audience',
  title: 'Set api.wif.audience to the federation rule\'s audience',
  kind: 'edit',
  findings: ['setup.wif-audience-mismatch'],
  plan(s, data) {
    if (s.deployment.kind !== 'helm') return undefined;
    const values = helmValuesOf(s);
    const target = helmTarget(s);
    const expected = dataString(data, 'expected') ?? s.inputs.audience;
    if (!values || !target || !expected || /[\s\u0000-\u001f]/.test(expected) || expected.length > 512) return undefined;
    const set = valueAt(values, ['api', 'wif', 'audience']);
    const configured = typeof set === 'string' ? set : DEFAULT_WIF_AUDIENCE;
    if (configured === expected) return nothingToDo(this, `api.wif.audience is already \`${expected}\``);
    const edit = yamlEdit(s, values.file, `the federation rule's audience is \`${expected}\`; the JWT's audience must equal it byte for byte`, (p) => p.setIn(['api', 'wif', 'audience'], expected));
    if ('unchanged' in edit) return nothingToDo(this, `api.wif.audience is already \`${expected}\``);
    if ('problem' in edit) return undefined;
    const steps: PlanStep[] = [edit.step];
    const status = s.state.kube?.helm?.status;
    if (status && FAILED_INSTALL.has(status)) {
      const { release, namespace } = target;
      steps.push(
        manual(
          `The release ${release} is ${status}: its setup Job is a pre-install hook, so \`helm upgrade\` will not run it again. Remove the failed release and its Job (\`mcp-tunnel-triage fix helm-cleanup\`), then install again: \`${commandLine(['helm', 'install', release, s.inputs.chart ?? s.deployment.chart ?? '<CHART>', '-n', namespace, '-f', values.file])}\`.`,
        ),
      );
    } else {
      const upgrade = helmUpgradeStep(s);
      if (upgrade) steps.push(upgrade);
    }
    return planOf(this, steps);
  },
};
