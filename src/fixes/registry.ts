// Every fix, by id. The catalog names fix ids per finding; this is where they resolve to plans.
import type { Snapshot } from '../snapshot/types.js';
import type { FixRef } from '../analyze/types.js';
import { fixRefOf } from './describe.js';
import type { Fix, Plan } from './types.js';
import { composeRestartProxy, helmUpgrade } from './restart-proxy.js';
import { routesToMap } from './routes-to-map.js';

export const FIXES: readonly Fix[] = [routesToMap, composeRestartProxy, helmUpgrade];

const byId = new Map(FIXES.map((f) => [f.id, f]));

export function fixById(id: string): Fix | undefined {
  return byId.get(id);
}

/** The plan of a fix for this snapshot; undefined when the fix is unknown or does not apply here. */
export function planFix(id: string, s: Snapshot, data?: Record<string, unknown>): Plan | undefined {
  const fix = byId.get(id);
  if (!fix) return undefined;
  try {
    return fix.plan(s, data);
  } catch {
    return undefined; // a fix that cannot plan is not offered; the finding still stands
  }
}

export function describeFix(id: string, s: Snapshot, data?: Record<string, unknown>): FixRef | undefined {
  const plan = planFix(id, s, data);
  return plan && !plan.nothingToDo ? fixRefOf(plan) : undefined;
}
