// --demo: the real pipeline on a copy of the shipped sample deployment. Nothing on the host is examined:
// what docker would have printed comes from demo/recorded/, and the copy lives in a temp folder.
import { chmod, cp, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import type { TriageOptions } from '../options.js';
import type { LogSource, Snapshot } from '../snapshot/types.js';
import { gatherSnapshot } from './index.js';
import type { GatherListener } from './events.js';
import { displayArgv } from './context.js';
import { applyDemoEffects, readDemoEffects } from './demo-effects.js';
import { demoCommands, demoRecordedNow, demoShiftMs, shiftLogTimes, DEMO_PROJECT } from './demo-recorded.js';
import { writeDemoPki } from './demo-pki.js';
import { redactSnapshot } from '../snapshot/redact.js';

/** When this demo's recording is taken to end (ISO), kept in its temp copy. */
const DEMO_CLOCK = '.mcp-tunnel-triage-demo-clock';

export interface DemoDeployment {
  dir: string;
  cleanup: () => Promise<void>;
}

/** Copies the sample to a fresh temp folder, with the modes a real setup would leave (npm pack drops them). */
export async function prepareDemo(): Promise<DemoDeployment> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-tunnel-triage-demo-'));
  await cp(join(packageRoot(), 'demo', 'deployment'), dir, { recursive: true });
  await chmod(join(dir, 'data'), 0o755);
  await writeDemoPki(dir); // real certificates and a fake token, made for this run
  await ageFiles(dir); // written a day before the recorded containers started, as on a real host
  // The recording is moved to end now, once per demo: every later gather (verify's too) sees the same times,
  // so a restart a fix simulates comes after the recorded lines, which are then history.
  await writeFile(join(dir, DEMO_CLOCK), `${new Date().toISOString()}\n`);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function recorded(): Promise<{ logs: Partial<Record<LogSource, string>>; state?: Snapshot['state'] }> {
  const base = join(packageRoot(), 'demo', 'recorded');
  const logs: Partial<Record<LogSource, string>> = {};
  for (const name of await readdir(join(base, 'logs')).catch(() => [] as string[])) {
    const source = name.replace(/\.log$/, '') as LogSource;
    logs[source] = await readFile(join(base, 'logs', name), 'utf8');
  }
  const state = await readFile(join(base, 'state.json'), 'utf8').then((t) => JSON.parse(t) as Snapshot['state']).catch(() => undefined);
  return { logs, state };
}

export async function gatherDemo(opts: TriageOptions, demo: DemoDeployment, onEvent?: GatherListener): Promise<Snapshot> {
  const s = await gatherSnapshot({ ...opts, dir: demo.dir, demo: true }, onEvent);
  const { logs, state } = await recorded();
  // The logs move with the containers' start times, so each line stays in the run it was recorded in.
  const clock = Date.parse((await readFile(join(demo.dir, DEMO_CLOCK), 'utf8').catch(() => '')).trim());
  const now = Number.isNaN(clock) ? Date.now() : clock;
  const by = demoShiftMs(state, now);
  for (const [source, text] of Object.entries(logs)) s.logs[source as LogSource] = { text: shiftLogTimes(text, by), origin: `demo/recorded/logs/${source}.log` };
  if (state) s.state = { ...demoRecordedNow(state, now), ...s.state };
  s.deployment.composeFlavor = 'v2';
  s.deployment.project = DEMO_PROJECT;
  const commands = demoCommands(s, opts);
  for (const argv of commands) {
    const title = displayArgv(argv);
    onEvent?.({ type: 'start', id: title, title });
    onEvent?.({ type: 'end', id: title, title, ok: true, ms: 0, detail: 'demo: not run' });
  }
  s.notes.push(`DEMO: docker was not run; on a live host this would have run: ${commands.map(displayArgv).join('; ')}`);
  applyDemoEffects(s, await readDemoEffects(demo.dir)); // what fixes did in this demo so far
  s.deployment.how = `built-in demo deployment, copied to ${demo.dir}`;
  s.notes.unshift('DEMO: a built-in broken sample deployment; nothing on this host was examined or changed');
  return redactSnapshot(s);
}

async function ageFiles(dir: string): Promise<void> {
  const day = new Date(Date.now() - 24 * 3600 * 1000);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) await utimes(join(entry.parentPath, entry.name), day, day);
  }
}
