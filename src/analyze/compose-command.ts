// A Compose service's command as words: a string is split the way Compose splits it (shell words, quotes
// removed), a list is taken as is.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { ComposeService } from './compose-model.js';

export function shellWords(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]!));
  return out;
}

export function commandWords(svc: ComposeService): string[] {
  const node: unknown = svc.node.get('command', true);
  if (isScalar(node)) return shellWords(String(node.value ?? ''));
  if (isSeq(node)) return node.items.map((i) => (isScalar(i) ? String(i.value) : ''));
  return [];
}

/** The value of `--flag VALUE` or `--flag=VALUE` in a word list. */
export function flagValue(words: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === flag) return words[i + 1];
    if (w.startsWith(`${flag}=`)) return w.slice(flag.length + 1);
  }
  return undefined;
}

/** A service's `environment:` entry, list (`- K=V`, `- K`) or map form; value undefined when passed through. */
export function envEntry(svc: ComposeService, name: string): { value?: string; node: unknown } | undefined {
  const env: unknown = svc.node.get('environment', true);
  if (isSeq(env)) {
    for (const item of env.items) {
      if (!isScalar(item)) continue;
      const text = String(item.value);
      const eq = text.indexOf('=');
      if ((eq < 0 ? text : text.slice(0, eq)).trim() === name) return { node: item, ...(eq < 0 ? {} : { value: text.slice(eq + 1) }) };
    }
  } else if (isMap(env)) {
    for (const pair of env.items) {
      if (!isPair(pair) || !isScalar(pair.key) || String(pair.key.value) !== name) continue;
      const v = isScalar(pair.value) ? pair.value.value : undefined;
      return { node: pair.key, ...(v === null || v === undefined ? {} : { value: String(v) }) };
    }
  }
  return undefined;
}
