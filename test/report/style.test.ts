import { describe, expect, it } from 'vitest';
import { detectStyle, paint } from '../../src/report/style.js';

describe('style', () => {
  it('colours only a terminal without NO_COLOR, and falls back to ASCII without a UTF-8 locale', () => {
    expect(detectStyle({ isTTY: true }, {})).toEqual({ color: true, unicode: true });
    expect(detectStyle({ isTTY: true }, { NO_COLOR: '1' }).color).toBe(false);
    expect(detectStyle({ isTTY: false }, {}).color).toBe(false);
    expect(detectStyle({ isTTY: true }, { TERM: 'dumb' })).toEqual({ color: false, unicode: false });
    expect(detectStyle({ isTTY: true }, { LANG: 'C' }).unicode).toBe(false);
    expect(detectStyle({ isTTY: true }, { LANG: 'en_US.UTF-8' }).unicode).toBe(true);
    expect(paint({ color: true, unicode: true }, 'red', 'x')).toBe('\u001b[31mx\u001b[39m');
    expect(paint({ color: false, unicode: true }, 'red', 'x')).toBe('x');
  });
});
