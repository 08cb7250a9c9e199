// Gathering must never change the host: these are the verbs that would.
import type { Call } from './stand-ins.js';

export const MUTATING = ['restart', 'rm', 'stop', 'start', 'up', 'down', 'kill', 'run', 'exec', 'delete', 'apply', 'patch', 'scale', 'rollout', 'upgrade', 'install', 'uninstall', 'rollback', 'create', 'edit', 'label', 'annotate', 'cp'];

export function mutatingCalls(calls: Call[]): Call[] {
  return calls.filter((c) => c.args.some((a) => MUTATING.includes(a)));
}
