// Go-style durations as docker and kubectl take them (30s, 10m, 1h30m), in ms: `--for` and `--since`.
export function durationMs(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  const unit: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let used = 0;
  for (let m: RegExpExecArray | null; (m = re.exec(text)); ) {
    total += Number(m[1]) * unit[m[2]!]!;
    used += m[0].length;
  }
  return used === text.length && used > 0 ? total : undefined;
}
