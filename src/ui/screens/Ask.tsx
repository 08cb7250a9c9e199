// A fact the symptom needs and the tool could not find: asked with a default (Enter keeps it).
import React from 'react';
import { Box, Text } from 'ink';
import { symptomById } from '../../analyze/symptoms.js';
import type { Screen } from '../../wizard/state.js';
import { Inline, P } from '../paint.js';
import { Field } from '../Field.js';

export function AskScreen({ screen }: { screen: Extract<Screen, { name: 'ask' }> }) {
  const q = screen.questions[screen.index]!;
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <Inline text={screen.symptom ? (symptomById(screen.symptom)?.title ?? screen.symptom) : 'Every check'} paint="bold" />
      <P paint="dim">
        {screen.from ? 'The finding needs a fact the tool could not settle on its own (it never writes a guess); the checks run again with your answer' : `Its checks need ${screen.questions.length === 1 ? 'one fact' : `${screen.questions.length} facts`} the tool could not find`}
        {screen.questions.length > 1 ? ` (${screen.index + 1} of ${screen.questions.length})` : ''}.
      </P>
      <Text> </Text>
      <P bold>{q.question}</P>
      <P paint="dim" wrap="truncate-end">{q.hint}</P>
      <Field value={screen.draft} placeholder={q.default || 'leave empty to skip'} />
      <P paint="dim">{q.default ? `Enter keeps the default: ${q.default}` : 'Enter on an empty line skips it (the checks that need it are skipped).'}</P>
      {screen.problem ? <P paint="red">{screen.problem}</P> : null}
    </Box>
  );
}
