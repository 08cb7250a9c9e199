// `helm upgrade` needs a chart reference, and `helm status` names the chart without saying where it came
// from. A local copy beside the values file (the folder itself, or mcp-tunnel/, chart/, charts/mcp-tunnel/)
// is one the operator already has; anything else must be given with --chart.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';

const CANDIDATES = ['.', 'mcp-tunnel', 'chart', 'charts/mcp-tunnel'];

/** Absolute folder of a local `mcp-tunnel` chart near the values file, or undefined. */
export async function findLocalChart(dir: string, valuesPath: string | undefined): Promise<string | undefined> {
  const base = valuesPath ? dirname(isAbsolute(valuesPath) ? valuesPath : join(dir, valuesPath)) : dir;
  for (const sub of CANDIDATES) {
    const folder = join(base, sub);
    const text = await readFile(join(folder, 'Chart.yaml'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const name = parseDocument(text).get('name');
    if (name === 'mcp-tunnel') return folder;
  }
  return undefined;
}
