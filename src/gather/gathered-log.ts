// A snapshot log from the commands that printed it (one per container, or per previous instance): their
// kept lines in order, redacted, with where they came from, what failed, and how much was read and kept.
import type { LogRead, SnapshotLog } from '../snapshot/types.js';
import { redact } from '../snapshot/redact.js';
import { displayArgv, sizeText } from './context.js';
import type { LogBudget, LogPart } from './log-budget.js';
import type { RunResult } from './run.js';

const NEWLINE = Buffer.from('\n');
const EMPTY = Buffer.alloc(0);

export interface GatheredPart {
  argv: string[];
  exitCode?: number;
  error?: string;
  /** Its text as the log budget left it (read after the budget's finish()). */
  part: LogPart;
}

/**
 * Hands a log command's text to the budget. Only the budget holds the text from here on (the command's
 * own output is not kept), so cutting it frees the memory.
 */
export function keepLog(budget: LogBudget, argv: string[], r: RunResult, log: Buffer | string): GatheredPart {
  const data = typeof log === 'string' ? Buffer.from(log, 'utf8') : log;
  const printed = r.printed ? r.printed.stdout + r.printed.stderr : data.length;
  return { argv, ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}), ...(r.error ? { error: r.error } : {}), part: budget.add(data, printed, r.truncated) };
}

/** Whether a log holds anything but whitespace (as `text.trim() !== ''`, without decoding an ASCII log). */
export function hasText(data: Buffer | string): boolean {
  if (typeof data === 'string') return data.trim() !== '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) continue;
    return b < 0x80 || data.toString('utf8', i).trim() !== '';
  }
  return false;
}

/** A command's log output as bytes: the kept tail when it has one, else its text. */
export const stdoutOf = (r: RunResult): Buffer | string => r.bytes?.stdout ?? r.stdout;

/** Which failure makes the log's `error`: any failed command (Compose), or only when nothing was read (pods). */
export type LogErrorRule = 'any' | 'when-empty';

export function logOfParts(parts: GatheredPart[], rule: LogErrorRule): SnapshotLog | undefined {
  if (parts.length === 0) return undefined;
  const read = readOf(parts);
  const pieces: Buffer[] = [];
  for (const { part } of parts) {
    if (!hasText(part.data)) continue;
    pieces.push(part.data);
    if (part.data[part.data.length - 1] !== 0x0a) pieces.push(NEWLINE);
  }
  const text = Buffer.concat(pieces).toString('utf8');
  const failed = parts.filter((p) => p.exitCode !== 0);
  if (!text && failed.length === 0) return undefined;
  // The parts are not needed once joined (each held up to its share of the budget).
  for (const p of parts) p.part.data = EMPTY;
  const clean = redact(text);
  const log: SnapshotLog = { text: clean, origin: parts.map(({ argv }) => displayArgv(argv)).join(' + ') };
  if (clean !== text) log.redacted = true;
  if (parts.some(({ part }) => part.cut)) log.truncated = true;
  const first = failed[0];
  if (first && (rule === 'any' || !text)) log.error = first.error ?? `exited with code ${first.exitCode}`;
  log.read = read;
  return log;
}

function readOf(parts: GatheredPart[]): LogRead {
  const read: LogRead = {
    commands: parts.length,
    printed: parts.reduce((n, { part }) => n + part.printed, 0),
    kept: parts.reduce((n, { part }) => n + part.data.length, 0),
  };
  const cut = parts.filter(({ part }) => part.cut).length;
  if (cut) read.cut = cut;
  return read;
}

/** One line per log for the report: how much its commands printed, how much was kept, and what cut it. */
export function logReadNote(source: string, log: SnapshotLog, budget: LogBudget): string | undefined {
  const read = log.read;
  if (!read) return undefined;
  const commands = `${read.commands} command${read.commands === 1 ? '' : 's'}`;
  const head = `${source} log: ${commands} printed ${sizeText(read.printed)}`;
  if (!read.cut) return `${head}, all of it read`;
  const why = budget.perPart !== undefined
    ? `the ${sizeText(budget.total)} budget across all logs leaves ${sizeText(budget.perPart)} to each of the largest`
    : `at most ${sizeText(budget.perCommand)} is kept from one command`;
  return `${head}; kept ${sizeText(read.kept)}: ${read.cut} of them cut to their newest lines (${why})`;
}
