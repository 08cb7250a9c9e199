// Small pieces every fix's plan is made of: the plan's head, "nothing to do", manual steps, a YAML edit as
// an edit step (with its diff, and re-derivable on the real file when the snapshot's copy was redacted),
// the proxy's user from the Compose file, and the name checks that guard argv.
import type { Snapshot } from '../snapshot/types.js';
import { composeModel, serviceFor } from '../analyze/compose-model.js';
import { unifiedDiff } from './describe.js';
import { YamlPatch, YamlPatchError } from './yaml-patch.js';
import type { EditStep, Fix, ManualStep, Plan, PlanStep } from './types.js';

export function planOf(fix: Fix, steps: PlanStep[], extra: Partial<Plan> = {}): Plan {
  const kind = steps.some((s) => s.kind === 'edit') ? 'edit' : steps.some((s) => s.kind === 'command') ? 'command' : 'manual';
  return { fixId: fix.id, title: fix.title, kind, steps, ...extra };
}

export function nothingToDo(fix: Fix, reason: string): Plan {
  return { fixId: fix.id, title: fix.title, kind: fix.kind, steps: [], nothingToDo: reason };
}

export function manual(text: string): ManualStep {
  return { kind: 'manual', text };
}

export function manualPlan(fix: Fix, texts: string[]): Plan {
  return { fixId: fix.id, title: fix.title, kind: 'manual', steps: texts.map(manual) };
}

export type YamlEditResult = { step: EditStep } | { unchanged: true } | { problem: string };

/**
 * Runs `mutate` on the file through YamlPatch and makes the edit step. `mutate` must depend only on the
 * text it is given and on values captured from the snapshot: apply re-runs it on the real file when the
 * snapshot's copy had secrets redacted.
 */
export function yamlEdit(s: Snapshot, path: string, why: string, mutate: (p: YamlPatch) => void): YamlEditResult {
  const file = s.files[path];
  if (file?.text === undefined) return { problem: `${path} could not be read` };
  if (file.virtual) return { problem: `${path} is ${file.virtual}, not a file on this host` };
  const run = (text: string): { after: string; changed: boolean } => {
    const patch = new YamlPatch(text);
    mutate(patch);
    return { after: patch.toString(), changed: patch.changed };
  };
  try {
    const { after, changed } = run(file.text);
    if (!changed || after === file.text) return { unchanged: true };
    const step: EditStep = { kind: 'edit', path, before: file.text, after, diff: unifiedDiff(path, file.text, after), why };
    if (file.redacted) step.transform = (text) => run(text).after;
    return { step };
  } catch (err) {
    if (err instanceof YamlPatchError) return { problem: `${path} is ${err.message}` };
    throw err;
  }
}

export interface ProxyUser {
  uid: number;
  gid?: number;
  /** As written in the Compose file (or the documented default). */
  text: string;
}

/** The proxy container's user: the Compose `user:` of the mcp-proxy service, else the documented 65532:65532. */
export function proxyUser(s: Snapshot): ProxyUser | undefined {
  const svc = serviceFor(composeModel(s), 'mcp-proxy');
  const user = svc?.node.get('user');
  const text = user === undefined || user === null ? '65532:65532' : String(user);
  const m = /^(\d+)(?::(\d+))?$/.exec(text.trim());
  if (!m) return undefined; // a user name: its uid lives in the image's /etc/passwd, not on this host
  return { uid: Number(m[1]), gid: m[2] === undefined ? undefined : Number(m[2]), text: text.trim() };
}

/** Kubernetes names (release, namespace, job) as they may appear in argv: DNS-1123 labels. */
export function isKubeName(name: string | undefined): name is string {
  return name !== undefined && name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** A kube context name can hold almost anything, but never a leading dash (it would read as a flag) or spaces. */
export function isContextName(name: string | undefined): name is string {
  return name !== undefined && /^[^-\s][^\s]*$/.test(name) && name.length <= 253;
}

/** Compose service names as Compose allows them. */
export function isServiceName(name: string | undefined): name is string {
  return name !== undefined && /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name);
}

/** The `data` of a finding: a string field, when it is one. */
export function dataString(data: Record<string, unknown> | undefined, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = data?.[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** The chart's `fullname` (its objects' name prefix): the release name when it holds the chart's name. */
export function helmFullname(release: string): string {
  return (release.includes('mcp-tunnel') ? release : `${release}-mcp-tunnel`).slice(0, 63).replace(/-+$/, '');
}

/** Release, namespace and context of a Helm deployment, validated; undefined when one would be unsafe in argv. */
export function helmTarget(s: Snapshot): { release: string; namespace: string; context?: string } | undefined {
  const { release = 'mcp-tunnel', namespace = 'mcp-tunnel', context } = s.deployment;
  if (!isKubeName(release) || !isKubeName(namespace) || (context !== undefined && !isContextName(context))) return undefined;
  return context === undefined ? { release, namespace } : { release, namespace, context };
}
