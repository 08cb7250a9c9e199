// Facts the user answered in the wizard, applied to a snapshot: the tunnel domain and the audience become
// inputs; the registered CA file is read from this host (it may live outside the project) as the caCert role.
import { resolve } from 'node:path';
import type { Snapshot } from '../snapshot/types.js';
import { projectPath, readDeploymentFile } from './files.js';

export interface Facts {
  tunnelDomain?: string;
  caFile?: string;
  audience?: string;
}

/** A new snapshot with the facts applied; empty answers (skipped questions) change nothing. */
export async function applyFacts(s: Snapshot, facts: Facts, cwd: string): Promise<Snapshot> {
  const next: Snapshot = { ...s, inputs: { ...s.inputs }, files: { ...s.files }, deployment: { ...s.deployment, paths: { ...s.deployment.paths } }, notes: [...s.notes] };
  if (facts.tunnelDomain) {
    next.inputs.tunnelDomain = facts.tunnelDomain;
    next.tunnelDomain = { value: facts.tunnelDomain, source: 'your answer in the wizard', confidence: 'authoritative' };
  }
  if (facts.audience) next.inputs.audience = facts.audience;
  if (facts.caFile && facts.caFile !== s.inputs.caFile) {
    // On a bundle the file is this host's, not the bundle's: keyed by its absolute path so the two never mix.
    const base = s.origin === 'bundle' ? cwd : (s.deployment.dir ?? cwd);
    const path = s.origin === 'bundle' ? resolve(base, facts.caFile) : projectPath(base, facts.caFile);
    const file = await readDeploymentFile(resolve(base, facts.caFile), false);
    if (file) {
      next.files[path] = file;
      next.deployment.paths.caCert = path;
      next.inputs.caFile = facts.caFile;
    } else {
      delete next.deployment.paths.caCert;
      next.notes.push(`the CA file ${facts.caFile} you gave does not exist; the checks that compare with the registered CA were skipped`);
    }
  }
  return next;
}
