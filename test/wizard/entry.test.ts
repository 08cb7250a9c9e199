import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { decideWizard, MIN_COLUMNS, MIN_ROWS } from '../../src/commands/wizard.js';
import { defaultOptions } from '../../src/options.js';
import type { Io } from '../../src/io.js';

function io(stdin: boolean, stdout: boolean, columns = 120, rows = 40): Io {
  const out = Object.assign(new PassThrough(), { isTTY: stdout, columns, rows });
  const input = Object.assign(new PassThrough(), { isTTY: stdin });
  return { stdout: out, stderr: new PassThrough(), stdin: input, env: {}, cwd: '/' };
}

describe('wizard or diagnose, decided once at the entry', () => {
  it('runs the wizard only with a terminal on both stdin and stdout, and never with --json', () => {
    expect(decideWizard(defaultOptions(), io(true, true))).toEqual({ wizard: true });
    expect(decideWizard(defaultOptions(), io(false, true))).toEqual({ wizard: false });
    expect(decideWizard(defaultOptions(), io(true, false))).toEqual({ wizard: false });
    expect(decideWizard(defaultOptions({ json: true }), io(true, true))).toEqual({ wizard: false });
    expect(decideWizard(defaultOptions({ demo: true }), io(true, true))).toEqual({ wizard: true });
  });

  it('prints the report instead on a terminal too small for the screens, and says why in one line', () => {
    const small = decideWizard(defaultOptions(), io(true, true, MIN_COLUMNS - 1, 40));
    expect(small).toEqual({ wizard: false, why: `the terminal is ${MIN_COLUMNS - 1}x40 and the wizard needs at least ${MIN_COLUMNS}x${MIN_ROWS}; printing the diagnose report instead` });
    expect(decideWizard(defaultOptions(), io(true, true, 120, MIN_ROWS - 1)).wizard).toBe(false);
    expect(decideWizard(defaultOptions(), io(true, true, MIN_COLUMNS, MIN_ROWS)).wizard).toBe(true);
  });
});
