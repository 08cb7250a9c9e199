// Every signature says where its wording comes from, and the citations of cloudflared's source hold:
// each cited text is in a string of the cited file in every release tag of the cited range, as
// data/cloudflared-strings.json (scripts/cloudflared-strings.mjs, from cloudflared's git history) records.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SIGNATURES } from '../../src/signatures/catalog.js';
// @ts-expect-error -- a plain .mjs script without types
import { extractStrings } from '../../scripts/cloudflared-strings.mjs';

interface Table {
  tags: string[];
  strings: { s: string; k: string[]; in: Record<string, string> }[];
}
const table = JSON.parse(readFileSync(fileURLToPath(new URL('../../data/cloudflared-strings.json', import.meta.url)), 'utf8')) as Table;
const tagIndex = new Map(table.tags.map((t, i) => [t, i]));

/** `A..B,C` -> the tag indices it covers. */
function expand(ranges: string): Set<number> {
  const out = new Set<number>();
  for (const part of ranges.split(',')) {
    const [a, b = a] = part.split('..');
    const from = tagIndex.get(a!);
    const to = tagIndex.get(b!);
    if (from === undefined || to === undefined || to < from) throw new Error(`not a range of known tags: ${part}`);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return out;
}

/** Tags (indices) in which some string of `file` contains `text`. */
function tagsHolding(file: string, text: string): Set<number> {
  const out = new Set<number>();
  for (const e of table.strings) if (e.in[file] && e.s.includes(text)) for (const i of expand(e.in[file]!)) out.add(i);
  return out;
}

describe('signature citations', () => {
  it('the table covers the releases in use (2021.x to 2026.x) and only holds strings', () => {
    expect(table.tags).toContain('2021.1.0');
    expect(table.tags).toContain('2025.5.0');
    expect(table.tags.some((t) => t.startsWith('2026.'))).toBe(true);
    expect(table.strings.length).toBeGreaterThan(1000);
    for (const e of table.strings) expect(Object.keys(e).sort()).toEqual(['in', 'k', 's']);
  });

  for (const sig of SIGNATURES) {
    it(`${sig.id} cites where its wording comes from, and the citations hold`, () => {
      expect(sig.cites.length).toBeGreaterThan(0);
      for (const c of sig.cites) {
        expect(c.text.trim(), sig.id).not.toBe('');
        if (c.from !== 'cloudflared') continue;
        const wanted = expand(c.versions);
        const holding = tagsHolding(c.file, c.text);
        const missing = [...wanted].filter((i) => !holding.has(i)).map((i) => table.tags[i]);
        expect(missing, `${sig.id}: "${c.text}" in ${c.file}`).toEqual([]);
      }
      if (sig.source === 'cloudflared') {
        // Each literal the prefilter looks for is in cloudflared's own words (or the edge's).
        const texts = sig.cites.filter((c) => c.from === 'cloudflared' || c.from === 'edge').map((c) => c.text.replace(/\\"/g, '"'));
        for (const literal of sig.literals) expect(texts.some((t) => t.includes(literal)), `${sig.id}: literal "${literal}"`).toBe(true);
        expect(sig.cites.some((c) => c.from === 'cloudflared'), sig.id).toBe(true);
      } else {
        // The proxy's and setup's words come from the guide or the deployment facts; where those are silent
        // (the proxy's per-request line), the stand-in's own wording, said as such.
        expect(sig.cites.some((c) => c.from === 'guide' || c.from === 'facts' || c.from === 'stand-in'), sig.id).toBe(true);
      }
    });
  }
});

describe('scripts/cloudflared-strings.mjs extractStrings', () => {
  it('keeps message strings with their call, joins concatenations, and skips imports, keys and comments', () => {
    const src = [
      'package x',
      'import (',
      '  "github.com/rs/zerolog"',
      ')',
      'const LogFieldOriginService = "originService"',
      '// log.Msg("in a comment")',
      'func f() error {',
      '  log.Error().Str("connIndex", i).Err(err).Msg("Unable to establish connection with Cloudflare edge")',
      '  log.Warn().Msg("If this log occurs persistently, " +',
      '    "egress UDP to port 7844")',
      '  x := \'"\'',
      '  return newDialError(err, "TLS handshake with edge error")',
      '}',
      'type R struct { N uint `json:"readyConnections"` }',
    ].join('\n');
    const got = (extractStrings(src) as { text: string; kind: string }[]).map((e) => `${e.kind}:${e.text}`);
    expect(got).toEqual([
      'const:originService',
      'Msg:Unable to establish connection with Cloudflare edge',
      'Msg:If this log occurs persistently, egress UDP to port 7844',
      'newDialError:TLS handshake with edge error',
      'json:readyConnections',
    ]);
  });
});
