// `scan [FILE|-]`: classify any log against the signature catalog, streamed (never read whole), so a
// log of any size runs in bounded memory. Exit 1 when a signature of severity error matched.
import { open, stat } from 'node:fs/promises';
import type { Io } from '../io.js';
import { writeOut } from '../io.js';
import type { TriageOptions } from '../options.js';
import { ToolError, UsageError } from '../errors.js';
import { LogScanner } from '../signatures/scanner.js';
import { ScanTally, type ScanOutcome } from '../signatures/tally.js';
import { scanJsonReport, scanNotes, scanTextReport } from '../report/scan.js';
import { detectStyle } from '../report/style.js';

const BIN = 'mcp-tunnel-triage';
const CHUNK = 1024 * 1024;

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

async function scanFile(path: string, scanner: LogScanner): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (err) {
    throw cannotRead(path, err);
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw cannotRead(path, err);
  }
  try {
    // One reused buffer: the scanner keeps nothing of a chunk once push returns.
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      let n: number;
      try {
        ({ bytesRead: n } = await handle.read(buf, 0, CHUNK, null));
      } catch (err) {
        throw cannotRead(path, err);
      }
      if (n === 0) break;
      scanner.push(buf.subarray(0, n));
    }
  } finally {
    await handle.close();
  }
}

async function scanStdin(io: Io, scanner: LogScanner): Promise<void> {
  for await (const chunk of io.stdin) scanner.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
}

export async function runScan(file: string | undefined, opts: TriageOptions, io: Io): Promise<number> {
  if (file === undefined && io.stdin.isTTY) throw new UsageError(`scan needs a log file, or - to read stdin (e.g. docker compose logs | ${BIN} scan -); see ${BIN} scan --help`);
  const fromStdin = file === undefined || file === '-';
  if (fromStdin && io.stdin.isTTY) io.stderr.write(`${BIN}: reading a log from stdin; end it with Ctrl-D\n`);
  const tally = new ScanTally();
  const scanner = new LogScanner((record, matches) => tally.add(record, matches));
  if (fromStdin) await scanStdin(io, scanner);
  else await scanFile(file, scanner);
  const outcome: ScanOutcome = { name: fromStdin ? 'stdin' : file, tally, stats: scanner.end() };
  if (opts.json) {
    for (const note of scanNotes(outcome)) io.stderr.write(`${BIN}: ${note}\n`);
    await writeOut(io, scanJsonReport(outcome));
  } else {
    await writeOut(io, scanTextReport(outcome, detectStyle(io.stdout, io.env)));
  }
  return tally.hasError() ? 1 : 0;
}
