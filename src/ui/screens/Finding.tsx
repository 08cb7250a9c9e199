// One finding opened: what it means, the evidence, the fixes with their keys; (c) shows the commands as a
// block to copy (and puts them on the clipboard).
import React, { useEffect } from 'react';
import { Box, Text } from 'ink';
import { findingView, type Line as LineModel } from '../../wizard/detail.js';
import type { Finding } from '../../analyze/types.js';
import type { Screen, WizardState } from '../../wizard/state.js';
import { Line, P } from '../paint.js';

export function Viewport({ lines, scroll, rows }: { lines: LineModel[]; scroll: number; rows: number }) {
  const shown = lines.slice(scroll, scroll + rows);
  const below = lines.length - scroll - shown.length;
  return (
    <Box flexDirection="column">
      {shown.map((l, i) => (
        <Line key={scroll + i} segments={l} />
      ))}
      {scroll > 0 || below > 0 ? <P paint="dim">{`  ${scroll > 0 ? `↑ ${scroll} above` : ''}${scroll > 0 && below > 0 ? ' · ' : ''}${below > 0 ? `↓ ${below} more` : ''}`}</P> : <Text> </Text>}
    </Box>
  );
}

export function FindingScreen({ state, screen, finding, rows, onContent }: { state: WizardState; screen: Extract<Screen, { name: 'finding' }>; finding: Finding; rows: number; onContent: (lines: number) => void }) {
  const view = findingView(finding, state.size.columns - 1, { fixesUnavailable: state.fixesUnavailable, fixed: state.fixed.includes(screen.key) });
  const lines: LineModel[] = [...view.lines];
  if (screen.copied) {
    lines.push([], [{ text: 'Commands for a manual run (copy them from here):', paint: 'bold' }]);
    for (const l of screen.copied.trimEnd().split('\n')) lines.push([{ text: l, paint: 'cyan' }]);
  }
  useEffect(() => onContent(lines.length), [lines.length]);
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <Viewport lines={lines} scroll={screen.scroll} rows={rows - 2} />
    </Box>
  );
}
