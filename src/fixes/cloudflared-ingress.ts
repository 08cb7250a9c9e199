// `No ingress rules were defined`: cloudflared has no local target. The guide's fix: `--url
// http://localhost:8080` in its command and `network_mode: "service:mcp-proxy"` so that localhost is the
// proxy; then recreate it (a restart keeps the old command and network).
import { isMap, isScalar, isSeq, Pair, Scalar, type Node } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { composeArgv, composeModel, serviceFor } from '../analyze/compose-model.js';
import { isServiceName, manual, nothingToDo, planOf, yamlEdit } from './plan-kit.js';
import type { YamlPatch } from './yaml-patch.js';
import { commandLine } from './describe.js';
import type { CommandStep, Fix, PlanStep } from './types.js';

export const ORIGIN_URL = 'http://localhost:8080';
const DEFAULT_COMMAND = `tunnel --no-autoupdate run --url ${ORIGIN_URL}`;

/** Where `--url` is in a token list: the index of the flag and of its value (they are one token for `--url=`). */
function urlAt(tokens: readonly string[]): { flag: number; value: number; url: string } | undefined {
  const i = tokens.findIndex((t) => t === '--url' || t.startsWith('--url='));
  if (i < 0) return undefined;
  return tokens[i] === '--url' ? { flag: i, value: i + 1, url: tokens[i + 1] ?? '' } : { flag: i, value: i, url: tokens[i]!.slice('--url='.length) };
}

/** A command string with `--url http://localhost:8080`, right after `run` (flags after a tunnel name are not read). */
export function commandWithUrl(command: string): string {
  const tokens = command.trim().split(/\s+/);
  const at = urlAt(tokens);
  if (at) {
    if (at.url === ORIGIN_URL) return command;
    const old = at.flag === at.value ? tokens[at.flag]! : `${tokens[at.flag]} ${tokens[at.value] ?? ''}`.trimEnd();
    const next = at.flag === at.value ? `--url=${ORIGIN_URL}` : `--url ${ORIGIN_URL}`;
    return command.replace(old.includes(' ') ? new RegExp(`--url\\s+${escape(at.url)}`) : old, next);
  }
  const run = /(^|\s)run(?=\s|$)/.exec(command);
  if (!run) return `${command.trimEnd()} --url ${ORIGIN_URL}`;
  const end = run.index + run[0].length;
  return `${command.slice(0, end)} --url ${ORIGIN_URL}${command.slice(end)}`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The edit on the Compose file (a function of its text, so it can be re-run on the real file). */
export function ingressEdit(p: YamlPatch, service: string, proxy: string): void {
  const svc = p.get(['services', service]);
  if (!isMap(svc)) return;
  const command = p.pairOf(svc, 'command');
  const value = command?.value as Node | undefined;
  if (!command || !value) {
    const cmd = new Pair(new Scalar('command'), new Scalar(DEFAULT_COMMAND));
    p.insertPair(svc, cmd, p.pairOf(svc, 'image'));
  } else if (isScalar(value) && typeof value.value === 'string') {
    p.setScalar(value, commandWithUrl(value.value));
  } else if (isSeq(value)) {
    const items = value.items.map((i) => (isScalar(i) ? String(i.value) : ''));
    const at = urlAt(items);
    if (at && at.url !== ORIGIN_URL) {
      const node = value.items[at.value];
      if (isScalar(node)) p.setScalar(node, at.flag === at.value ? `--url=${ORIGIN_URL}` : ORIGIN_URL);
      else if (at.flag !== at.value) p.appendItems(value, [new Scalar(ORIGIN_URL)]); // `--url` was last, with no value
    } else if (!at) {
      const run = value.items[items.indexOf('run')];
      const added = [new Scalar('--url'), new Scalar(ORIGIN_URL)];
      const style = isScalar(value.items[0]) ? value.items[0].type : undefined; // quoted like its neighbours
      if (style) for (const s of added) s.type = style;
      if (run) p.insertItemsAfter(value, run as Node, added);
      else p.appendItems(value, added);
    }
  }
  const mode = `service:${proxy}`;
  const current = p.pairOf(svc, 'network_mode');
  if (current && isScalar(current.value)) {
    if (current.value.value !== mode) p.setScalar(current.value, mode, true);
  } else {
    const quoted = new Scalar(mode);
    quoted.type = Scalar.QUOTE_DOUBLE;
    p.insertPair(svc, new Pair(new Scalar('network_mode'), quoted), p.pairOf(svc, 'command'));
  }
  // Compose refuses networks or published ports on a service that shares another's network namespace.
  p.removePair(svc, 'networks');
  p.removePair(svc, 'ports');
}

/** Compose copies TUNNEL_TOKEN from the shell when the service lists it without a value and .env does not set it. */
export function tokenFromShell(s: Snapshot, service: string): boolean {
  const svc = serviceFor(composeModel(s), 'cloudflared');
  if (!svc || svc.name !== service || svc.node.get('env_file') !== undefined) return false;
  const env = svc.node.get('environment', true);
  const listed = isSeq(env)
    ? env.items.some((i) => isScalar(i) && /^\s*TUNNEL_TOKEN\s*$|\$\{?TUNNEL_TOKEN\b/.test(String(i.value)))
    : isMap(env)
      ? env.items.some((pair) => isScalar(pair.key) && pair.key.value === 'TUNNEL_TOKEN' && (!isScalar(pair.value) || pair.value.value === null || /\$\{?TUNNEL_TOKEN\b/.test(String(pair.value.value))))
      : false;
  if (!listed) return false;
  const dotenv = s.files[s.deployment.paths.env ?? '.env']?.text ?? '';
  return !/^\s*(export\s+)?TUNNEL_TOKEN\s*=/m.test(dotenv);
}

/** The recreate command for cloudflared: `--no-deps` while the proxy runs (see recreateCloudflaredStep). */
export function recreateCloudflaredArgv(s: Snapshot, service: string): { argv: string[]; proxy: string; proxyRuns: boolean } {
  const proxy = serviceFor(composeModel(s), 'mcp-proxy')?.name ?? 'mcp-proxy';
  const proxyRuns = (s.state.containers ?? []).some((c) => c.service === proxy && !c.oneOff && c.state === 'running');
  const args = proxyRuns ? ['up', '-d', '--force-recreate', '--no-deps', service] : ['up', '-d', '--force-recreate', service];
  return { argv: composeArgv(s, args), proxy, proxyRuns };
}

/**
 * `docker compose up -d --force-recreate --no-deps cloudflared` (or docker-compose), guarded for the token it
 * passes on. `--no-deps` while the proxy runs: Compose v1 otherwise recreates the proxy as well (cloudflared
 * depends on it through `network_mode: service:`), a restart nobody asked for. When the proxy is not running,
 * Compose must start it first, and the plan says so.
 */
export function recreateCloudflaredStep(s: Snapshot, service: string, why: string): PlanStep {
  const { argv, proxy, proxyRuns } = recreateCloudflaredArgv(s, service);
  const because = proxyRuns ? why : `${why}; ${proxy} is not running, so Compose starts${s.deployment.composeFlavor === 'v1' ? ' (or recreates)' : ''} it too`;
  const step: CommandStep = { kind: 'command', argv, cwd: s.deployment.dir, why: because };
  // The demo shows commands without running them: no shell's token is at stake.
  if (s.origin === 'demo' || !tokenFromShell(s, service)) return step;
  if (s.state.token?.present === false) {
    return manual(`Recreate ${service} from a shell that has the token (Compose copies TUNNEL_TOKEN from it, and none was found here): \`export TUNNEL_TOKEN=$(sudo cat data/tunnel-token)\`, then \`${commandLine(step.argv)}\` in ${s.deployment.dir ?? 'the project folder'}.`);
  }
  return { ...step, needsEnv: ['TUNNEL_TOKEN'] };
}

export const cloudflaredIngress: Fix = {
  id: 'cloudflared-ingress',
  title: 'Point cloudflared at the proxy (--url http://localhost:8080, network_mode service:mcp-proxy)',
  kind: 'edit',
  findings: ['edge.no-ingress', 'edge.origin-unreachable'],
  plan(s) {
    if (s.deployment.kind !== 'compose') return undefined;
    const model = composeModel(s);
    const cf = serviceFor(model, 'cloudflared');
    const proxy = serviceFor(model, 'mcp-proxy')?.name ?? 'mcp-proxy';
    const file = s.deployment.paths.compose;
    if (!cf || !file || !isServiceName(cf.name) || !isServiceName(proxy)) return undefined;
    const edit = yamlEdit(s, file, `cloudflared needs a local target, and localhost is the proxy only inside its network namespace`, (p) => ingressEdit(p, cf.name, proxy));
    if ('problem' in edit) return undefined;
    const recreateWhy = 'cloudflared reads its command and network when it is created: a restart keeps the old ones';
    if ('step' in edit) return planOf(this, [edit.step, recreateCloudflaredStep(s, cf.name, recreateWhy)]);
    // The file is right: the running container may still predate it.
    const container = s.state.containers?.find((c) => c.service === cf.name);
    const started = container?.startedAt ? Date.parse(container.startedAt) : NaN;
    const changed = s.files[file]?.meta?.mtimeMs;
    if (container?.state === 'running' && changed !== undefined && started > changed) {
      return nothingToDo(this, `${cf.name} has --url ${ORIGIN_URL} and network_mode service:${proxy}, and was created after ${file} last changed`);
    }
    if (!container && changed === undefined) return nothingToDo(this, `${cf.name} already has --url ${ORIGIN_URL} and network_mode service:${proxy} in ${file}`);
    return planOf(this, [recreateCloudflaredStep(s, cf.name, `${file} is right, but ${cf.name} was created before it changed; ${recreateWhy}`)]);
  },
};
