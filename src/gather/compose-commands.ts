// The exact commands Compose gathering runs, as argv arrays. Live gathering and the demo's "would have run"
// list both build them here, so the demo cannot drift from what a real run does. None of them changes
// anything: version, ps, inspect and logs only.
import type { LogSource } from '../snapshot/types.js';
import { COMPOSE_NAMES } from '../snapshot/roles.js';

export interface ComposeTarget {
  /** Project-relative (or absolute) Compose file; `-f` is passed only for a non-standard name. */
  composeFile?: string;
  /** Profiles of the setup service, so that its containers and logs are included. */
  profiles: string[];
  /** Compose service playing each role. */
  services: Partial<Record<LogSource, string>>;
}

export interface LogBounds {
  tail: number;
  since?: string;
}

function fileArgs(t: ComposeTarget): string[] {
  const f = t.composeFile;
  if (!f || (COMPOSE_NAMES as readonly string[]).includes(f)) return [];
  return ['-f', f.startsWith('-') ? `./${f}` : f];
}

const profileArgs = (t: ComposeTarget) => t.profiles.flatMap((p) => ['--profile', p]);
const sinceArgs = (b: LogBounds) => (b.since ? ['--since', b.since] : []);

export const composeCommands = {
  dockerVersion: () => ['docker', 'version', '--format', '{{json .}}'],
  composeV2Version: () => ['docker', 'compose', 'version', '--short'],
  composeV1Version: () => ['docker-compose', 'version', '--short'],
  /** v2: Compose lists its own project's containers (JSON array before 2.21, one object per line since). */
  psV2: (t: ComposeTarget) => ['docker', 'compose', ...fileArgs(t), ...profileArgs(t), 'ps', '--all', '--format', 'json'],
  /** v1 has no `ps --format json`: ask docker for the containers carrying the project's label. */
  psByLabel: (project: string) => ['docker', 'ps', '--all', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{json .}}'],
  inspect: (ids: string[]) => ['docker', 'inspect', ...ids],
  logsV2: (t: ComposeTarget, service: string, b: LogBounds) => [
    'docker', 'compose', ...fileArgs(t), ...profileArgs(t), 'logs', '--no-color', '--timestamps', '--tail', String(b.tail), ...sinceArgs(b), service,
  ],
  /** watch: one service's new lines from `since` (RFC 3339) on, followed. */
  followV2: (t: ComposeTarget, service: string, since: string) => [
    'docker', 'compose', ...fileArgs(t), ...profileArgs(t), 'logs', '--follow', '--no-color', '--timestamps', '--since', since, service,
  ],
  /** watch on v1 (no --since in `docker-compose logs`): one container's new lines, followed. */
  followContainer: (container: string, since: string) => ['docker', 'logs', '--follow', '--timestamps', '--since', since, container],
  /** v1's `docker-compose logs` has no --since; `docker logs` has both bounds. */
  dockerLogs: (container: string, b: LogBounds) => ['docker', 'logs', '--timestamps', '--tail', String(b.tail), ...sinceArgs(b), container],
};
