// The plan's diff on files of any size: below SMALL lines the `diff` package's own output (unchanged);
// past it, a linear diff that is still a correct patch. Checked by applying it with the package's applyPatch.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyPatch, createTwoFilesPatch } from 'diff';
import { unifiedDiffText } from '../../src/fixes/line-diff.js';

const text = (lines: string[], newline: boolean) => (lines.length ? `${lines.join('\n')}${newline ? '\n' : ''}` : '');
const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'routes:', '  mcp: x', '  - mcp: x', '# note', ''), { maxLength: 40 });

describe('unifiedDiffText', () => {
  it('below the size limit it is the diff package\'s own output', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nC\nd\ne\nf\ng\nH\n';
    const expected = createTwoFilesPatch('a/f.yaml', 'b/f.yaml', before, after, '', '', { context: 3 }).split('\n').filter((l) => !l.startsWith('=====')).map((l) => (l.startsWith('--- ') || l.startsWith('+++ ') ? l.trimEnd() : l)).join('\n').replace(/\n+$/, '');
    expect(unifiedDiffText('f.yaml', before, after)).toBe(expected);
  });

  it('keeps a last context line that is an empty line (found by the property below: it was trimmed away)', () => {
    const diff = unifiedDiffText('f.yaml', '\n', 'a\n\n');
    expect(diff.endsWith('\n ')).toBe(true);
    expect(applyPatch('\n', `${diff}\n`)).toBe('a\n\n');
  });

  it('the linear path (forced on small inputs) is always a patch that turns before into after', () => {
    fc.assert(
      fc.property(lines, lines, fc.boolean(), fc.boolean(), fc.constantFrom(0, 2, 8), (x, y, nx, ny, small) => {
        const before = text(x, nx);
        const after = text(y, ny);
        const diff = unifiedDiffText('f.yaml', before, after, small);
        if (before === after) expect(diff).not.toMatch(/^@@/m);
        else expect(applyPatch(before, `${diff}\n`)).toBe(after);
      }),
      { numRuns: 1000 },
    );
  });

  it('8,000 list routes rewritten as a map: one hunk, correct, the file head and tail as context only', () => {
    const head = 'listen_addr: ":8080"\ntunnel_domain: abcd1234.tunnel.anthropic.com\n# routes\nroutes:\n';
    const n = 8_000;
    const before = `${head}${Array.from({ length: n }, (_, i) => `  - r${i}: http://10.0.${i >> 8}.${i & 255}:8080\n`).join('')}upstream:\n  allowed_ips: [10.0.0.0/8]\n`;
    const after = before.replace(/^ {2}- /gm, '  ');
    const diff = unifiedDiffText('config/mcp-proxy.yaml', before, after);
    expect(diff.match(/^@@ /gm)).toHaveLength(1);
    expect(diff).toMatch(/^@@ -2,8005 \+2,8005 @@$/m);
    expect(diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toHaveLength(n);
    expect(applyPatch(before, `${diff}\n`)).toBe(after);
  });
});
