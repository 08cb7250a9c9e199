// The start menu: every check first (the guide's advice: diagnose the layers in order), then each of the
// guide's symptoms in its words.
import { SYMPTOMS } from '../analyze/symptoms.js';

export const RUN_ALL = 'all';
/** Watch live: not a run of checks but the Watch screen (also the `w` key on the menu and the results). */
export const WATCH = 'watch';

export interface MenuItem {
  /** `all` or a symptom id. */
  value: string;
  label: string;
}

export const MENU: readonly MenuItem[] = [
  { value: RUN_ALL, label: 'Run every check (recommended)' },
  ...SYMPTOMS.map((s) => ({ value: s.id, label: s.title })),
  { value: WATCH, label: '(w) Watch live: follow requests through the tunnel while you reproduce the problem' },
];
