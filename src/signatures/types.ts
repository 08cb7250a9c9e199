// The shapes of the log signature catalog and of what the matcher produces. Signatures are data
// (STYLE: signatures beside their fixtures); checks read their matches through the log index.
import type { FindingId } from '../analyze/catalog.js';
import type { Severity } from '../analyze/types.js';
import type { LogSource } from '../snapshot/types.js';

export type SignatureSource = LogSource | 'any';

/**
 * How a check reads a signature: `line` (one line proves it), `count` (how often matters: per request,
 * per connection), `sequence` (only with what came before and after it: a fallback, a recovery).
 */
export type Evaluation = 'line' | 'count' | 'sequence';

export interface Signature {
  /** Stable, `<source>.<what>`; the fixture file test/signatures/<id>.log holds its matches and near-misses. */
  id: string;
  /** The log it applies to; a line whose prefix names another service is not matched by it. */
  source: SignatureSource;
  /** The finding it supports. Markers (a start, a registration used as a recovery) may have none. */
  finding?: FindingId;
  /** The catalog variant a check uses for it. */
  variant?: string;
  /** What one matching line means on its own (`scan` exits 1 on an `error` one). */
  severity: Severity;
  evaluation: Evaluation;
  /**
   * Literal strings, one of which every matching line contains: the prefilter looks for these in raw bytes
   * before any regex runs. ASCII without quotes, backslashes or <>& (JSON and slog escape those), >= 10 bytes.
   */
  literals: readonly string[];
  /** Tested against the normalised text: the message and its fields, formats and prefixes seen through. */
  pattern: RegExp;
  /**
   * Run only when captures are read (checks read them, `scan` does not), for the named groups a cheap
   * `pattern` leaves out: lazy and look-ahead parts cost microseconds per line. Defaults to `pattern`.
   */
  capture?: RegExp;
  /** Named captures it yields: the pattern's named groups, and fields of structured lines (below). */
  captures: readonly string[];
  /** Capture name -> field names to take it from (key=value or JSON); a field wins over a pattern group. */
  fields?: Readonly<Record<string, readonly string[]>>;
  /** Signature ids whose later appearance (same log, same pod or container) means this one has recovered. */
  recoveredBy?: readonly string[];
  /** A few words for `scan` and for people reading the catalog. */
  description: string;
  /**
   * Where the wording comes from: cloudflared's source (file and release tags, checked against
   * data/cloudflared-strings.json by test/signatures/sources.test.ts), or the guide / deployment facts.
   */
  cites: readonly Citation[];
  /**
   * Set when the line is known and knowingly not a finding (noise in this deployment, or context around a
   * failure another signature already names): why. `scan` counts these apart.
   */
  ignored?: string;
}

/** Where a signature's wording comes from. */
export type Citation =
  /** `text` is in (a string of) cloudflared's `file` in every release tag of `versions` (`A..B`). */
  | { from: 'cloudflared'; file: string; versions: string; text: string }
  /** The troubleshooting guide or the deployment facts quote `text` (the proxy's and setup's wording). */
  | { from: 'guide' | 'facts'; text: string }
  /** Said by the tunnel edge, not by cloudflared's code: where it was seen printed. */
  | { from: 'edge'; text: string; seen: string }
  /**
   * Our own test stand-in's wording, where the real program's is not public (the proxy's per-request line):
   * `why` says so, and the README's table shows it.
   */
  | { from: 'stand-in'; text: string; why: string };

export type Level = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One log record: a physical line, or a Go multi-line error joined to its header. */
export interface LogRecord {
  /** 1-based line number of its first physical line. */
  line: number;
  /** How many physical lines it spans. */
  span: number;
  /** When it was logged, as the line says (ISO-like), if it says. */
  time?: string;
  /**
   * When the container runtime took the line (`docker logs -t`, `kubectl logs --timestamps`), at full
   * precision: what places the line in a run of its container (the program's own time may be in seconds).
   */
  stamp?: string;
  level?: Level;
  /** The pod (kubectl --prefix) or container (docker compose logs) that printed it. */
  origin?: string;
  /** The service its prefix names, when it names one. */
  source?: LogSource;
  /** Message and fields, formats seen through: what patterns are tested against. */
  text: string;
  /** The line as its program printed it (transport prefixes removed): what evidence shows. */
  display: string;
  /** key=value and JSON fields, unquoted. */
  fields: Record<string, string>;
}

export interface SignatureMatch {
  signature: Signature;
  captures: Record<string, string>;
}
