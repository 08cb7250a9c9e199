// Parsed YAML files of the snapshot, with line numbers, parsed once per snapshot (analysis stays pure:
// the cache is keyed by the snapshot object and never changes what a check sees).
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, type Document, type Node } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';

export interface ParsedYaml {
  path: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The first parse error, one line, when the file is not valid YAML. */
  error?: { message: string; line?: number };
}

const cache = new WeakMap<Snapshot, Map<string, ParsedYaml | undefined>>();

export function parsedYaml(s: Snapshot, path: string | undefined): ParsedYaml | undefined {
  if (!path) return undefined;
  let perSnapshot = cache.get(s);
  if (!perSnapshot) cache.set(s, (perSnapshot = new Map()));
  if (perSnapshot.has(path)) return perSnapshot.get(path);
  const text = s.files[path]?.text;
  let parsed: ParsedYaml | undefined;
  if (text !== undefined) {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    parsed = { path, doc, lines };
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0]?.line ?? lines.linePos(first.pos[0]).line;
      parsed.error = { message: first.message.split('\n')[0] ?? first.message, line };
    }
  }
  perSnapshot.set(path, parsed);
  return parsed;
}

/** 1-based line of a node, when it has a position. */
export function lineOf(p: ParsedYaml, node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? p.lines.linePos(range[0]).line : undefined;
}

/** The text of one line of the file (1-based), trimmed of its end. */
export function lineText(s: Snapshot, path: string, line: number | undefined): string {
  if (!line) return '';
  return (s.files[path]?.text?.split('\n')[line - 1] ?? '').replace(/\s+$/, '');
}

/** Walks `keys` through maps; returns the node found there (scalar, map or sequence) or undefined. */
export function nodeAt(root: unknown, keys: readonly string[]): Node | undefined {
  let node: unknown = root;
  for (const key of keys) {
    if (!isMap(node)) return undefined;
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
    node = pair?.value ?? undefined;
    if (node === undefined || node === null) return undefined;
  }
  return node as Node;
}

/** The key node of `keys` (for pointing evidence at the key's line rather than its value's). */
export function keyNodeAt(root: unknown, keys: readonly string[]): Node | undefined {
  const parent = keys.length > 1 ? nodeAt(root, keys.slice(0, -1)) : (root as Node);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === keys[keys.length - 1]);
  return (pair?.key as Node | undefined) ?? undefined;
}

export { isMap, isSeq, isScalar, isPair };
