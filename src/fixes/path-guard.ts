// Nothing outside the project changes: every path a fix touches is resolved (symlinks followed), in the
// plan from the snapshot's facts (pure) and again on disk just before the step runs (a link swapped in
// between is caught). A path that leads out of the project folder, or is not what the step expects (a
// regular file, a folder), is refused with a line naming where it really leads.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { Snapshot } from '../snapshot/types.js';
import { EditRefused } from './file-write.js';
import type { Plan, PlanStep, Touch } from './types.js';

const S_IFMT = 0o170000;
const TYPE_NAMES: Record<number, string> = {
  0o100000: 'a regular file',
  0o040000: 'a folder',
  0o120000: 'a symlink',
  0o010000: 'a named pipe',
  0o020000: 'a character device',
  0o060000: 'a block device',
  0o140000: 'a socket',
};
const WANTED = { file: 0o100000, dir: 0o040000 } as const;

/** SnapshotFile.realPath is absolute exactly when the path leads out of the project. */
const leadsOutside = (real: string | undefined): real is string => real !== undefined && isAbsolute(real);

function outsideLine(path: string, real: string, dir: string | undefined): string {
  return `${path} leads to ${real}, outside the project folder${dir ? ` ${dir}` : ''}`;
}

const REFUSAL_TAIL = {
  outside: 'this tool changes nothing outside the project. If that file really is the deployment\'s, change it by hand.',
  type: 'this fix changes only what it expects. Check that path, then change it by hand if it should be changed.',
};

function typeProblem(path: string, mode: number, type: Touch['type']): string | undefined {
  const kind = mode & S_IFMT;
  if (kind === WANTED[type]) return undefined;
  return `${path} is not ${type === 'file' ? 'a regular file' : 'a folder'}${TYPE_NAMES[kind] ? ` (it is ${TYPE_NAMES[kind]})` : ''}`;
}

/** What is wrong with a step's paths, going by the snapshot; empty when nothing is. */
const outsideRefusal = (s: Snapshot, path: string, real: string) => `Refused: ${outsideLine(path, real, s.deployment.dir)}: ${REFUSAL_TAIL.outside}`;

/** Refusal lines for paths a fix would change (also for a manual step that names a command on them). */
export function touchProblems(s: Snapshot, touches: readonly Touch[]): string[] {
  return touches.flatMap((t) => {
    if (leadsOutside(t.real)) return [outsideRefusal(s, t.path, t.real)];
    const wrong = t.mode === undefined ? undefined : typeProblem(t.path, t.mode, t.type);
    return wrong ? [`Refused: ${wrong}: ${REFUSAL_TAIL.type}`] : [];
  });
}

function stepProblems(step: PlanStep, s: Snapshot): string[] {
  if (step.kind === 'edit') {
    const real = s.files[step.path]?.realPath;
    return leadsOutside(real) ? [outsideRefusal(s, step.path, real)] : [];
  }
  return step.kind === 'command' ? touchProblems(s, step.touches ?? []) : [];
}

/**
 * The plan as it may run here: edits through a symlink name the file really written; a plan that would
 * change something outside the project (or not the kind of thing it expects) becomes a refusal, one line
 * per path, and changes nothing.
 */
export function guardPlan(plan: Plan, s: Snapshot): Plan {
  const problems = plan.steps.flatMap((step) => stepProblems(step, s));
  if (problems.length) {
    return { fixId: plan.fixId, title: plan.title, kind: 'manual', refused: true, steps: [...new Set(problems)].map((text) => ({ kind: 'manual', text })) };
  }
  const steps = plan.steps.map((step) => {
    const real = step.kind === 'edit' ? s.files[step.path]?.realPath : undefined;
    return real !== undefined && step.kind === 'edit' ? { ...step, real } : step;
  });
  return { ...plan, steps };
}

/** The real path of `path` (relative to the project `dir`), refused when it leads out of the project. */
export async function realInsideProject(dir: string, path: string, real?: string): Promise<string> {
  const realDir = await realpath(dir).catch(() => resolve(dir));
  const target = real ?? (await realpath(isAbsolute(path) ? path : join(dir, path)).catch((err: NodeJS.ErrnoException) => {
    throw new EditRefused(err.code === 'ENOENT' ? `${path} no longer exists; nothing was changed` : `cannot resolve ${path} (${err.code ?? 'error'}); nothing was changed`);
  }));
  const inside = target === realDir || target.startsWith(realDir.endsWith(sep) ? realDir : realDir + sep);
  // A path the user named outside the project (`--config /etc/...`) is theirs to edit, as long as no link was followed.
  const named = isAbsolute(path) && target === resolve(path);
  if (!inside && !named) throw new EditRefused(`${outsideLine(path, target, dir)}; refused, nothing was changed`);
  return target;
}

/** Apply-time check of a command's paths, on disk, just before it runs. Throws EditRefused. */
export async function checkTouches(dir: string, touches: readonly Touch[] = []): Promise<void> {
  for (const t of touches) {
    const real = await realInsideProject(dir, t.path);
    const info = await stat(real).catch(() => undefined);
    if (!info) throw new EditRefused(`${t.path} no longer exists; nothing was changed`);
    const wrong = typeProblem(t.path, info.mode, t.type);
    if (wrong) throw new EditRefused(`${wrong}; refused, nothing was changed`);
  }
}
