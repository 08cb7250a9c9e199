// Ink's (input, key) pair as the wizard's keys. Pasted text (`jj`, `Down Enter` arrive in one chunk) becomes
// one key per character, so the reducer sees every key in order.
import type { Key } from './state.js';

/** The flags of Ink's `Key` that the wizard reads (structural, so this file needs no Ink). */
export interface InkKeyFlags {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
}

export function keysOf(input: string, key: InkKeyFlags): Key[] {
  if (key.ctrl && input === 'c') return [{ name: 'ctrl-c' }];
  if (key.upArrow) return [{ name: 'up' }];
  if (key.downArrow) return [{ name: 'down' }];
  if (key.pageUp) return [{ name: 'pageup' }];
  if (key.pageDown) return [{ name: 'pagedown' }];
  if (key.home) return [{ name: 'home' }];
  if (key.end) return [{ name: 'end' }];
  if (key.return) return [{ name: 'enter' }];
  if (key.escape) return [{ name: 'escape' }];
  if (key.tab) return [{ name: 'tab' }];
  if (key.backspace || key.delete) return [{ name: 'backspace' }];
  if (key.ctrl) return [];
  const out: Key[] = [];
  for (const ch of input) {
    // Ink passes a run of plain bytes through whole (two quick backspaces arrive as "\x7f\x7f").
    if (ch === '\r' || ch === '\n') out.push({ name: 'enter' });
    else if (ch === '\u007f' || ch === '\b') out.push({ name: 'backspace' });
    else if (ch === '\t') out.push({ name: 'tab' });
    else if (ch >= ' ') out.push({ name: 'char', char: ch });
  }
  return out;
}
