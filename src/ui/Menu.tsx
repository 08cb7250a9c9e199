// ink-select-input as the list's look, with the index kept by the wizard's reducer: SelectInput's own key
// handling re-subscribes after each render, so `Down Enter` in one chunk would pick the old item (TOOLCHAIN).
// It is never focused; it is re-mounted at the reducer's index and windowed to the rows there are.
import React from 'react';
import { Box } from 'ink';
import SelectInput from 'ink-select-input';
import { P, marks, useStyle } from './paint.js';

export interface MenuProps<T> {
  items: { label: string; value: T; key?: string }[];
  index: number;
  rows: number;
  itemComponent: React.FC<{ isSelected?: boolean; label: string }>;
}

export function windowOf(length: number, index: number, rows: number): { start: number; end: number } {
  if (length <= rows) return { start: 0, end: length };
  const start = Math.max(0, Math.min(length - rows, index - Math.floor(rows / 2)));
  return { start, end: start + rows };
}

function Pointer({ isSelected = false }: { isSelected?: boolean }) {
  const style = useStyle();
  return (
    <Box marginRight={1}>
      <P paint="cyan">{isSelected ? marks(style).pointer : ' '}</P>
    </Box>
  );
}

export function Menu<T>({ items, index, rows, itemComponent }: MenuProps<T>) {
  const room = Math.max(1, rows - 2);
  const { start, end } = windowOf(items.length, index, items.length <= rows ? rows : room);
  const shown = items.slice(start, end);
  return (
    <Box flexDirection="column">
      {start > 0 ? <P paint="dim">  ↑ {start} more</P> : null}
      <SelectInput
        key={`${start}:${index}`}
        items={shown.map((it, i) => ({ ...it, key: it.key ?? String(start + i) }))}
        initialIndex={index - start}
        isFocused={false}
        indicatorComponent={Pointer}
        itemComponent={itemComponent}
      />
      {end < items.length ? <P paint="dim">  ↓ {items.length - end} more</P> : null}
    </Box>
  );
}
