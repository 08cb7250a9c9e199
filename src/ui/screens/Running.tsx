// Gathering, then the checks in the guide's order: a spinner per running one; finished lines go to <Static>
// (drawn by the Wizard), so this shows only what is live, the count and the time.
import React, { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { LogEntry, WizardState } from '../../wizard/state.js';
import { LAYER_TITLES } from '../../analyze/types.js';
import { Spin, P, marks, useStyle } from '../paint.js';
import { progressText } from '../../gather/events.js';

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A finished line of the run, printed once. */
export function LogLine({ entry }: { entry: LogEntry }) {
  const style = useStyle();
  const m = marks(style);
  switch (entry.kind) {
    case 'title':
      return <P bold>{`\n${m.pointer} ${entry.text}`}</P>;
    case 'heading':
      return <P bold>{`  ${LAYER_TITLES[entry.layer]}`}</P>;
    case 'step': {
      const s = entry.step;
      return (
        <Text wrap="truncate-end">
          {'    '}
          <P paint={s.status === 'failed' ? 'yellow' : 'green'}>{s.status === 'failed' ? m.warn : m.ok}</P> {progressText(s)}
          <P paint="dim">  {formatMs(s.ms)}{s.detail ? `  ${s.detail}` : ''}</P>
        </Text>
      );
    }
    case 'check': {
      const c = entry.check;
      const [mark, paint] =
        c.status === 'ok' ? [m.ok, 'green' as const] : c.status === 'problem' ? [m.fail, 'red' as const] : c.status === 'skipped' ? [m.skip, 'dim' as const] : [m.unknown, 'yellow' as const];
      const note = c.status === 'skipped' ? 'skipped: nothing gathered for it' : c.status === 'error' ? `could not run: ${c.reason ?? ''}` : '';
      return (
        <Text wrap="truncate-end">
          {'    '}
          <P paint={paint}>{mark}</P> <P paint={c.status === 'skipped' ? 'dim' : undefined}>{c.title}</P>
          <P paint="dim">  {[c.status === 'skipped' ? '' : formatMs(c.ms), note].filter(Boolean).join('  ')}</P>
        </Text>
      );
    }
  }
}

function useElapsed(): number {
  const [start] = useState(() => performance.now());
  const [now, setNow] = useState(start);
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, []);
  return now - start;
}

export function RunningScreen({ state }: { state: WizardState }) {
  const elapsed = useElapsed();
  const run = state.run;
  const steps = state.load.steps.filter((s) => s.status === 'running');
  const checks = run?.checks ?? [];
  const done = checks.filter((c) => c.status !== 'running').length;
  const running = checks.filter((c) => c.status === 'running');
  const phase = run?.phase === 'gathering' ? 'gathering evidence' : `${done}/${run?.total ?? 0} checks`;
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <Text>
        <Spin /> <P bold>{phase}</P>
        <P paint="dim">  {formatMs(elapsed)}</P>
      </Text>
      {steps.map((s) => (
        <Text key={s.id} wrap="truncate-end">
          {'    '}<Spin /> {progressText(s)}
        </Text>
      ))}
      {running.map((c) => (
        <Text key={c.id} wrap="truncate-end">
          {'    '}<Spin /> {c.title}
        </Text>
      ))}
    </Box>
  );
}
