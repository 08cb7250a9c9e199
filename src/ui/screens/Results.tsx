// Where it breaks, drawn, then the findings ordered by layer and severity; Enter opens one.
import React from 'react';
import { Box, Text } from 'ink';
import { pathLayout, pathModel, legendLine } from '../../report/path.js';
import type { Finding } from '../../analyze/types.js';
import { findingKey, type WizardState } from '../../wizard/state.js';
import { outstandingElsewhere } from '../../wizard/reduce.js';
import { symptomById } from '../../analyze/symptoms.js';
import { Menu } from '../Menu.js';
import { visibleResults } from '../../wizard/filter.js';
import { Inline, Line, P, marks, useStyle } from '../paint.js';

const PAINT = { error: 'red', warning: 'yellow', info: 'cyan', ok: 'green' } as const;

function FindingItem({ isSelected = false, label, value }: { isSelected?: boolean; label: string; value?: unknown }) {
  const style = useStyle();
  const m = marks(style);
  const { finding, fixed } = value as { finding: Finding; fixed: boolean };
  const mark = fixed ? m.ok : { error: m.fail, warning: m.warn, info: 'i', ok: m.ok }[finding.severity];
  return (
    <Text wrap="truncate-end">
      <P paint={fixed ? 'green' : PAINT[finding.severity]}>{mark}</P> <P paint="dim">{finding.layer.toUpperCase().padEnd(9)}</P>
      <Inline text={label} paint={isSelected ? 'bold' : undefined} />
      {fixed ? <P paint="green">  fixed</P> : null}
      {finding.fixes.length && !fixed ? <P paint="dim">  {finding.fixes.length} fix{finding.fixes.length > 1 ? 'es' : ''}</P> : null}
    </Text>
  );
}

export function ResultsScreen({ state, rows }: { state: WizardState; rows: number }) {
  const style = useStyle();
  const report = state.report!;
  const path = [...pathLayout(pathModel(report), state.size.columns - 1, style.unicode), legendLine(style.unicode)];
  const { error, warning } = report.summary;
  const ran = report.checks.filter((c) => c.status === 'ok' || c.status === 'problem').length;
  const skipped = report.checks.filter((c) => c.status === 'skipped').length;
  const crashed = report.checks.filter((c) => c.status === 'error').length;
  const filter = state.filter;
  const items = visibleResults(state).map((f) => ({ label: f.title, value: { finding: f, fixed: state.fixed.includes(findingKey(f)) }, key: findingKey(f) }));
  const symptom = report.symptom ? symptomById(report.symptom) : undefined;
  // Errors found by an earlier run and not since cleared: listed, since they count for the exit code.
  const elsewhere = outstandingElsewhere(state);
  // Findings a verified fix resolved this session, no longer in the fresh results: said once, not listed.
  const shownKeys = new Set(report.findings.map(findingKey));
  const resolved = state.fixed.filter((k) => !shownKeys.has(k)).map((k) => k.split('\u0000')[1] ?? k);
  return (
    <Box flexDirection="column">
      {symptom ? <Inline text={`Checked: ${symptom.title}`} paint="dim" /> : null}
      <Text> </Text>
      {path.map((l, i) => (
        <Line key={i} segments={l} />
      ))}
      <Text> </Text>
      <Text wrap="truncate-end">
        <P bold>Findings  </P>
        <P paint={error ? 'red' : 'dim'}>{error} error{error === 1 ? '' : 's'}</P>
        <P paint="dim">, </P>
        <P paint={warning ? 'yellow' : 'dim'}>{warning} warning{warning === 1 ? '' : 's'}</P>
        <P paint="dim">
          {' '}· {ran} check{ran === 1 ? '' : 's'} ran{skipped ? `, ${skipped} skipped (nothing gathered for them)` : ''}{crashed ? `, ${crashed} could not run` : ''}
        </P>
      </Text>
      {resolved.length ? <P paint="green" wrap="truncate-end">  {marks(style).ok} Fixed this session: {resolved.join('; ')}</P> : null}
      {report.blocked ? <P paint="yellow" wrap="truncate-end">  {marks(style).unknown} Could not examine the deployment: {report.blocked}</P> : null}
      {elsewhere.length ? (
        <P paint="red" wrap="truncate-end">
          {'  '}Still outstanding from an earlier run: {elsewhere.map((f) => f.title).join('; ')}
        </P>
      ) : null}
      {filter ? (
        <Text wrap="truncate-end">
          <P paint="cyan">/ </P>
          {filter.text}
          {filter.editing ? <P paint="cyan">▏</P> : null}
          <P paint="dim">  {items.length} of {report.findings.length} shown{filter.editing ? ' · enter keeps it · esc clears it' : ' · esc clears it'}</P>
        </Text>
      ) : null}
      {filter && items.length === 0 ? (
        <P paint="dim">  No finding matches {JSON.stringify(filter.text)}.</P>
      ) : items.length === 0 && (ran === 0 || report.blocked) ? (
        <P paint="yellow">  {marks(style).unknown} {report.blocked ? 'Nothing to judge: what the checks need could not be seen.' : 'Nothing could be checked: every check for this needs evidence that was not gathered (see the skipped lines above).'}</P>
      ) : items.length === 0 ? (
        <P paint="green">  {marks(style).ok} No problems found by the {ran} check{ran === 1 ? '' : 's'} that ran.</P>
      ) : (
        <Menu items={items} index={state.resultsIndex} rows={Math.max(3, rows - path.length - 4 - (filter ? 1 : 0) - (report.blocked ? 1 : 0) - (elsewhere.length ? 1 : 0) - (resolved.length ? 1 : 0))} itemComponent={FindingItem} />
      )}
    </Box>
  );
}
