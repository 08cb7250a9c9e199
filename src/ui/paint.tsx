// Painted segments (the report's and the wizard's line model) as Ink text. Colour follows the Style decided
// at the entry (NO_COLOR, TERM=dumb), not chalk's own guess.
import React, { createContext, useContext } from 'react';
import { Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Segment } from '../report/path.js';
import type { Paint, Style } from '../report/style.js';

export const StyleContext = createContext<Style>({ color: true, unicode: true });

export function useStyle(): Style {
  return useContext(StyleContext);
}

type TextProps = React.ComponentProps<typeof Text>;

export function paintProps(style: Style, paint: Paint | undefined): TextProps {
  if (!paint) return {};
  if (paint === 'bold') return { bold: true };
  if (!style.color) return {};
  if (paint === 'dim') return { dimColor: true };
  return { color: paint };
}

const ASCII: [RegExp, string][] = [
  [/…/g, '...'], [/[│┃]/g, '|'], [/[─━]/g, '-'], [/[┌┐└┘]/g, '+'], [/▶/g, '>'], [/↑↓/g, 'up/down'], [/↑/g, '^'], [/↓/g, 'v'],
  [/✓/g, '+'], [/[✗×]/g, 'x'], [/❯/g, '>'], [/·/g, '-'], [/→/g, '->'], [/–/g, '-'],
];

/** Text as the terminal can show it: the wizard's glyphs fall back to ASCII without a UTF-8 locale. */
export function shown(style: Style, text: string): string {
  return style.unicode ? text : ASCII.reduce((t, [from, to]) => t.replace(from, to), text);
}

/** One line of segments; long lines are cut, never wrapped, so the screen's height stays what was planned. */
export function Line({ segments }: { segments: Segment[] }) {
  const style = useStyle();
  if (segments.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {segments.map((s, i) => (
        <Text key={i} {...paintProps(style, s.paint)}>
          {shown(style, s.text)}
        </Text>
      ))}
    </Text>
  );
}

export function P({ paint, children, ...rest }: { paint?: Paint; children?: React.ReactNode } & TextProps) {
  const style = useStyle();
  return (
    <Text {...rest} {...paintProps(style, paint)}>
      {React.Children.map(children, (c) => (typeof c === 'string' ? shown(style, c) : c))}
    </Text>
  );
}

/** A spinner that a terminal without Unicode can draw. */
export function Spin() {
  const style = useStyle();
  return (
    <P paint="cyan">
      <Spinner type={style.unicode ? 'dots' : 'line'} />
    </P>
  );
}

/** Text with `code` spans (the guide's log lines in symptom titles) shown in cyan. */
export function Inline({ text, paint }: { text: string; paint?: Paint }) {
  const parts = shown(useStyle(), text).split('`');
  return (
    <P paint={paint} wrap="truncate-end">
      {parts.map((part, i) => (i % 2 === 1 ? <P key={i} paint="cyan">{part}</P> : <React.Fragment key={i}>{part}</React.Fragment>))}
    </P>
  );
}

export function marks(style: Style) {
  return style.unicode
    ? { ok: '✓', fail: '✗', warn: '!', skip: '–', unknown: '?', pointer: '❯', dot: '·', arrow: '→' }
    : { ok: '+', fail: 'x', warn: '!', skip: '-', unknown: '?', pointer: '>', dot: '-', arrow: '->' };
}
