// The entry: parse argv once, decide wizard vs headless once, map errors to exit codes (SPEC section 3).
import { parseArgv } from './argv.js';
import { UsageError, ToolError } from './errors.js';
import { helpText } from './help.js';
import { processIo, writeErr, writeOut, type Io } from './io.js';
import { VERSION } from './version.js';
import { listSymptoms } from './commands/symptoms.js';
import { checkProjectDir } from './project-dir.js';

const BIN = 'mcp-tunnel-triage';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const args = parseArgv(argv, io.cwd);
    debug = args.options.debug;
    if (args.help) return writeOut(io, helpText(args.command)).then(() => 0);
    if (args.version) return writeOut(io, `${VERSION}\n`).then(() => 0);
    if (args.listSymptoms) return await listSymptoms(io, args.options.json);
    if (args.command !== 'scan') await checkProjectDir(args.options);
    // Commands load when chosen: --version, --help and the wizard's first frame do not wait for the pipeline.
    switch (args.command) {
      case 'bundle':
        return await (await import('./commands/bundle.js')).runBundle(args.options, String(args.flags.output), io);
      case 'diagnose':
        return await (await import('./commands/diagnose.js')).runDiagnose(args.options, io);
      case 'scan':
        return await (await import('./commands/scan.js')).runScan(args.positional, args.options, io);
      case 'watch':
        return await (await import('./commands/watch.js')).runWatch(args.options, typeof args.flags.for === 'string' ? args.flags.for : undefined, io);
      case 'fix':
        return await (await import('./commands/fix.js')).runFix(args.options, args.positional, io, { list: args.flags.list === true });
      case undefined:
        return await (await import('./commands/wizard.js')).runDefault(args.options, io);
    }
  } catch (err) {
    return reportError(err, io, debug);
  }
}

function reportError(err: unknown, io: Io, debug: boolean): number {
  // BundleError by name: importing src/snapshot/bundle.ts here would load it on every start.
  if (err instanceof UsageError || err instanceof ToolError || (err instanceof Error && err.name === 'BundleError')) {
    writeErr(io, `${BIN}: ${err.message}\n`);
  } else {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    writeErr(io, `${BIN}: internal error: ${message}${debug ? '' : ' (re-run with --debug for details, and report it)'}\n`);
    if (debug && err instanceof Error && err.stack) writeErr(io, `${err.stack}\n`);
  }
  return 2;
}
