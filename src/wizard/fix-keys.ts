// One letter per fix on a finding's screen. The rule, so the keys are stable and can be documented:
//  1. the first fix (the catalog's best for this finding) is `f`;
//  2. every other fix takes, in this order, the first free letter among: the first letters of its id's
//     words (`compose-restart-proxy` -> c, r, p), the first letters of its title's words, then every
//     letter of its id and title;
//  3. letters the screen uses (q quit, c copy, a answer a fact the finding asks for, j/k scroll) are never
//     given; digits 1-9 are the fallback.
import type { FixRef } from '../analyze/types.js';

export const SCREEN_KEYS = new Set(['q', 'c', 'a', 'j', 'k']);

function candidates(fix: Pick<FixRef, 'id' | 'title'>): string[] {
  const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const letters = (text: string) => [...text.toLowerCase()];
  return [...words(fix.id).map((w) => w[0]!), ...words(fix.title).map((w) => w[0]!), ...letters(fix.id), ...letters(fix.title)].filter((ch) => /^[a-z]$/.test(ch));
}

export function fixKeys(fixes: readonly Pick<FixRef, 'id' | 'title'>[]): string[] {
  const taken = new Set<string>();
  return fixes.map((fix, i) => {
    const pick = (i === 0 ? ['f'] : []).concat(candidates(fix), ['1', '2', '3', '4', '5', '6', '7', '8', '9']).find((ch) => !taken.has(ch) && !SCREEN_KEYS.has(ch));
    const key = pick ?? '?';
    taken.add(key);
    return key;
  });
}

/** What a fix's key is shown with: the command it runs when it is one command, else its title. */
export function fixLabel(fix: FixRef): string {
  const commands = fix.commands ?? [];
  if (fix.kind === 'command' && commands.length === 1) return commands[0]!;
  if (fix.kind === 'command' && commands.length > 1) return `${commands[0]} (+${commands.length - 1} more)`;
  return fix.title;
}
