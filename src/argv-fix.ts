// The `fix` flags (--yes, --dry-run, --chart) into TriageOptions, checked here so a bad value is a one-line
// usage error before anything runs.
import { UsageError } from './errors.js';
import type { TriageOptions } from './options.js';

const BIN = 'mcp-tunnel-triage';

type Str = (name: string) => string | undefined;

export function fixOptions(values: Record<string, string | boolean | undefined>, str: Str): Partial<TriageOptions> {
  const out: Partial<TriageOptions> = {};
  if (values.yes === true) out.yes = true;
  if (values['dry-run'] === true) out.dryRun = true;
  if (out.yes && out.dryRun) throw new UsageError(`--yes and --dry-run contradict each other: --dry-run changes nothing; see ${BIN} fix --help`);
  const chart = str('chart');
  if (chart !== undefined) {
    // It becomes an argument of `helm upgrade`: never something helm would read as a flag.
    if (chart.startsWith('-') || /\s/.test(chart)) throw new UsageError(`--chart ${chart} is not a chart reference (repo/chart, oci://..., or a folder); see ${BIN} --help`);
    out.chart = chart;
  }
  return out;
}
