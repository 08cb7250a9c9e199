// Names that reach a command (namespace, release, context, project, service, pod, container) are checked
// here first, whether they came from a flag, a file or another tool's output (SPEC section 6). argv arrays
// rule out a shell, but a name starting with `-` would still be read as an option.

export type NameKind = 'namespace' | 'release' | 'context' | 'project' | 'service' | 'pod' | 'container' | 'job';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Compose's own rule for project names. */
const COMPOSE_PROJECT = /^[a-z0-9][a-z0-9_-]*$/;
/** Compose service names and Docker container names/ids. */
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Kube contexts are free-form in kubeconfig (`arn:aws:eks:…:cluster/x`, `gke_p_z_c`, `kind-kind`): no spaces, no leading dash. */
const KUBE_CONTEXT = /^[A-Za-z0-9][A-Za-z0-9_.:/@+=-]*$/;

const RULES: Record<NameKind, { pattern: RegExp; max: number; rule: string }> = {
  namespace: { pattern: DNS1123_LABEL, max: 63, rule: 'a DNS-1123 label: lowercase letters, digits and -, at most 63' },
  release: { pattern: DNS1123_LABEL, max: 53, rule: 'a Helm release name: lowercase letters, digits and -, at most 53' },
  job: { pattern: DNS1123_SUBDOMAIN, max: 253, rule: 'a DNS-1123 name' },
  pod: { pattern: DNS1123_SUBDOMAIN, max: 253, rule: 'a DNS-1123 name' },
  context: { pattern: KUBE_CONTEXT, max: 253, rule: 'a kube context name without spaces, not starting with -' },
  project: { pattern: COMPOSE_PROJECT, max: 253, rule: 'a Compose project name: lowercase letters, digits, _ and -' },
  service: { pattern: DOCKER_NAME, max: 253, rule: 'a Compose service name: letters, digits, _, . and -' },
  container: { pattern: DOCKER_NAME, max: 253, rule: 'a container name or id' },
};

/** Why `value` is not a valid name of this kind; undefined when it is. */
export function nameProblem(kind: NameKind, value: string): string | undefined {
  const { pattern, max, rule } = RULES[kind];
  if (value.length > max || !pattern.test(value)) return `${JSON.stringify(value)} is not ${rule}`;
  return undefined;
}

export function isValidName(kind: NameKind, value: string): boolean {
  return nameProblem(kind, value) === undefined;
}
