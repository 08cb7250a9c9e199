// `/` on the results: the findings list filtered as you type (k9s and lazydocker's habit). Every word typed
// must appear in the finding's title, id, layer or severity, in any case. Enter keeps the filter and gives
// the keys back to the list; Esc clears it.
import type { Finding } from '../analyze/types.js';
import type { Key, WizardState } from './state.js';

export function matchesFilter(f: Finding, text: string): boolean {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = `${f.title} ${f.id} ${f.layer} ${f.severity}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** The findings the results list shows: all of them, or those the filter keeps. */
export function visibleResults(state: WizardState): Finding[] {
  const all = state.report?.findings ?? [];
  const text = state.filter?.text ?? '';
  return text ? all.filter((f) => matchesFilter(f, text)) : all;
}

/** The filter's keys on the results screen; undefined when the key is the list's. */
export function filterKey(state: WizardState, key: Key): WizardState | undefined {
  const filter = state.filter;
  const set = (text: string, editing: boolean): WizardState => ({ ...state, filter: { text, editing }, resultsIndex: text === filter?.text ? state.resultsIndex : 0 });
  if (!filter?.editing) {
    if (key.name === 'char' && key.char === '/') return set(filter?.text ?? '', true);
    if (key.name === 'escape' && filter?.text) return { ...state, filter: undefined, resultsIndex: 0 };
    return undefined;
  }
  if (key.name === 'char') return set(filter.text + key.char, true);
  if (key.name === 'backspace') return set(filter.text.slice(0, -1), true);
  if (key.name === 'enter') return filter.text ? set(filter.text, false) : { ...state, filter: undefined };
  if (key.name === 'escape') return { ...state, filter: undefined, resultsIndex: 0 };
  if (key.name === 'up' || key.name === 'down' || key.name === 'pageup' || key.name === 'pagedown') return undefined;
  return state;
}
