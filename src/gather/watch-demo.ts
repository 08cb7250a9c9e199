// watch --demo: a recorded sequence replayed at its own pace (demo/recorded/watch.jsonl), through the same
// scanner and classifier as a live run, so a new user sees the screen come alive without a deployment.
// Each line is stamped with the time it is replayed at; cloudflared's /ready and /metrics are recorded too.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import type { LogSource, Snapshot } from '../snapshot/types.js';
import { metricsSample } from '../watch/metrics.js';
import { LineFeed, type WatchListener, type WatchSession } from './watch-session.js';
import { sinceStamp } from './follow-commands.js';

export const DEMO_RECORDING = 'demo/recorded/watch.jsonl';

interface Recorded {
  afterMs: number;
  source?: LogSource;
  origin?: string;
  line?: string;
  metrics?: { ready?: { status: number; body: string }; text?: string[] };
}

async function recording(): Promise<Recorded[]> {
  const text = await readFile(join(packageRoot(), DEMO_RECORDING), 'utf8');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Recorded);
}

export async function startDemoWatch(s: Snapshot, listener: WatchListener, opts: { speed?: number } = {}): Promise<WatchSession> {
  const items = await recording();
  const speed = opts.speed ?? 1;
  const feed = new LineFeed(s, (events) => listener.events(events));
  const timers: NodeJS.Timeout[] = [];
  let endedWith: (why: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (endedWith = resolve));
  const play = (r: Recorded) => {
    const now = new Date();
    if (r.metrics) listener.metrics(metricsSample(now.toISOString(), r.metrics.text?.join('\n'), r.metrics.ready));
    if (r.line && r.source) {
      const line = r.line.replaceAll('{time}', now.toISOString().replace(/\.\d+Z$/, 'Z'));
      feed.push(r.source, r.source, Buffer.from(`${r.origin ? `${r.origin}  | ` : ''}${line}\n`));
    }
  };
  for (const r of items) timers.push(setTimeout(() => play(r), r.afterMs / speed));
  const last = Math.max(0, ...items.map((r) => r.afterMs));
  timers.push(setTimeout(() => endedWith(`the demo's recorded sequence (${DEMO_RECORDING}) has been replayed`), last / speed + 200));
  listener.note(`DEMO: replaying a recorded sequence (${DEMO_RECORDING}); nothing on this host is followed`);
  return {
    since: sinceStamp(new Date()),
    target: { kind: 'none', why: 'demo: recorded readings of /ready and /metrics' },
    ended,
    followers: () => [],
    async stop() {
      for (const t of timers) clearTimeout(t);
      feed.end();
    },
  };
}
