// `scan [FILE|-]`: classify any log against the signature catalog, streamed (never read whole), so a
// log of any size runs in bounded memory; a large file in parallel parts (src/signatures/scan-file.ts).
// Exit 1 when a signature of severity error matched.
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import type { Io } from '../io.js';
import { writeErr, writeOut } from '../io.js';
import type { TriageOptions } from '../options.js';
import { ToolError, UsageError } from '../errors.js';
import { LogScanner, type ScanStats } from '../signatures/scanner.js';
import { scanFile } from '../signatures/scan-file.js';
import { ScanTally, type ScanOutcome } from '../signatures/tally.js';
import { scanJsonReport, scanNotes, scanTextReport } from '../report/scan.js';
import { detectStyle } from '../report/style.js';

const BIN = 'mcp-tunnel-triage';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ELOOP: 'too many symbolic links',
};

function cannotRead(name: string, err: unknown): ToolError {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const why = REASONS[code] ?? ((err as Error)?.message?.split('\n')[0] || 'unknown error');
  return new ToolError(`cannot read ${name}: ${why}${code ? ` (${code})` : ''}; give the path of a log file, or - to read stdin`);
}

async function scanPath(path: string, env: NodeJS.ProcessEnv): Promise<{ stats: ScanStats; tally: ScanTally }> {
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    await access(path, constants.R_OK);
  } catch (err) {
    throw cannotRead(path, err);
  }
  try {
    return await scanFile(path, env);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code) throw cannotRead(path, err);
    throw err;
  }
}

async function scanStdin(io: Io, scanner: LogScanner): Promise<void> {
  for await (const chunk of io.stdin) scanner.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
}

export async function runScan(file: string | undefined, opts: TriageOptions, io: Io): Promise<number> {
  if (file === undefined && io.stdin.isTTY) throw new UsageError(`scan needs a log file, or - to read stdin (e.g. docker compose logs | ${BIN} scan -); see ${BIN} scan --help`);
  const fromStdin = file === undefined || file === '-';
  if (fromStdin && io.stdin.isTTY) writeErr(io, `${BIN}: reading a log from stdin; end it with Ctrl-D\n`);
  let scanned: { stats: ScanStats; tally: ScanTally };
  if (fromStdin) {
    const tally = new ScanTally();
    const scanner = new LogScanner((record, matches) => tally.add(record, matches));
    await scanStdin(io, scanner);
    scanned = { stats: scanner.end(), tally };
  } else {
    scanned = await scanPath(file, io.env);
  }
  const { tally } = scanned;
  const outcome: ScanOutcome = { name: fromStdin ? 'stdin' : file, tally, stats: scanned.stats };
  if (opts.json) {
    for (const note of scanNotes(outcome)) writeErr(io, `${BIN}: ${note}\n`);
    await writeOut(io, scanJsonReport(outcome));
  } else {
    await writeOut(io, scanTextReport(outcome, detectStyle(io.stdout, io.env)));
  }
  return tally.hasError() ? 1 : 0;
}
