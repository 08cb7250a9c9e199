// `--json`: SPEC section 4's shape, and nothing else on stdout.
import type { Report } from '../analyze/types.js';

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
  return `${JSON.stringify(out, null, 2)}\n`;
}
