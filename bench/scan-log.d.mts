// Types for scan-log.mjs (the mixed log the scan benchmarks generate), for the TypeScript benches.
/** Writes about `bytes` bytes of mixed cloudflared / mcp-proxy log to `path`; `density` of the lines hold a known failure (none when omitted). */
export function writeMixedLog(path: string, bytes: number, density?: number): void;
/** One line of `bytes` bytes (a signature at its start), then a newline. */
export function writeSingleLine(path: string, bytes: number): void;
