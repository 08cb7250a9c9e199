// --help text, generated from the command-line table so it lists exactly what works.
import { COMMANDS, flagsFor, type CommandName, type FlagSpec } from './cli-spec.js';
import { VERSION } from './version.js';

const BIN = 'mcp-tunnel-triage';

function flagLines(flags: FlagSpec[]): string[] {
  const left = (f: FlagSpec) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`;
  const width = Math.max(...flags.map((f) => left(f).length)) + 2;
  return flags.map((f) => `  ${left(f).padEnd(width)}${f.help}`);
}

const EXIT_CODES = ['Exit codes:', '  0  no finding of severity error', '  1  at least one error finding', '  2  usage error, or the tool itself failed (one line on stderr says what to do)'];
const FIX_EXIT_CODES = [
  'Exit codes:',
  '  0  fixed, nothing to do, a dry run, or applied and nothing shows it failed',
  '  1  not fixed: a step failed (edited files were put back), the finding is still there, you said no, or the steps are yours to take',
  '  2  usage error (an unknown FIX-ID), no terminal to ask on without --yes, or the tool itself failed',
];

const WATCH_EXIT_CODES = [
  'On a terminal it opens the wizard on its Watch screen; piped, one line per event (--json: NDJSON).',
  'It stops on q (stdin a terminal), Ctrl-C, SIGTERM, or when --for runs out; no follower is left running.',
  '',
  'Exit codes:',
  '  0  no event of severity error was seen',
  '  1  at least one event of severity error was seen',
  '  2  usage error, nothing to follow (no deployment, docker or kubectl not answering), or the tool itself failed',
];

export function helpText(command?: CommandName): string {
  if (command) {
    const spec = COMMANDS.find((c) => c.name === command)!;
    return [`Usage: ${BIN} ${spec.usage}`, '', `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`, '', 'Flags:', ...flagLines(flagsFor(command)), '', ...(command === 'fix' ? FIX_EXIT_CODES : command === 'watch' ? WATCH_EXIT_CODES : EXIT_CODES), ''].join('\n');
  }
  const width = Math.max(...COMMANDS.map((c) => c.usage.length)) + 2;
  return [
    `${BIN} ${VERSION}: diagnose and fix a broken MCP tunnel (cloudflared + mcp-proxy) on its host.`,
    '',
    `Usage: ${BIN} [command] [flags]`,
    '',
    'Commands:',
    `  ${'(none)'.padEnd(width)}the interactive wizard on a terminal; otherwise the same as diagnose`,
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}${c.summary}`),
    '',
    'Flags:',
    ...flagLines(flagsFor('wizard')),
    '',
    ...EXIT_CODES,
    '',
    `Run \`${BIN} <command> --help\` for a command's flags. Try \`${BIN} --demo\` to see it on a broken sample.`,
    '',
  ].join('\n');
}
