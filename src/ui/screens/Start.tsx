// The start: what was detected (in the header) and the menu: every check first, then the guide's symptoms.
import React from 'react';
import { Box, Text } from 'ink';
import { MENU } from '../../wizard/menu.js';
import type { WizardState } from '../../wizard/state.js';
import { Menu } from '../Menu.js';
import { Inline, P } from '../paint.js';

function MenuItem({ isSelected = false, label }: { isSelected?: boolean; label: string }) {
  return <Inline text={label} paint={isSelected ? 'bold' : undefined} />;
}

export function StartScreen({ state, rows }: { state: WizardState; rows: number }) {
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <Text wrap="truncate-end">
        <P bold>What are you seeing?</P>
        <P paint="dim">  Run every check, or pick the symptom to run only its checks.</P>
      </Text>
      <Menu items={MENU.map((m) => ({ label: m.label, value: m.value }))} index={state.menuIndex} rows={rows - 2} itemComponent={MenuItem} />
    </Box>
  );
}
