// argv -> a command and TriageOptions, in one place, on util.parseArgs. Unknown flags and commands are
// usage errors that name --help.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { COMMANDS, FLAGS, flagsFor, type CommandName } from './cli-spec.js';
import { UsageError } from './errors.js';
import { defaultOptions, type TriageOptions } from './options.js';
import { symptomById } from './analyze/symptoms.js';
import { gatherOptions } from './argv-gather.js';
import { fileOptions } from './argv-files.js';
import { fixOptions } from './argv-fix.js';

export interface ParsedArgs {
  /** undefined: no command given (wizard on a terminal, else diagnose). */
  command?: CommandName;
  positional?: string;
  help: boolean;
  version: boolean;
  options: TriageOptions;
  /** Raw flag values for command-specific flags (`output`). */
  flags: Record<string, string | boolean | undefined>;
  /** `--symptom list` */
  listSymptoms: boolean;
}

const BIN = 'mcp-tunnel-triage';

export function parseArgv(argv: readonly string[], cwd = process.cwd()): ParsedArgs {
  const options = Object.fromEntries(FLAGS.map((f) => [f.name, { type: f.type, ...(f.short ? { short: f.short } : {}) }]));
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(usageMessage(err));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const [first, ...rest] = parsed.positionals;
  let command: CommandName | undefined;
  if (first !== undefined) {
    if (first === 'help') {
      const topic = rest[0];
      if (topic !== undefined && !COMMANDS.some((c) => c.name === topic)) throw new UsageError(`unknown command ${topic}; see ${BIN} --help`);
      return { command: topic as CommandName | undefined, help: true, version: false, options: defaultOptions({ dir: cwd }), flags: {}, listSymptoms: false };
    }
    const spec = COMMANDS.find((c) => c.name === first);
    if (!spec) throw new UsageError(`unknown command ${first}; see ${BIN} --help`);
    command = spec.name;
  }
  const spec = COMMANDS.find((c) => c.name === command);
  const positionals = command ? rest : parsed.positionals;
  const allowedPositionals = spec?.positional ? 1 : 0;
  if (positionals.length > allowedPositionals) {
    throw new UsageError(`unexpected argument ${positionals[allowedPositionals]}; see ${BIN} ${command ? `${command} ` : ''}--help`);
  }
  if (values.help) return { command, help: true, version: false, options: defaultOptions({ dir: cwd }), flags: values, listSymptoms: false };
  if (values.version) return { command, help: false, version: true, options: defaultOptions({ dir: cwd }), flags: values, listSymptoms: false };

  const allowed = new Set(flagsFor(command ?? 'wizard').map((f) => f.name));
  for (const name of Object.keys(values)) {
    if (values[name] !== undefined && !allowed.has(name)) {
      throw new UsageError(`--${name} does not apply to ${command ?? `${BIN} without a command`}; see ${BIN} ${command ? `${command} ` : ''}--help`);
    }
  }
  const str = (name: string): string | undefined => {
    const v = values[name];
    if (typeof v !== 'string') return undefined;
    if (v.trim() === '') throw new UsageError(`--${name} needs a value; see ${BIN} --help`);
    return v;
  };
  const opts = defaultOptions({
    dir: resolve(cwd, str('dir') ?? '.'),
    composeFile: str('compose-file'),
    config: str('config'),
    tunnelDomain: str('tunnel-domain'),
    fromBundle: str('from-bundle'),
    symptom: str('symptom'),
    json: values.json === true,
    demo: values.demo === true,
    debug: values.debug === true,
    ...gatherOptions(values, str),
    ...fileOptions(str),
    ...fixOptions(values, str),
  });
  for (const key of Object.keys(opts) as (keyof TriageOptions)[]) if (opts[key] === undefined) delete opts[key];
  const listSymptoms = opts.symptom === 'list';
  if (opts.symptom && !listSymptoms && !symptomById(opts.symptom)) {
    throw new UsageError(`unknown symptom ${opts.symptom}; list them with ${BIN} --symptom list`);
  }
  if (opts.demo && (opts.fromBundle || values.dir !== undefined)) throw new UsageError(`--demo runs on its own sample; drop --dir / --from-bundle; see ${BIN} --help`);
  if (opts.tunnelDomain && !/^[a-z0-9.-]+$/i.test(opts.tunnelDomain)) throw new UsageError(`--tunnel-domain ${opts.tunnelDomain} is not a domain name (e.g. abcd1234.tunnel.anthropic.com)`);
  const forValue = str('for');
  if (forValue !== undefined && !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(forValue)) throw new UsageError(`--for ${forValue} is not a duration such as 30s, 5m or 1h; see ${BIN} watch --help`);
  if (command === 'bundle' && !str('output')) throw new UsageError(`bundle needs -o DIR, a new folder to write to; see ${BIN} bundle --help`);
  return { command, positional: positionals[0], help: false, version: false, options: opts, flags: values, listSymptoms };
}

function usageMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const option = /'(-{1,2}[^'\s]+)/.exec(message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}; see ${BIN} --help`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument is ambiguous/.test(message)) return `${option ?? 'an option'} needs a value; for one that starts with -, write ${option ?? '--flag'}=VALUE; see ${BIN} --help`;
      return /argument missing/.test(message) ? `${option ?? 'an option'} needs a value; see ${BIN} --help` : `${option ?? 'an option'} does not take a value; see ${BIN} --help`;
    default:
      return `${message.split('\n')[0]}; see ${BIN} --help`;
  }
}
