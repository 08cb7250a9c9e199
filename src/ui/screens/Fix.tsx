// A fix: its plan (exactly what runs or changes), the confirmation (y/n, or the release name typed when it
// is destructive), the live output while it runs, then the verification: fixed or not.
import React, { useEffect } from 'react';
import { Box, Text } from 'ink';
import { planLines, type Line as LineModel } from '../../wizard/detail.js';
import { stepText } from '../../fixes/describe.js';
import { bodyRows, type FixState, type WizardState } from '../../wizard/state.js';
import { asking } from '../../wizard/reduce.js';
import { Spin, Line, P, marks, useStyle } from '../paint.js';
import { Viewport } from './Finding.js';
import { Field } from '../Field.js';

function Busy({ text }: { text: string }) {
  return (
    <Text>
      <Spin /> {text}
    </Text>
  );
}

function Confirm({ fix }: { fix: FixState }) {
  const plan = fix.plan!;
  if (plan.nothingToDo) return <P paint="green">Nothing to do here. Enter or Esc goes back.</P>;
  if (plan.refused) return <P paint="red">Refused: nothing was changed (see why above). Enter or Esc goes back.</P>;
  if (asking(fix)) {
    return (
      <Box flexDirection="column">
        <P paint="yellow">{plan.ask!.question} ({plan.ask!.hint}): type it and Enter to plan the command, or Esc to go back.</P>
        <Field value={fix.typed} placeholder="repo/mcp-tunnel" />
      </Box>
    );
  }
  if (plan.kind === 'manual') return <P paint="yellow">This fix is done by a person, outside this host: see the steps above. Enter or Esc goes back; (c) on the finding copies them.</P>;
  if (plan.confirmWord !== undefined) {
    return (
      <Box flexDirection="column">
        <P paint="red">This is destructive. Type <P bold>{plan.confirmWord}</P> and Enter to go ahead, or Esc to cancel.</P>
        <Field value={fix.typed} placeholder={plan.confirmWord} />
      </Box>
    );
  }
  return (
    <Text>
      <P bold>Run it? </P>
      <P paint="cyan">(y)</P> yes <P paint="cyan">(n)</P> no
    </Text>
  );
}

/** The steps' outcomes, then the tail of the live output: at most `rows` lines. */
function outputLines(fix: FixState, rows: number): LineModel[] {
  const lines: LineModel[] = [];
  for (const step of fix.steps) {
    const paint = step.status === 'failed' ? 'red' : step.status === 'skipped' ? 'dim' : 'green';
    const word = { done: 'done', failed: 'failed', skipped: 'skipped', simulated: 'shown' }[step.status];
    const note = step.status === 'simulated' ? '  (demo: shown, not run)' : step.backup ? `  backup: ${step.backup}` : '';
    lines.push([{ text: `  ${word.padEnd(8)}`, paint }, { text: stepText(step.step) }, ...(step.error ? [{ text: `  ${step.error}`, paint: 'red' as const }] : []), ...(note ? [{ text: note, paint: 'dim' as const }] : [])]);
  }
  const room = rows - lines.length - 1;
  const tail = room > 0 ? fix.output.trimEnd().split('\n').filter(Boolean).slice(-room) : [];
  if (tail.length) lines.push([{ text: '  output:', paint: 'dim' }], ...tail.map((l) => [{ text: `  │ ${l}`, paint: 'dim' as const }]));
  return lines.slice(-Math.max(1, rows));
}

function Outcome({ fix, leaving }: { fix: FixState; leaving: boolean }) {
  const style = useStyle();
  const m = marks(style);
  if (fix.problem && !fix.applied) return <P paint="red">{m.fail} {fix.problem}</P>;
  const a = fix.applied;
  const v = fix.verified;
  return (
    <Box flexDirection="column">
      {a && !a.ok ? <P paint="red">{m.fail} Not applied: {a.message}</P> : null}
      {a?.ok && !v ? <P paint="green">{m.ok} {a.message}</P> : null}
      {v?.status === 'fixed' ? <P paint="green" bold>{m.ok} Fixed: {v.detail}</P> : null}
      {v?.status === 'not-fixed' ? <P paint="red" bold>{m.fail} Not fixed: {v.detail}</P> : null}
      {v?.status === 'cannot-tell' ? <P paint="yellow" bold>{m.unknown} Cannot tell yet: {v.detail}</P> : null}
      {leaving ? null : <P paint="dim">Enter or Esc goes back to the finding.</P>}
    </Box>
  );
}

export function FixScreen({ state, fix, rows, onContent }: { state: WizardState; fix: FixState; rows: number; onContent: (lines: number) => void }) {
  const plan = fix.plan ? planLines(fix.plan, state.size.columns - 1).slice(2) : [];
  // The frame stays shorter than the terminal (Ink redraws the whole screen otherwise): around the plan
  // and the output there are the title, the viewport's own line, the prompt or outcome (up to 4) and a margin.
  const budget = Math.max(6, rows - 8);
  const running = fix.phase === 'applying' || fix.phase === 'verifying' || fix.phase === 'done';
  const planRows = running ? Math.max(3, Math.min(plan.length, Math.floor(budget / 3))) : budget;
  const out = running ? outputLines(fix, budget - planRows) : [];
  // The reducer scrolls by its body height; this viewport is shorter by the prompt and output under it.
  const content = plan.length + Math.max(0, bodyRows(state.size) - planRows);
  useEffect(() => onContent(content), [content]);
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <Text wrap="truncate-end">
        <P paint="cyan">({fix.key})</P> <P bold>{fix.fix.title}</P>
      </Text>
      {fix.phase === 'planning' ? <Busy text="Planning against the files as they are now…" /> : <Viewport lines={plan} scroll={fix.scroll} rows={planRows} />}
      {fix.phase === 'confirm' ? <Confirm fix={fix} /> : null}
      {fix.problem && fix.phase === 'confirm' ? <P paint="red">{fix.problem}</P> : null}
      {out.map((l, i) => (
        <Line key={i} segments={l} />
      ))}
      {fix.phase === 'applying' ? <Busy text={fix.aborting ? 'Stopping…' : 'Applying…'} /> : null}
      {fix.phase === 'verifying' ? <Busy text="Verifying: gathering again to see whether the finding is gone…" /> : null}
      {fix.phase === 'done' ? <Outcome fix={fix} leaving={state.exitCode !== undefined} /> : null}
    </Box>
  );
}
