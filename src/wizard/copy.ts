// `(c)` on a finding: its fixes as a shell script a person can paste, for a manual run. Edits become
// `patch -p1` here-documents (the plan's diffs have a/ and b/ prefixes), run from the project folder.
import type { Finding } from '../analyze/types.js';
import { shellQuote } from '../fixes/describe.js';
import { fixKeys } from './fix-keys.js';
import { redact } from '../snapshot/redact.js';
import { printable } from '../snapshot/printable.js';

const DELIMITER = 'MCP_TUNNEL_TRIAGE_PATCH';

/** The script, redacted once more as a whole: what reaches the clipboard leaves this tool. */
export function copyText(finding: Finding, dir: string | undefined): string {
  return printable(redact(scriptOf(finding, dir)));
}

function scriptOf(finding: Finding, dir: string | undefined): string {
  const keys = fixKeys(finding.fixes);
  const blocks = finding.fixes.map((fix, i) => {
    const lines = [`# (${keys[i]}) ${fix.title}${fix.destructive ? ' [destructive]' : ''}`];
    if (fix.diff) lines.push(`patch -p1 <<'${DELIMITER}'`, fix.diff, DELIMITER);
    for (const cmd of fix.commands ?? []) lines.push(cmd);
    for (const step of fix.steps ?? []) lines.push(`# by hand: ${step.replace(/\n/g, ' ')}`);
    return lines.join('\n');
  });
  if (blocks.length === 0) return `# ${finding.title}\n# no fix to run for this finding; see its detail\n`;
  const head = [`# ${finding.id}: ${finding.title}`];
  if (dir && finding.fixes.some((f) => f.diff || f.commands?.length)) head.push(`cd ${shellQuote(dir)}`);
  return `${head.join('\n')}\n${blocks.join('\n# --- or ---\n')}\n`;
}
