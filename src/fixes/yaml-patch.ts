// Edits to a YAML file that change only what they must. The yaml Document API is the model: each operation
// changes the parsed document (so comments and key order are the library's business), and also records a
// splice of the original text at the source range of the nodes it touched. The result is the original text
// with those splices; it is re-parsed and must mean exactly what the edited document means, or the whole
// document is re-written by the library instead (still with comments and key order, `reformatted` set).
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isNode, isPair, isScalar, isSeq, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq, type Node, type ToStringOptions } from 'yaml';

interface Splice {
  start: number;
  end: number;
  text: string;
  order: number;
}

export class YamlPatchError extends Error {
  override name = 'YamlPatchError';
}

type Collection = YAMLMap | YAMLSeq;

export class YamlPatch {
  readonly doc: Document.Parsed;
  private readonly splices: Splice[] = [];
  private readonly eol: string;
  private readonly indentUnit: number;
  private readonly indentSeq: boolean;
  private fallback = false;

  constructor(readonly source: string) {
    this.doc = parseDocument(source, { uniqueKeys: false });
    if (this.doc.errors.length) throw new YamlPatchError(`not valid YAML (${this.doc.errors[0]!.message.split('\n')[0]})`);
    this.eol = source.includes('\r\n') ? '\r\n' : '\n';
    const style = detectStyle(this.doc, source);
    this.indentUnit = style.unit;
    this.indentSeq = style.indentSeq;
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────────────
  get(path: readonly string[]): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const key of path) {
      if (!isMap(node)) return undefined;
      node = this.pairOf(node, key)?.value ?? undefined;
      if (node === undefined || node === null) return undefined;
    }
    return node as Node;
  }

  pairOf(map: YAMLMap, key: string): Pair<Scalar, Node> | undefined {
    return map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key) as Pair<Scalar, Node> | undefined;
  }

  // ── operations ───────────────────────────────────────────────────────────────────────────────────────
  /** Sets `path` to a scalar, creating the maps on the way when they are missing. */
  setIn(path: readonly string[], value: string | number | boolean | Node, opts: { after?: string; quote?: boolean } = {}): void {
    const existing = this.get(path);
    if (!isNode(value) && existing && isScalar(existing)) return this.setScalar(existing, value, opts.quote);
    // The deepest map that exists on the way holds the rest, created as one nested pair.
    let depth = path.length - 1;
    while (depth > 0 && !isMap(this.get(path.slice(0, depth)))) depth--;
    const holder = depth === 0 ? this.doc.contents : this.get(path.slice(0, depth));
    if (!isMap(holder)) throw new YamlPatchError(`${path.slice(0, depth).join('.') || 'the file'} is not a map`);
    const leaf: Node = isNode(value) ? value : new Scalar(value);
    if (opts.quote && isScalar(leaf)) leaf.type = Scalar.QUOTE_DOUBLE;
    let node: Node = leaf;
    for (let i = path.length - 1; i > depth; i--) node = mapOf([[path[i]!, node]]);
    const key = path[depth]!;
    const present = this.pairOf(holder, key);
    if (present) return this.replaceValue(present, node);
    this.insertPair(holder, new Pair(new Scalar(key), node), opts.after ? this.pairOf(holder, opts.after) : undefined);
  }

  setScalar(node: Scalar, value: string | number | boolean, quote?: boolean): void {
    if (node.value === value) return;
    const [start, valueEnd] = rangeOf(node);
    const next = new Scalar(value);
    next.type = quote ? Scalar.QUOTE_DOUBLE : node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL ? Scalar.PLAIN : node.type;
    node.value = value;
    node.type = next.type;
    this.splice(start, valueEnd, this.inline(next));
  }

  /** Adds a pair to a map, after `after` (default: at its end). */
  insertPair(map: YAMLMap, pair: Pair, after?: Pair): void {
    const anchor = after ?? (map.items[map.items.length - 1] as Pair | undefined);
    const index = anchor ? map.items.indexOf(anchor) + 1 : map.items.length;
    map.items.splice(index, 0, pair);
    // A pair added earlier in this patch has no place in the text yet: go after the one before it.
    const placed = map.items.slice(0, index).reverse().find((p) => isPair(p) && (p.key as Node | null)?.range) as Pair | undefined;
    if (map.flow || !placed) return this.rewrite(map);
    const at = this.pairEnd(placed);
    const indent = this.column(rangeOf(placed.key as Node)[0]);
    this.splice(at, at, this.atLineStart(at) + this.block(mapOfPairs([pair]), indent));
  }

  removePair(map: YAMLMap, key: string): void {
    const pair = this.pairOf(map, key);
    if (!pair) return;
    map.items.splice(map.items.indexOf(pair), 1);
    if (map.flow || map.items.length === 0) return this.rewrite(map);
    this.splice(this.lineStart(rangeOf(pair.key)[0]), this.pairEnd(pair), '');
  }

  /** Replaces the value of a pair by another node (a scalar, a map, a list). */
  replaceValue(pair: Pair, value: Node): void {
    const old = pair.value as Node | null;
    pair.value = value;
    if (!old || (isScalar(old) && old.value === null)) {
      const keyEnd = rangeOf(pair.key as Node)[1];
      const colon = this.source.indexOf(':', keyEnd);
      const lineEnd = this.lineEndOf(colon);
      return this.splice(colon + 1, lineEnd, this.valueText(value, this.column(rangeOf(pair.key as Node)[0])).replace(/(\r?\n)$/, ''));
    }
    const [start, valueEnd, end] = rangeOf(old);
    const keyCol = this.column(rangeOf(pair.key as Node)[0]);
    if (isScalar(value) && (isScalar(old) || (old as Collection).flow)) return this.splice(start, valueEnd, this.inline(value));
    if ((old as Collection).flow || isScalar(old)) {
      // On the key's line: the new block starts on the next line; a trailing comment stays where it was.
      return this.splice(start - (this.source[start - 1] === ' ' ? 1 : 0), valueEnd, this.valueText(value, keyCol).replace(/(\r?\n)$/, ''));
    }
    const from = this.lineStart(start);
    this.splice(from, end, this.valueText(value, keyCol).replace(/^\r?\n/, ''));
  }

  /** Appends items to a list. */
  appendItems(seq: YAMLSeq, items: Node[]): void {
    const last = seq.items[seq.items.length - 1] as Node | undefined;
    seq.items.push(...items);
    if (seq.flow || !last) return this.rewrite(seq);
    const at = rangeOf(last)[2];
    const dash = this.source.lastIndexOf('-', rangeOf(last)[0]);
    const indent = this.column(dash);
    this.splice(at, at, this.atLineStart(at) + this.block(seqOf(items), indent));
  }

  /** Inserts items into a list right after `after`. */
  insertItemsAfter(seq: YAMLSeq, after: Node, items: Node[]): void {
    const index = seq.items.indexOf(after);
    if (index < 0) throw new YamlPatchError('list item not found');
    if (index === seq.items.length - 1 && !seq.flow) return this.appendItems(seq, items);
    seq.items.splice(index + 1, 0, ...items);
    if (seq.flow) return this.rewrite(seq);
    const at = rangeOf(after)[2];
    const indent = this.column(this.source.lastIndexOf('-', rangeOf(after)[0]));
    this.splice(at, at, this.atLineStart(at) + this.block(seqOf(items), indent));
  }

  removeItem(seq: YAMLSeq, item: Node): void {
    const index = seq.items.indexOf(item);
    if (index < 0) return;
    seq.items.splice(index, 1);
    if (seq.flow || seq.items.length === 0) return this.rewrite(seq);
    const dash = this.source.lastIndexOf('-', rangeOf(item)[0]);
    this.splice(this.lineStart(dash), rangeOf(item)[2], '');
  }

  // ── result ───────────────────────────────────────────────────────────────────────────────────────────
  get changed(): boolean {
    return this.fallback || this.splices.length > 0;
  }

  /** True when the minimal edit did not hold and the library re-wrote the whole file. */
  reformatted = false;

  toString(): string {
    if (!this.changed) return this.source;
    const model = this.doc.toJS({ maxAliasCount: -1 }) as unknown;
    if (!this.fallback) {
      let out = this.source;
      const ordered = [...this.splices].sort((a, b) => b.start - a.start || b.order - a.order);
      for (let i = 1; i < ordered.length; i++) {
        if (ordered[i]!.end > ordered[i - 1]!.start) this.fallback = true; // overlapping edits: let the library write
      }
      if (!this.fallback) {
        for (const s of ordered) out = out.slice(0, s.start) + s.text + out.slice(s.end);
        const check = parseDocument(out, { uniqueKeys: false });
        if (check.errors.length === 0 && isDeepStrictEqual(check.toJS({ maxAliasCount: -1 }), model)) return out;
      }
    }
    this.reformatted = true;
    return this.doc.toString(this.options()).replace(/\n/g, this.eol);
  }

  // ── text helpers ─────────────────────────────────────────────────────────────────────────────────────
  private options(): ToStringOptions {
    return { indent: this.indentUnit, indentSeq: this.indentSeq, flowCollectionPadding: false, lineWidth: 0 };
  }

  private splice(start: number, end: number, text: string): void {
    this.splices.push({ start, end, text, order: this.splices.length });
  }

  /** A collection whose text cannot be patched in place (flow style, empty) is re-written as one node. */
  private rewrite(node: Collection): void {
    const range = node.range;
    if (!range) {
      this.fallback = true;
      return;
    }
    if (node.flow || node.items.length === 0) {
      node.flow = true;
      return this.splice(range[0], range[1], this.inline(node));
    }
    this.fallback = true;
  }

  /** One line for a node that sits on its key's line; its own comments stay where they are in the text. */
  private inline(node: Node): string {
    const doc = new Document();
    const bare = node.clone() as Node;
    bare.comment = undefined;
    bare.commentBefore = undefined;
    // A one-line flow collection has no room for its items' comments.
    if (isMap(bare) || isSeq(bare)) {
      for (const item of bare.items) {
        const node = (isPair(item) ? item.value : item) as Node | null;
        if (node && typeof node === 'object') node.comment = node.commentBefore = undefined;
        if (isPair(item) && item.key && typeof item.key === 'object') (item.key as Node).commentBefore = undefined;
      }
    }
    doc.contents = bare;
    return doc.toString({ ...this.options(), lineWidth: 0 }).replace(/\r?\n$/, '').replace(/\n/g, this.eol);
  }

  /** `node` as block lines indented to `indent` (each line ends with a newline). */
  private block(node: Node, indent: number): string {
    const doc = new Document();
    doc.contents = node;
    const pad = ' '.repeat(indent);
    return doc
      .toString(this.options())
      .split('\n')
      .map((line, i, all) => (i === all.length - 1 ? line : line ? pad + line : line))
      .join(this.eol);
  }

  /** The text after `key:` for a value: a scalar on the same line, a collection on the lines below. */
  private valueText(value: Node, keyCol: number): string {
    if (isScalar(value) || (value as Collection).flow) return ` ${this.inline(value)}`;
    const childCol = isSeq(value) && !this.indentSeq ? keyCol : keyCol + this.indentUnit;
    return `${this.eol}${this.block(value, childCol)}`;
  }

  private pairEnd(pair: Pair): number {
    const value = pair.value as Node | null;
    const end = value && value.range ? value.range[2] : rangeOf(pair.key as Node)[2];
    return end;
  }

  /** A newline first when inserting at the end of a last line that has none. */
  private atLineStart(at: number): string {
    return at > 0 && this.source[at - 1] !== '\n' ? this.eol : '';
  }

  private lineStart(offset: number): number {
    return this.source.lastIndexOf('\n', offset - 1) + 1;
  }

  private lineEndOf(offset: number): number {
    const nl = this.source.indexOf('\n', offset);
    if (nl < 0) return this.source.length;
    return this.source[nl - 1] === '\r' ? nl - 1 : nl;
  }

  private column(offset: number): number {
    return offset - this.lineStart(offset);
  }
}

function rangeOf(node: Node): [number, number, number] {
  if (!node.range) throw new YamlPatchError('a node without a source position');
  return node.range;
}

export function mapOf(pairs: [string, Node | string | number | boolean][]): YAMLMap {
  const map = new YAMLMap();
  for (const [k, v] of pairs) map.items.push(new Pair(new Scalar(k), typeof v === 'object' ? v : new Scalar(v)));
  return map;
}

function mapOfPairs(pairs: Pair[]): YAMLMap {
  const map = new YAMLMap();
  map.items.push(...pairs);
  return map;
}

export function seqOf(items: Node[]): YAMLSeq {
  const seq = new YAMLSeq();
  seq.items.push(...items);
  return seq;
}

/** How the file indents: the step of nested maps, and whether lists under a key are indented. */
function detectStyle(doc: Document.Parsed, source: string): { unit: number; indentSeq: boolean } {
  let unit: number | undefined;
  let indentSeq: boolean | undefined;
  const col = (offset: number) => offset - (source.lastIndexOf('\n', offset - 1) + 1);
  const walk = (node: unknown, keyCol: number | undefined) => {
    if (isMap(node)) {
      for (const p of node.items) {
        if (!isPair(p) || !isScalar(p.key) || !p.key.range) continue;
        const kc = col(p.key.range[0]);
        if (keyCol !== undefined && unit === undefined && !node.flow && kc > keyCol) unit = kc - keyCol;
        const v = p.value;
        if (isSeq(v) && !v.flow && v.items[0] && (v.items[0] as Node).range && indentSeq === undefined) {
          const dash = source.lastIndexOf('-', (v.items[0] as Node).range![0]);
          indentSeq = col(dash) > kc;
        }
        walk(v, kc);
      }
    } else if (isSeq(node)) for (const item of node.items) walk(item, undefined);
  };
  walk(doc.contents, undefined);
  return { unit: unit ?? 2, indentSeq: indentSeq ?? true };
}
