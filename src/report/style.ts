// Colour and glyphs, decided once at the entry (STYLE: decide the TTY once). No colour when NO_COLOR is
// set or the stream is not a terminal; ASCII marks when the terminal cannot show Unicode.
import type { Severity } from '../analyze/types.js';

export interface Style {
  color: boolean;
  unicode: boolean;
}

export function detectStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const dumb = env.TERM === 'dumb';
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  const unicode = !dumb && (locale === '' || /utf-?8/i.test(locale));
  return { color: Boolean(stream.isTTY) && !noColor && !dumb, unicode };
}

export const PLAIN: Style = { color: false, unicode: true };

const CODES = { red: [31, 39], yellow: [33, 39], green: [32, 39], cyan: [36, 39], blue: [34, 39], magenta: [35, 39], dim: [2, 22], bold: [1, 22] } as const;
export type Paint = keyof typeof CODES;

export function paint(style: Style, what: Paint, text: string): string {
  if (!style.color) return text;
  const [open, close] = CODES[what];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

export function severityMark(style: Style, severity: Severity): string {
  const glyph = style.unicode
    ? { error: '✗', warning: '!', info: 'i', ok: '✓' }[severity]
    : { error: 'x', warning: '!', info: 'i', ok: '+' }[severity];
  const color: Paint = { error: 'red', warning: 'yellow', info: 'cyan', ok: 'green' }[severity] as Paint;
  return paint(style, color, glyph);
}

export function severityLabel(style: Style, severity: Severity): string {
  const color: Paint = { error: 'red', warning: 'yellow', info: 'cyan', ok: 'green' }[severity] as Paint;
  return paint(style, color, severity.toUpperCase().padEnd(7));
}
