// One table-driven test over every signature's fixture file, test/signatures/<signature-id>.log.
//
// Marker convention (the first two characters of each line):
//   "+ " a log line that MUST match the file's signature (one case)
//   "- " a near-miss that must NOT match it (one case)
//   "> " another physical line of the case above (a Go multi-line error, a continuation)
//   "= " captures the case above must yield, as key=value or key="quoted value" (a subset)
//   "# " a comment; blank lines are ignored
// Each case is scanned on its own, twice: with no idea of its source (as `scan` does) and as the
// signature's own log (as the snapshot's log index does); both must agree.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SIGNATURES } from '../../src/signatures/catalog.js';
import { scanText } from '../../src/signatures/scanner.js';
import { parseFields } from '../../src/signatures/normalize.js';
import { CATALOG } from '../../src/analyze/catalog.js';
import type { LogSource } from '../../src/snapshot/types.js';
import type { Signature, SignatureMatch } from '../../src/signatures/types.js';

const DIR = fileURLToPath(new URL('.', import.meta.url));

interface Case {
  expect: 'match' | 'miss';
  lines: string[];
  captures?: Record<string, string>;
  at: number;
}

function parseFixture(text: string): Case[] {
  const cases: Case[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('# ')) return;
    const marker = line.slice(0, 2);
    const body = line.slice(2);
    const last = cases[cases.length - 1];
    if (marker === '+ ' || marker === '- ') cases.push({ expect: marker === '+ ' ? 'match' : 'miss', lines: [body], at: i + 1 });
    else if (marker === '> ' && last) last.lines.push(body);
    else if (marker === '= ' && last) last.captures = parseFields(body);
    else throw new Error(`line ${i + 1}: unknown marker ${JSON.stringify(marker)}`);
  });
  return cases;
}

function matchesOf(sig: Signature, lines: string[], source?: LogSource): SignatureMatch[] {
  const found: SignatureMatch[] = [];
  scanText(`${lines.join('\n')}\n`, (_record, matches) => found.push(...matches.filter((m) => m.signature === sig)), source ? { source } : {});
  return found;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.log'));

describe('signature fixtures', () => {
  it('every signature has a fixture file, and every fixture file a signature', () => {
    const ids = SIGNATURES.map((s) => s.id);
    expect(files.map((f) => f.replace(/\.log$/, '')).sort()).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const sig of SIGNATURES) {
    describe(sig.id, () => {
      const cases = parseFixture(readFileSync(join(DIR, `${sig.id}.log`), 'utf8'));

      it('has lines that must match and near-misses that must not', () => {
        expect(cases.filter((c) => c.expect === 'match').length).toBeGreaterThan(0);
        expect(cases.filter((c) => c.expect === 'miss').length).toBeGreaterThan(0);
      });

      for (const c of cases) {
        it(`${c.expect === 'match' ? 'matches' : 'does not match'} line ${c.at}: ${c.lines[0]!.slice(0, 70)}`, () => {
          for (const source of [undefined, sig.source === 'any' ? undefined : sig.source]) {
            const found = matchesOf(sig, c.lines, source);
            if (c.expect === 'miss') {
              expect(found, `as ${source ?? 'unknown source'}`).toEqual([]);
              continue;
            }
            expect(found.length, `as ${source ?? 'unknown source'}`).toBe(1);
            if (c.captures) expect(found[0]!.captures).toMatchObject(c.captures);
          }
        });
      }
    });
  }
});

describe('signature catalog rules', () => {
  it('literals are what the prefilter can find in raw bytes of any format', () => {
    for (const sig of SIGNATURES) {
      expect(sig.literals.length, sig.id).toBeGreaterThan(0);
      for (const literal of sig.literals) {
        // JSON and slog escape quotes, backslashes and <>&; anything shorter slows the prefilter down.
        expect(literal, sig.id).toMatch(/^[\x20-\x7e]{10,}$/);
        expect(literal, sig.id).not.toMatch(/["\\<>&]/);
      }
    }
  });

  it('patterns are stateless, captures are named, findings and variants exist in the catalog', () => {
    const ids = new Set(SIGNATURES.map((s) => s.id));
    for (const sig of SIGNATURES) {
      for (const re of [sig.pattern, sig.capture ?? sig.pattern]) expect(re.global || re.sticky, sig.id).toBe(false);
      const groups = [...(sig.capture ?? sig.pattern).source.matchAll(/\(\?<([A-Za-z]\w*)>/g)].map((m) => m[1]);
      for (const g of groups) expect(sig.captures, `${sig.id} group ${g}`).toContain(g);
      for (const name of Object.keys(sig.fields ?? {})) expect(sig.captures, `${sig.id} field ${name}`).toContain(name);
      for (const id of sig.recoveredBy ?? []) expect(ids.has(id), `${sig.id} recoveredBy ${id}`).toBe(true);
      if (!sig.finding) continue;
      const entry = CATALOG[sig.finding] as { variants?: Record<string, string> };
      expect(entry, sig.id).toBeDefined();
      if (sig.variant) expect(entry.variants?.[sig.variant], `${sig.id} variant ${sig.variant}`).toBeDefined();
    }
  });
});
