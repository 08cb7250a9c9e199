// README's signature table is the catalog's: regenerate it with `node scripts/signature-table.mjs`.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SIGNATURES } from '../../src/signatures/catalog.js';
// @ts-expect-error -- a plain .mjs script without types
import { BEGIN, END, renderSignatureTable } from '../../scripts/signature-table.mjs';

describe('README signature table', () => {
  it('lists every signature, what it matches and where its wording comes from, as the catalog says', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const table = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END) + (END as string).length);
    expect(readme.indexOf(BEGIN)).toBeGreaterThan(0);
    expect(table, 'run `node scripts/signature-table.mjs` to regenerate it').toBe(renderSignatureTable(SIGNATURES));
    for (const sig of SIGNATURES) expect(table).toContain(`| \`${sig.id}\` |`);
  });
});
