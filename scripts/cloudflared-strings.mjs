#!/usr/bin/env node
// Extracts the log messages and error strings cloudflared can print, from its own git history, into
// data/cloudflared-strings.json: for each string, the source files it is in and the release tags it is in
// them. The signature catalog cites these (src/signatures/catalog.ts `source`), and
// test/signatures/sources.test.ts checks every citation against the table, so the catalog can be re-checked
// against a new release: fetch the repository again, run this, and run the test.
//
//   node scripts/cloudflared-strings.mjs GIT_DIR [--from 2020.1.0] [--out data/cloudflared-strings.json]
//
// GIT_DIR is a clone (bare or not) of github.com/cloudflare/cloudflared with its release tags. Only string
// literals are kept (with the call or declaration they appear in), never code: the output holds message
// text and its provenance, nothing else of the source.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Where cloudflared's edge, token/credentials and ingress/origin messages live (and where they lived). */
export const PATHS = [
  'supervisor/', 'connection/', 'edgediscovery/', 'ingress/', 'proxy/', 'origin/', 'orchestration/',
  'cmd/cloudflared/tunnel/', 'cmd/cloudflared/cliutil/', 'cmd/cloudflared/updater/', 'cmd/cloudflared/main.go',
  'cmd/cloudflared/common_service.go',
  'credentials/', 'features/', 'prechecks/', 'quic/', 'h2mux/', 'metrics/', 'tunnelrpc/pogs/', 'tunnelstate/',
  'retry/', 'tlsconfig/', 'management/', 'logger/',
];
/** Vendored quic-go prints two lines operators paste: the UDP buffer hint and the idle timeout. */
const VENDORED = /^vendor\/github\.com\/(?:quic-go|lucas-clemente)\/quic-go\/(?:errors\.go|sys_conn[\w]*\.go|packet_handler_map\.go|transport\.go|internal\/qerr\/errors\.go)$/;

/**
 * Calls whose string arguments are not messages (zerolog field keys, lookups, string helpers); the string
 * arguments of every other call are kept (Msg, Errorf, errors.New, Wrap, newDialError, UsageError, ...).
 */
const NOT_MESSAGE_CALLS = new Set([
  'Str', 'Strs', 'Int', 'Int64', 'Uint8', 'Uint16', 'Uint32', 'Uint64', 'Bool', 'Dur', 'Float64', 'IPAddr', 'Interface',
  'Stringer', 'Time', 'Bytes', 'Hex', 'RawJSON', 'Dict', 'Err', 'AnErr', 'Array', 'Object', 'Caller', 'Fields',
  'Getenv', 'LookupEnv', 'Setenv', 'Contains', 'HasPrefix', 'HasSuffix', 'TrimPrefix', 'TrimSuffix', 'Trim', 'TrimSpace',
  'Split', 'SplitN', 'Join', 'Replace', 'ReplaceAll', 'Index', 'EqualFold', 'Fields', 'Get', 'Set', 'Add', 'Del', 'Values',
  'String', 'Int64Var', 'StringVar', 'IsSet', 'Bool', 'StringSlice', 'Duration', 'Uint', 'Generic', 'Path', 'Parse',
  'ParseRequestURI', 'MustCompile', 'Compile', 'MatchString', 'NewRequest', 'NewRequestWithContext', 'Dial', 'DialContext',
  'Listen', 'ListenPacket', 'ResolveTCPAddr', 'ResolveUDPAddr', 'LookupSRV', 'LookupTXT', 'LookupIP', 'LookupHost',
  'Open', 'OpenFile', 'Create', 'Stat', 'ReadFile', 'WriteFile', 'MkdirAll', 'Remove', 'Chmod', 'Command', 'Sprint',
]);

const isTag = (t) => /^\d{4}\.\d+\.\d+$/.test(t);
const cmpVersion = (a, b) => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

function git(gitDir, args, opts = {}) {
  const r = spawnSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 1 << 30, encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Reads many blobs through one `git cat-file --batch`. */
function readBlobs(gitDir, ids) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const out = new Map();
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file exited ${code}`));
      const buf = Buffer.concat(chunks);
      let pos = 0;
      for (const id of ids) {
        const nl = buf.indexOf(10, pos);
        const header = buf.toString('utf8', pos, nl).split(' ');
        const size = Number(header[2]);
        out.set(id, buf.toString('utf8', nl + 1, nl + 1 + size));
        pos = nl + 1 + size + 1;
      }
      resolve(out);
    });
    child.stdin.end(`${ids.join('\n')}\n`);
  });
}

// ── A small Go lexer: string literals with the call or declaration they appear in ─────────────────────

const isIdent = (c) => /[A-Za-z0-9_]/.test(c);

/** Decodes the body of an interpreted Go string literal (between the quotes). */
function unescapeGo(body) {
  return body.replace(/\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3})|(.))/g, (_, x, u, U, o, c) => {
    if (x) return String.fromCharCode(parseInt(x, 16));
    if (u) return String.fromCharCode(parseInt(u, 16));
    if (U) return String.fromCodePoint(parseInt(U, 16));
    if (o) return String.fromCharCode(parseInt(o, 8));
    return { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' }[c] ?? c;
  });
}

/**
 * Tokens of a Go file, reduced to what the extraction needs: string literals (adjacent ones joined by `+`),
 * identifiers, and punctuation. Comments and rune literals are skipped.
 */
function* tokens(src) {
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      const e = src.indexOf('\n', i);
      i = e === -1 ? n : e;
    } else if (c === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      i = e === -1 ? n : e + 2;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && src[j] !== '"' && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      yield { t: 'str', v: unescapeGo(src.slice(i + 1, j)) };
      i = j + 1;
    } else if (c === '`') {
      const e = src.indexOf('`', i + 1);
      yield { t: 'str', v: src.slice(i + 1, e === -1 ? n : e), raw: true };
      i = e === -1 ? n : e + 1;
    } else if (c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== "'" && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      yield { t: 'rune' };
      i = j + 1;
    } else if (isIdent(c)) {
      let j = i + 1;
      while (j < n && isIdent(src[j])) j++;
      yield { t: 'id', v: src.slice(i, j) };
      i = j;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '\n') {
      yield { t: 'nl' };
      i++;
    } else {
      const two = src.slice(i, i + 2);
      if (two === ':=') {
        yield { t: 'p', v: ':=' };
        i += 2;
      } else {
        yield { t: 'p', v: c };
        i++;
      }
    }
  }
}

/** The message-like string literals of one Go file, each with its kind (the call it is passed to, or `const`). */
export function extractStrings(src) {
  const out = [];
  const toks = [...tokens(src)];
  const stack = []; // per open bracket: the callee identifier before `(`, or null
  let importBlock = false;
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k];
    if (tok.t === 'id' && tok.v === 'import') importBlock = true;
    if (tok.t === 'p' && (tok.v === '(' || tok.v === '{' || tok.v === '[')) {
      let prev = k - 1;
      while (prev >= 0 && toks[prev].t === 'nl') prev--;
      stack.push(tok.v === '(' && toks[prev]?.t === 'id' ? toks[prev].v : null);
      continue;
    }
    if (tok.t === 'p' && (tok.v === ')' || tok.v === '}' || tok.v === ']')) {
      stack.pop();
      if (stack.length === 0) importBlock = false;
      continue;
    }
    if (tok.t !== 'str') continue;
    // Join `"a" + "b"` (across lines) into one string.
    let text = tok.v;
    let end = k;
    for (;;) {
      let j = end + 1;
      while (j < toks.length && toks[j].t === 'nl') j++;
      if (toks[j]?.t !== 'p' || toks[j].v !== '+') break;
      j++;
      while (j < toks.length && toks[j].t === 'nl') j++;
      if (toks[j]?.t !== 'str') break;
      text += toks[j].v;
      end = j;
    }
    let before = k - 1;
    while (before >= 0 && toks[before].t === 'nl') before--;
    const prev = toks[before];
    k = end;
    if (importBlock) continue;
    let kind;
    if (prev?.t === 'p' && (prev.v === '=' || prev.v === ':=')) kind = 'const';
    else if (prev?.t === 'id' && prev.v === 'return') kind = 'return';
    else if (prev?.t === 'p' && prev.v === ':' && stack[stack.length - 1] === null) kind = 'field';
    else if (prev?.t === 'p' && (prev.v === '{' || prev.v === ',') && stack[stack.length - 1] === null) kind = 'element';
    else if (tok.raw && prev?.t === 'id' && stack[stack.length - 1] === null) {
      // A struct tag: keep the JSON names, which cloudflared prints (its /ready answer, say).
      for (const m of text.matchAll(/json:"([A-Za-z][\w]*)/g)) if (m[1].length >= 6) out.push({ text: m[1], kind: 'json' });
      continue;
    } else {
      const top = stack[stack.length - 1];
      if (top && !NOT_MESSAGE_CALLS.has(top)) kind = top;
    }
    if (!kind) continue;
    if (!(kind === 'const' ? isName(text) || isMessage(text) : isMessage(text))) continue;
    out.push({ text, kind });
  }
  return out;
}

/** A log field name or other identifier-like constant cloudflared prints (`originService`). */
function isName(text) {
  return /^[A-Za-z][A-Za-z0-9_-]{5,}$/.test(text);
}

/** Words, not keys or paths: at least 6 characters with a letter, and a space or at least 16 characters. */
function isMessage(text) {
  if (text.length < 6 || text.length > 2000 || !/[A-Za-z]/.test(text)) return false;
  if (/^[\w.-]+\/[\w./-]+$/.test(text)) return false; // an import-like path
  return /\s/.test(text.trim()) || text.length >= 16;
}

// ── Versions as ranges over the ordered tag list ───────────────────────────────────────────────────────

function toRanges(indices, tags) {
  const sorted = [...indices].sort((a, b) => a - b);
  const ranges = [];
  for (const i of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else ranges.push([i, i]);
  }
  return ranges.map(([a, b]) => (a === b ? tags[a] : `${tags[a]}..${tags[b]}`)).join(',');
}

export async function buildTable(gitDir, from = '2020.1.0') {
  const tags = git(gitDir, ['tag', '--list'])
    .split('\n')
    .filter(isTag)
    .filter((t) => cmpVersion(t, from) >= 0)
    .sort(cmpVersion);
  const entries = []; // [tagIndex, path, blob]
  tags.forEach((tag, i) => {
    const listing = git(gitDir, ['ls-tree', '-r', tag, '--', ...PATHS.map((p) => p.replace(/\/$/, '')), 'vendor/github.com']);
    for (const line of listing.split('\n')) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
      if (!m) continue;
      const path = m[2];
      if (!path.endsWith('.go') || path.endsWith('_test.go') || path.includes('/mocks/') || /(^|\/)(testdata|fixtures)\//.test(path)) continue;
      if (path.startsWith('vendor/') ? !VENDORED.test(path) : !PATHS.some((p) => path === p || path.startsWith(p))) continue;
      entries.push([i, path, m[1]]);
    }
  });
  const blobs = await readBlobs(gitDir, [...new Set(entries.map((e) => e[2]))]);
  const parsed = new Map();
  for (const [id, src] of blobs) parsed.set(id, extractStrings(src));
  // text -> { kinds:Set, files: Map<path, Set<tagIndex>> }
  const table = new Map();
  for (const [tagIndex, path, blob] of entries) {
    for (const { text, kind } of parsed.get(blob)) {
      let e = table.get(text);
      if (!e) table.set(text, (e = { kinds: new Set(), files: new Map() }));
      e.kinds.add(kind);
      let set = e.files.get(path);
      if (!set) e.files.set(path, (set = new Set()));
      set.add(tagIndex);
    }
  }
  const strings = [...table.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([text, e]) => ({
      s: text,
      k: [...e.kinds].sort(),
      in: Object.fromEntries([...e.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, set]) => [p, toRanges(set, tags)])),
    }));
  return { tags, strings };
}

async function main() {
  const args = process.argv.slice(2);
  const gitDir = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--from' && args[args.indexOf(a) - 1] !== '--out');
  const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
  if (!gitDir) {
    console.error('usage: node scripts/cloudflared-strings.mjs GIT_DIR [--from 2020.1.0] [--out data/cloudflared-strings.json]');
    process.exit(2);
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = opt('--out', join(root, 'data', 'cloudflared-strings.json'));
  const { tags, strings } = await buildTable(gitDir, opt('--from', '2020.1.0'));
  const head = {
    about: 'Message and error strings of cloudflared (github.com/cloudflare/cloudflared, Apache-2.0), extracted by scripts/cloudflared-strings.mjs: for each string, the files and release tags it appears in. Strings only, no code.',
    repository: 'https://github.com/cloudflare/cloudflared',
    paths: PATHS,
    tags,
  };
  // One string per line: readable diffs when a new release is added.
  const body = strings.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  const text = `${JSON.stringify(head, null, 2).replace(/\n}$/, '')},\n  "strings": [\n${body}\n  ]\n}\n`;
  writeFileSync(out, text);
  console.log(`${strings.length} strings from ${tags.length} tags (${tags[0]}..${tags[tags.length - 1]}) -> ${out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
