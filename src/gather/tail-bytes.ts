// The newest bytes of a stream, in bounded memory: a log keeps its latest lines (they hold the current
// state), never its oldest. What is kept starts at a line start; a single line longer than the limit is
// kept by its end, from a character boundary.
import { keepNewest } from '../snapshot/text.js';
import type { RunResult } from './run.js';

export class TailBytes {
  private chunks: Buffer[] = [];
  private held = 0;
  /** Every byte seen, kept or not. */
  total = 0;

  constructor(readonly limit: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.held += chunk.length;
    // Drop whole chunks that lie entirely before the newest `limit` + 1 bytes (the byte before the kept
    // part tells whether it starts a line).
    while (this.chunks.length > 1 && this.held - this.chunks[0]!.length > this.limit) this.held -= this.chunks.shift()!.length;
  }

  /** Bytes seen but not kept (the oldest). */
  get dropped(): number {
    return this.total - this.bytes().length;
  }

  get truncated(): boolean {
    return this.total > this.limit;
  }

  bytes(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length ? [all] : [];
    if (this.total <= this.limit) return all;
    return keepNewest(all, this.limit);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

/**
 * A command's kept tails into its result: the bytes, how much it printed, and stdout / stderr as text
 * decoded only if something reads them (a log is handed on as bytes; an error message is read as text).
 */
export function keepTails(result: RunResult, tails: { stdout: TailBytes; stderr: TailBytes }): void {
  const bytes = { stdout: tails.stdout.bytes(), stderr: tails.stderr.bytes() };
  result.bytes = bytes;
  result.printed = { stdout: tails.stdout.total, stderr: tails.stderr.total };
  for (const stream of ['stdout', 'stderr'] as const) {
    let text: string | undefined;
    Object.defineProperty(result, stream, {
      enumerable: true,
      configurable: true,
      get: () => (text ??= bytes[stream].toString('utf8')),
      set: (v: string) => (text = v),
    });
  }
}
