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

  get truncated(): boolean {
    return this.total > this.limit;
  }

  /** The kept bytes, in one buffer of their own (no view into a larger chunk is kept alive). */
  bytes(): Buffer {
    if (this.chunks.length === 0) return Buffer.alloc(0);
    // Only the newest limit + 1 bytes can be kept (the one before tells whether they start a line).
    const want = Math.min(this.held, this.total > this.limit ? this.limit + 1 : this.held);
    const out = Buffer.allocUnsafe(want);
    let at = want;
    for (let i = this.chunks.length - 1; i >= 0 && at > 0; i--) {
      const c = this.chunks[i]!;
      const n = Math.min(at, c.length);
      c.copy(out, at - n, c.length - n);
      at -= n;
    }
    this.chunks = [out];
    this.held = out.length;
    return this.total <= this.limit ? out : keepNewest(out, this.limit);
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
