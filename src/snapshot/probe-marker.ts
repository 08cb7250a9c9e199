// How this tool's own traffic is recognised. The listener probe puts this word in the Host it asks for
// (`mcp-tunnel-triage-probe.<tunnel domain>`, a name no route has), in its User-Agent and in a header of its
// own, so a line the proxy logs about it carries the word, and analysis leaves such lines out: a probe must
// never leave evidence that a later run reads as a fault.
export const PROBE_MARKER = 'mcp-tunnel-triage-probe';

/** The Host the probe asks for: under the domain the proxy strips (so it is routed by name, and misses), or `.invalid`. */
export function probeHost(domain: string | undefined): string {
  return `${PROBE_MARKER}.${domain ?? 'invalid'}`;
}
