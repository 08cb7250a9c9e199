// The entry: parse argv once, decide wizard vs headless once, map errors to exit codes (SPEC section 3).
import { parseArgv } from './argv.js';
import { UsageError, ToolError } from './errors.js';
import { helpText } from './help.js';
import { processIo, writeOut, type Io } from './io.js';
import { VERSION } from './version.js';
import { BundleError } from './snapshot/bundle.js';
import { runDiagnose } from './commands/diagnose.js';
import { runBundle } from './commands/bundle.js';
import { listSymptoms } from './commands/symptoms.js';
import { runDefault } from './commands/wizard.js';

const BIN = 'mcp-tunnel-triage';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const args = parseArgv(argv, io.cwd);
    debug = args.options.debug;
    if (args.help) return writeOut(io, helpText(args.command)).then(() => 0);
    if (args.version) return writeOut(io, `${VERSION}\n`).then(() => 0);
    if (args.listSymptoms) return await listSymptoms(io, args.options.json);
    switch (args.command) {
      case 'bundle':
        return await runBundle(args.options, String(args.flags.output), io);
      case 'diagnose':
        return await runDiagnose(args.options, io);
      case undefined:
        return await runDefault(args.options, io);
    }
  } catch (err) {
    return reportError(err, io, debug);
  }
}

function reportError(err: unknown, io: Io, debug: boolean): number {
  if (err instanceof UsageError || err instanceof ToolError || err instanceof BundleError) {
    io.stderr.write(`${BIN}: ${err.message}\n`);
  } else {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    io.stderr.write(`${BIN}: internal error: ${message}${debug ? '' : ' (re-run with --debug for details, and report it)'}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  }
  return 2;
}
