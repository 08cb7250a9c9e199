// The two bits of Compose's own parsing that decide what a container gets: `.env` / `env_file` files
// (KEY=VALUE, `export`, comments, single quotes literal, double quotes with escapes, a matching pair of
// quotes removed) and `${VAR}` interpolation in the Compose file. Pure; the shell's variables win over .env.
export interface DotenvEntry {
  value: string;
  line: number;
  /** The value was in matching quotes, which Compose removed. */
  quoted?: '"' | "'";
  /** It opens a quote that nothing closes: Compose v1 skips the line (measured, 1.29), v2 refuses the file. */
  unterminated?: true;
}

export function parseDotenv(text: string): Map<string, DotenvEntry> {
  const out = new Map<string, DotenvEntry>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!m) continue;
    const key = m[1]!;
    let rest = m[2]!;
    const line = i + 1;
    const q = rest[0];
    if (q === '"' || q === "'") {
      // A quoted value may run over several lines; find the closing quote (not escaped, for double quotes).
      let body = rest.slice(1);
      let j = i;
      let close = findClose(body, q);
      while (close < 0 && j + 1 < lines.length) {
        j++;
        body += `\n${lines[j]!.replace(/\r$/, '')}`;
        close = findClose(body, q);
      }
      if (close < 0) {
        out.set(key, { value: rest, line, unterminated: true });
        continue;
      }
      i = j;
      const inner = body.slice(0, close);
      out.set(key, { value: q === '"' ? inner.replace(/\\([nrt"\\$])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c] ?? c) : inner, line, quoted: q });
      continue;
    }
    rest = rest.replace(/\s+#.*$/, '').trimEnd();
    out.set(key, { value: rest, line });
  }
  return out;
}

function findClose(body: string, q: string): number {
  for (let k = 0; k < body.length; k++) {
    if (q === '"' && body[k] === '\\') {
      k++;
      continue;
    }
    if (body[k] === q) return k;
  }
  return -1;
}

export interface Interpolated {
  value: string;
  /** Variables the value took from the environment (shell or .env). */
  used: string[];
  /** Variables it referred to that were unset (Compose warns and uses ""). */
  unset: string[];
  /** Every variable it referred to. */
  refs: string[];
}

/** Compose interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`, `${VAR:+a}`, `${VAR+a}`. */
export function interpolate(text: string, lookup: (name: string) => string | undefined): Interpolated {
  const used: string[] = [];
  const unset: string[] = [];
  const refs: string[] = [];
  const value = text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (m === '$$') return '$';
    const name = (braced ?? bare)!;
    refs.push(name);
    const v = lookup(name);
    const emptyCounts = op?.startsWith(':') ?? false;
    const isSet = v !== undefined && (!emptyCounts || v !== '');
    switch (op?.replace(':', '')) {
      case '-':
        if (isSet) used.push(name);
        return isSet ? v! : (arg ?? '');
      case '+':
        return isSet ? (arg ?? '') : '';
      case '?':
      default:
        if (v === undefined) unset.push(name);
        else used.push(name);
        return v ?? '';
    }
  });
  return { value, used, unset, refs };
}
