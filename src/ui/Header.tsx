// What the wizard found, at the top: the deployment, the tunnel domain, the tools; while gathering, the step
// in progress. Full on the start screen, one line elsewhere.
import React from 'react';
import { Box, Text } from 'ink';
import { basename } from 'node:path';
import type { Snapshot } from '../snapshot/types.js';
import type { LoadState } from '../wizard/state.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { Spin, P, marks, useStyle } from './paint.js';

export function deploymentText(s: Snapshot | undefined): string {
  if (!s) return 'looking…';
  const d = s.deployment;
  const name = d.project ?? (d.dir && s.origin !== 'bundle' ? basename(d.dir) : undefined);
  if (d.kind === 'compose') return `Compose project${name ? ` ${name}` : ''}${d.dir ? ` in ${d.dir}` : ''}${s.origin === 'bundle' ? ' (from the bundle)' : ''}`;
  if (d.kind === 'helm') return `Helm release ${d.release ?? 'mcp-tunnel'} in namespace ${d.namespace ?? 'mcp-tunnel'}${d.context ? ` (context ${d.context})` : ''}`;
  return `none found (${d.how})`;
}

function Tools({ s }: { s: Snapshot | undefined }) {
  const style = useStyle();
  const m = marks(style);
  if (!s) return <P paint="dim">–</P>;
  if (s.origin === 'bundle') return <P paint="dim">not run: reading a bundle</P>;
  const tools = Object.entries(s.state.tools ?? {});
  if (tools.length === 0) return <P paint="dim">{s.origin === 'demo' ? 'not run: the demo replays recorded output' : 'none looked for'}</P>;
  return (
    <Text wrap="truncate-end">
      {tools.map(([name, t], i) => (
        <React.Fragment key={name}>
          {i ? '  ' : ''}
          <P paint={t?.present && !t.problem ? 'green' : 'red'}>{t?.present && !t.problem ? m.ok : m.fail}</P>{' '}
          {/* Compose's version names the flavour itself: `docker compose 2.29.7`, `docker-compose 1.29.2`. */}
          {name === 'compose' && t?.version ? t.version : `${name}${t?.version ? ` ${t.version}` : ''}`}
          {t?.problem ? <P paint="dim"> ({t.problem})</P> : null}
        </React.Fragment>
      ))}
    </Text>
  );
}

function Loading({ load }: { load: LoadState }) {
  const running = load.steps.filter((s) => s.status === 'running');
  if (load.status === 'failed') return <P paint="red">could not gather: {load.error}</P>;
  if (load.status !== 'loading') return null;
  return (
    <Text wrap="truncate-end">
      <Spin /> gathering{running.length ? `: ${running.map((s) => s.title).join(', ')}` : '…'}
    </Text>
  );
}

export function Header({ load, origin, full }: { load: LoadState; origin: string; full: boolean }) {
  const s = load.snapshot;
  const tag = origin === 'demo' ? '  DEMO: a built-in broken sample deployment; nothing on this host is touched' : origin === 'bundle' ? '  reading a bundle' : '';
  if (!full) {
    return (
      <Text wrap="truncate-end">
        <P bold>{TOOL_NAME}</P>
        <P paint="dim"> · {deploymentText(s)}{s?.tunnelDomain ? ` · ${s.tunnelDomain.value}` : ''}</P>
        {origin === 'demo' ? <P paint="magenta"> · DEMO</P> : null}
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <P bold>{TOOL_NAME} {VERSION}</P>
        <P paint="magenta">{tag}</P>
      </Text>
      <Text wrap="truncate-end">
        <P paint="dim">Deployment </P>
        {deploymentText(s)}
      </Text>
      <Text wrap="truncate-end">
        <P paint="dim">Tunnel     </P>
        {s?.tunnelDomain ? `${s.tunnelDomain.value} ` : s ? 'domain not found; a symptom that needs it will ask' : '…'}
        {s?.tunnelDomain ? <P paint="dim">(from {s.tunnelDomain.source})</P> : null}
      </Text>
      <Text wrap="truncate-end">
        <P paint="dim">Tools      </P>
        <Tools s={s} />
      </Text>
      <Loading load={load} />
    </Box>
  );
}

export function Footer({ keys }: { keys: [string, string][] }) {
  const style = useStyle();
  const m = marks(style);
  return <P paint="dim" wrap="truncate-end">{keys.map(([k, what]) => `${k} ${what}`).join(` ${m.dot} `)}</P>;
}
