// Watch live: the request path drawn from the events as they arrive (src/watch), counts per hop,
// cloudflared's own numbers, the timeline (newest last) and the fix keys of the picked event's finding.
// It only draws: the state comes from src/wizard/watch.ts.
import React from 'react';
import { Box, Text } from 'ink';
import { pathLayout } from '../../report/path.js';
import { countsText, eventMark, clock, hopLabel, metricsSummary, watchLegend, WATCH_HINT } from '../../report/watch-text.js';
import { watchPathModel } from '../../watch/path.js';
import { findingOfEvent, fixedTitle, selectedEvent } from '../../wizard/watch.js';
import { fixKeys, fixLabel } from '../../wizard/fix-keys.js';
import { findingKey, type WizardState } from '../../wizard/state.js';
import { windowOf } from '../Menu.js';
import { Line, P, Spin, marks, useStyle } from '../paint.js';

function Status({ state }: { state: WizardState }) {
  const w = state.watch!;
  const n = w.live.followers.length;
  if (w.live.ended) return <P paint="yellow">stopped: {w.live.ended.reason}</P>;
  switch (w.phase) {
    case 'waiting':
      return (
        <Text>
          <Spin /> gathering the deployment first…
        </Text>
      );
    case 'starting':
      return (
        <Text>
          <Spin /> starting the followers…
        </Text>
      );
    case 'on':
      return <P paint="dim">{state.origin === 'demo' ? 'replaying a recorded sequence' : `following ${n} log${n === 1 ? '' : 's'}`}{w.recheck.running ? ' · checking again in the background' : ''}</P>;
    case 'stopped':
      return <P paint="red">{w.problem ?? 'stopped'}</P>;
  }
}

export function WatchScreen({ state, rows }: { state: WizardState; rows: number }) {
  const style = useStyle();
  const m = marks(style);
  const w = state.watch!;
  const live = w.live;
  const width = state.size.columns - 1;
  const routeNames = (state.report?.routes ?? []).map((r) => r.name);
  const path = [...pathLayout(watchPathModel(live, routeNames), width, style.unicode), watchLegend(style.unicode)];
  const selected = selectedEvent(state);
  const finding = findingOfEvent(state, selected);
  const keys = finding ? fixKeys(finding.fixes) : [];
  const notes = live.notes.slice(-2);
  const fixRows = finding ? Math.min(3, finding.fixes.length) + 1 : selected?.finding ? 1 : 0;
  const used = 3 + path.length + 3 + 1 + fixRows + notes.length + 1;
  const room = Math.max(3, rows - used);
  const events = live.events;
  const index = selected ? events.indexOf(selected) : -1;
  const { start, end } = windowOf(events.length, w.cursor === undefined ? events.length - 1 : index, room);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <P bold>Watching cloudflared and mcp-proxy</P>
        <P paint="dim">{live.since && w.phase === 'on' ? ` since ${clock(live.since)} UTC` : ''}</P>
      </Text>
      <P wrap="truncate-end">Now {WATCH_HINT}.</P>
      <Text> </Text>
      {path.map((l, i) => (
        <Line key={i} segments={l} />
      ))}
      <Text wrap="truncate-end">
        <P paint="dim">Logged   </P>
        {countsText(live, routeNames, style.unicode)}
      </Text>
      <Text wrap="truncate-end">
        <P paint="dim">Numbers  </P>
        {metricsSummary(live, style.unicode)}
      </Text>
      <Text> </Text>
      <Text wrap="truncate-end">
        <P bold>Timeline </P>
        <P paint="dim">(newest last) </P>
        <Status state={state} />
      </Text>
      {events.length === 0 ? <P paint="dim">  nothing yet: {state.origin === 'demo' ? 'the recording starts in a moment' : 'lines appear here as cloudflared and mcp-proxy log them'}</P> : null}
      {events.slice(start, end).map((e, i) => {
        const { mark, paint } = eventMark(e, style.unicode);
        const here = start + i === index;
        return (
          <Text key={e.seq} wrap="truncate-end">
            <P paint="cyan">{here ? m.pointer : ' '}</P> <P paint="dim">{clock(e.time)}</P> <P paint={paint}>{mark}</P> {hopLabel(e).padEnd(13)} <P paint="dim">{(e.finding ?? e.signature).padEnd(27)}</P>{' '}
            {e.status !== undefined ? `${e.status} ` : ''}
            <P bold={here}>{e.line}</P>
          </Text>
        );
      })}
      {finding ? (
        <Box flexDirection="column">
          <Text wrap="truncate-end">
            <P paint="dim">{selected?.seq === events.at(-1)?.seq ? 'Newest' : 'Picked'}: </P>
            <P bold>{finding.title}</P>
            {state.fixed.includes(findingKey(finding)) ? <P paint="green">  fixed</P> : null}
            <P paint="dim">  enter opens it</P>
          </Text>
          {finding.fixes.slice(0, 3).map((fix, i) => (
            <Text key={fix.id} wrap="truncate-end">
              {'  '}
              <P paint="cyan">({keys[i]})</P> {fixLabel(fix)}
            </Text>
          ))}
        </Box>
      ) : selected?.finding && fixedTitle(state, selected.finding) ? (
        // Fixed this session: the fresh results no longer have it, so its title comes from what was fixed.
        <Text wrap="truncate-end">
          <P paint="dim">{selected.seq === events.at(-1)?.seq ? 'Newest' : 'Picked'}: </P>
          <P bold>{fixedTitle(state, selected.finding)}</P>
          <P paint="green">  fixed</P>
          <P paint="dim">  (the last check no longer finds it)</P>
        </Text>
      ) : selected?.finding ? (
        <P paint="dim" wrap="truncate-end">
          {selected.finding}: {w.recheck.running ? 'checking the deployment again to find its fix…' : 'not among the findings of the last check; its fix shows once a check sees it'}
        </P>
      ) : null}
      {notes.map((n, i) => (
        <P key={i} paint="dim" wrap="truncate-end">
          · {n}
        </P>
      ))}
    </Box>
  );
}

