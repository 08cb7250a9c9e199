// `--json`: SPEC section 4's shape, and nothing else on stdout. Every string is printable: a consumer that
// prints a field (`jq -r`) must not hand a terminal a control code from outside (a path, a tool's words).
import type { Report } from '../analyze/types.js';
import { printable } from '../snapshot/printable.js';

const printableValues = (_key: string, value: unknown) => (typeof value === 'string' ? printable(value) : value);

export function jsonReport(report: Report): string {
  const out = {
    version: report.version,
    tool: report.tool,
    createdAt: report.createdAt,
    ...(report.demo ? { demo: true } : {}),
    deployment: report.deployment,
    ...(report.symptom ? { symptom: report.symptom } : {}),
    notes: report.notes,
    ...(report.blocked ? { blocked: report.blocked } : {}),
    ...(report.unseen?.length ? { unseen: report.unseen } : {}),
    summary: report.summary,
    findings: report.findings,
    checks: report.checks,
  };
  return `${JSON.stringify(out, printableValues, 2)}\n`;
}
