// A one-line text field drawn with ink-text-input. The reducer keeps the text, key by key: ink-text-input's
// own editing computes each key from the value of its last render, so keys typed faster than it redraws
// (a quick typist, tmux, a paste followed by Enter) would be lost. It only draws here, with our cursor.
import React from 'react';
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import { P } from './paint.js';

const ignore = () => {};

export function Field({ value, placeholder }: { value: string; placeholder: string }) {
  const cursor = <Text inverse> </Text>;
  return (
    <Box>
      <P paint="cyan">{'> '}</P>
      {value ? null : cursor}
      {/* The placeholder is ours: ink-text-input greys it with chalk, which does not honour NO_COLOR. */}
      {value ? <TextInput value={value} onChange={ignore} focus={false} showCursor={false} /> : <P paint="dim">{placeholder}</P>}
      {value ? cursor : null}
    </Box>
  );
}
