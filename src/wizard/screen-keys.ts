// Every key of every screen, as data: the footer shows the short list, `?` shows all of them. Kept beside
// the reducer that gives the keys their meaning, so the two cannot drift apart.
import { fixKeys, fixLabel } from './fix-keys.js';
import { asking, openFinding } from './reduce.js';
import { findingOfEvent, selectedEvent } from './watch.js';
import type { WizardState } from './state.js';

export interface ScreenKey {
  keys: string;
  what: string;
  /** Shown in the footer (the rest only under `?`). */
  footer: boolean;
  /** Shown under `?` (a footer summary of keys listed one by one there is not). */
  help: boolean;
}

const k = (keys: string, what: string, footer = false): ScreenKey => ({ keys, what, footer, help: true });
/** A footer summary of keys that `?` lists one by one. */
const summary = (keys: string, what: string): ScreenKey => ({ keys, what, footer: true, help: false });

export function screenKeys(state: WizardState): ScreenKey[] {
  const s = state.screen;
  switch (s.name) {
    case 'start':
      return [k('↑↓', 'move', true), k('j k', 'move down / up'), k('home end', 'first / last'), k('enter', 'run', true), k('1-9', 'pick', true), k('w', 'watch live: follow requests while you reproduce it'), k('?', 'every key of this screen'), k('q', 'quit', true), k('ctrl-c', 'quit')];
    case 'ask':
      return [k('enter', 'accept', true), k('backspace', 'delete a character'), k('esc', 'back', true), k('ctrl-c', 'quit', true)];
    case 'running':
      return [k('q', 'quit', true), k('ctrl-c', 'quit')];
    case 'results':
      if (state.filter?.editing) return [k('type', 'filter the findings (every word must match)', true), k('backspace', 'delete a character'), k('↑↓', 'move', true), k('enter', 'keep the filter', true), k('esc', 'clear it', true), k('ctrl-c', 'quit')];
      return [
        k('↑↓', 'move', true), k('j k', 'move down / up'), k('pgup pgdn', 'a page'), k('enter', 'open', true), k('/', 'filter', true), k('w', 'watch live', true), k('r', 'run again', true),
        k('esc', state.filter?.text ? 'clear the filter' : 'menu', true), k('?', 'every key of this screen'), k('q', 'quit', true), k('ctrl-c', 'quit'),
      ];
    case 'finding': {
      const f = openFinding(state, s.key);
      const fixes = f?.fixes ?? [];
      const keys = fixKeys(fixes);
      return [
        k('↑↓', 'scroll', true), k('j k', 'scroll'), k('pgup pgdn space', 'a page'), k('home end', 'top / bottom'),
        ...(keys.length ? [summary(keys.join(' '), 'fix'), ...fixes.map((fix, i) => k(keys[i]!, fixLabel(fix))), k('c', 'copy', true)] : []),
        k('esc', s.back === 'watch' ? 'back to watching' : 'back', true), k('?', 'every key of this screen'), k('q', 'quit', true),
      ];
    }
    case 'fix':
      switch (s.fix.phase) {
        case 'confirm':
          if (asking(s.fix)) return [k('type', `the ${s.fix.plan!.ask!.key} reference`), k('backspace', 'delete a character'), k('enter', 'plan with it', true), k('esc', 'back', true), k('ctrl-c', 'quit', true)];
          if (!s.fix.plan || s.fix.plan.nothingToDo || s.fix.plan.kind === 'manual') return [k('↑↓', 'scroll', true), k('enter', 'back', true), k('esc', 'back', true), k('?', 'every key of this screen'), k('q', 'quit', true)];
          return s.fix.plan?.confirmWord !== undefined
            ? [k('type', `the word ${s.fix.plan.confirmWord}`), k('enter', 'confirm', true), k('esc', 'cancel', true), k('ctrl-c', 'quit', true)]
            : [k('y', 'run', true), k('n', 'cancel', true), k('↑↓', 'scroll', true), k('esc', 'back', true), k('?', 'every key of this screen'), k('q', 'quit', true)];
        case 'applying':
        case 'verifying':
          return [k('ctrl-c', 'stop (files are put back)', true)];
        default:
          return [k('enter', 'back', true), k('esc', 'back', true), k('↑↓', 'scroll'), k('?', 'every key of this screen'), k('q', 'quit', true)];
      }
    case 'watch': {
      const finding = findingOfEvent(state, selectedEvent(state));
      const fixes = finding?.fixes ?? [];
      const keys = fixKeys(fixes);
      return [
        k('↑↓', 'pick an event', true), k('j k', 'pick an event'), k('home end', 'oldest / follow the newest'),
        ...(finding ? [k('enter', 'open its finding', true)] : []),
        ...(keys.length ? [summary(keys.join(' '), 'fix'), ...fixes.map((fix, i) => k(keys[i]!, fixLabel(fix)))] : []),
        k('esc', 'stop watching', true), k('?', 'every key', true), k('q', 'quit', true), k('ctrl-c', 'quit'),
      ];
    }
  }
}

/** What `?` lists. */
export function helpKeys(state: WizardState): ScreenKey[] {
  return screenKeys(state).filter((x) => x.help);
}

export function footerKeys(state: WizardState): [string, string][] {
  return screenKeys(state).filter((x) => x.footer).map((x) => [x.keys, x.what]);
}
