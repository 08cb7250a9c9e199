// watch on a live deployment: start the followers, classify each new line as it arrives (the scanner and
// the catalog, through src/watch/classify.ts), read cloudflared's /ready and /metrics every few seconds,
// and hand everything to a listener. stop() ends every follower and timer; nothing outlives it.
import type { LogSource, Snapshot } from '../snapshot/types.js';
import { classifyContext } from '../watch/context.js';
import { LogScanner } from '../signatures/scanner.js';
import { Classifier } from '../watch/classify.js';
import { looksLikeCloudflared, metricsSample } from '../watch/metrics.js';
import { metricsTarget } from '../watch/metrics-target.js';
import type { FollowerInfo, WatchEvent, WatchListener, WatchSession } from '../watch/types.js';

export type { WatchListener, WatchSession } from '../watch/types.js';
import { runCommand } from './run.js';
import type { Exec } from './context.js';
import { followSpecs, sinceStamp, withSince, type FollowSpec } from './follow-commands.js';
import { describeFollower, startFollowers } from './follow.js';
import { readMetrics } from './cloudflared-metrics.js';

export const METRICS_EVERY_MS = 3_000;

export interface WatchSettings {
  network: boolean;
  timeoutMs: number;
  env?: Record<string, string | undefined>;
  exec?: Exec;
  metricsEveryMs?: number;
  /** Follow from this time on instead of now (`--since`): a past window first, then live. */
  from?: Date;
}

/** Lines in, events out: one scanner per stream of each follower, one classifier for the run. */
export class LineFeed {
  private readonly classifier: Classifier;
  private readonly scanners = new Map<string, LogScanner>();
  private batch: WatchEvent[] = [];

  constructor(s: Snapshot, private readonly emit: (events: WatchEvent[]) => void, private readonly now: () => number = Date.now) {
    this.classifier = new Classifier(classifyContext(s));
  }

  push(key: string, source: LogSource, chunk: Buffer): void {
    let scanner = this.scanners.get(key);
    if (!scanner) {
      scanner = new LogScanner((record, matches) => {
        const e = this.classifier.classify(record, matches, source, this.now());
        if (e) this.batch.push(e);
      }, { source });
      this.scanners.set(key, scanner);
    }
    scanner.push(chunk);
    this.flush();
  }

  /** Ends every stream (a pending multi-line record is matched now). */
  end(): void {
    for (const scanner of this.scanners.values()) scanner.end();
    this.scanners.clear();
    this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const out = this.batch;
    this.batch = [];
    this.emit(out);
  }
}

/**
 * Why a follower ended, in words. Not its stderr: `docker logs` relays the container's own stderr there, so
 * its last line is the log's, not the tool's.
 */
function howEnded(end: { code: number | null; signal: NodeJS.Signals | null; error?: string }): string {
  if (end.error) return end.error;
  if (end.signal) return `killed by ${end.signal}`;
  return end.code === 0 ? 'exit code 0: the container stopped or restarted' : `exit code ${end.code}`;
}

export function startWatch(s: Snapshot, settings: WatchSettings, listener: WatchListener): WatchSession {
  const env = settings.env ?? { ...process.env };
  const exec = settings.exec ?? runCommand;
  const since = sinceStamp(settings.from ?? new Date());
  const { specs, notes } = followSpecs(s, since);
  for (const n of notes) listener.note(n);
  const feed = new LineFeed(s, (events) => listener.events(events));
  const infos = new Map<string, FollowerInfo>(specs.map((spec) => [spec.id, { id: spec.id, argv: spec.argv, source: spec.source }]));
  const toldEnded = new Set<string>();
  const gone = new Set<string>();
  let endedWith: (why: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (endedWith = resolve));
  if (specs.length === 0) endedWith('nothing to follow: no cloudflared or mcp-proxy container or pod was found');
  const followers = startFollowers(specs, env, {
    onChunk: (spec, chunk, stream) => feed.push(`${spec.id}\u0000${stream}`, spec.source, chunk),
    onStart: (spec, pid) => {
      infos.set(spec.id, { ...infos.get(spec.id)!, ...(pid !== undefined ? { pid } : {}) });
      listener.followers([...infos.values()]);
    },
    onEnd: (spec: FollowSpec, end) => {
      if (!end.again) {
        gone.add(spec.id);
        if (gone.size === specs.length) endedWith(`every log follower ended (${howEnded(end)})`);
      }
      if (toldEnded.has(spec.id)) return;
      toldEnded.add(spec.id);
      listener.note(`\`${describeFollower(spec)}\` ended (${howEnded(end)})${end.again ? '; it is followed again every few seconds while it runs' : ''}`);
    },
    restartArgv: (spec, stoppedAt) => withSince(spec.argv, sinceStamp(stoppedAt)),
  });

  const target = metricsTarget(s, settings.network);
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<void> | undefined;
  let stopped = false;
  const cancel = new AbortController();
  let lastProblem: string | undefined;
  const problem = (why: string) => {
    if (why === lastProblem) return;
    lastProblem = why;
    listener.metricsUnavailable(why);
  };
  const poll = async () => {
    const read = await readMetrics(target, { timeoutMs: Math.min(settings.timeoutMs, 5_000), exec, env, signal: cancel.signal });
    if (stopped) return;
    if (read.problem) problem(read.problem);
    else if (read.metrics !== undefined && !looksLikeCloudflared(read.metrics)) problem(`${target.kind === 'none' ? '' : target.via} answered, but not with cloudflared's metrics`);
    else {
      lastProblem = undefined;
      listener.metrics(metricsSample(new Date().toISOString(), read.metrics, read.ready));
    }
    if (!stopped) timer = setTimeout(() => void (inflight = poll()), settings.metricsEveryMs ?? METRICS_EVERY_MS);
  };
  if (target.kind === 'none') problem(target.why);
  else inflight = poll();

  return {
    since,
    target,
    ended,
    followers: () => [...infos.values()],
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      cancel.abort();
      // A reading in flight is cancelled (its kubectl killed) and waited for: nothing outlives watch.
      await Promise.all([followers.stop(), inflight?.catch(() => {})]);
      feed.end();
    },
  };
}
