import { describe, expect, it } from 'vitest';
import { inspectTunnelToken } from '../../src/snapshot/tunnel-token.js';
import { locateTunnelToken } from '../../src/gather/token.js';
import { interpolate, parseDotenv } from '../../src/gather/dotenv.js';
import { DOCUMENTED_COMPOSE } from '../helpers/snapshot.js';
import { FAKE_TOKEN } from '../helpers/token.js';


describe('inspectTunnelToken', () => {
  it('accepts a token that decodes to {"a","t","s"}', () => {
    expect(inspectTunnelToken(FAKE_TOKEN)).toEqual({});
  });

  it('names quotes, curly quotes, whitespace, truncation and a lost padding', () => {
    expect(inspectTunnelToken(`"${FAKE_TOKEN}"`)).toMatchObject({ problem: 'quoted', detail: 'double quotes around it that reach cloudflared as part of the value' });
    expect(inspectTunnelToken(`\u201c${FAKE_TOKEN}\u201d`)).toMatchObject({ problem: 'quoted', detail: expect.stringContaining('curly quotes') });
    expect(inspectTunnelToken(`${FAKE_TOKEN}\n`)).toMatchObject({ problem: 'whitespace', detail: 'a line break at the end' });
    expect(inspectTunnelToken(` ${FAKE_TOKEN}`)).toMatchObject({ problem: 'whitespace', detail: 'a space at the start' });
    expect(inspectTunnelToken(`${FAKE_TOKEN.slice(0, 40)}\n${FAKE_TOKEN.slice(40)}`)).toMatchObject({ problem: 'whitespace', detail: expect.stringContaining('line break in the middle') });
    expect(inspectTunnelToken(FAKE_TOKEN.slice(0, 60))).toMatchObject({ problem: 'truncated', detail: expect.stringContaining('stops before the closing brace') });
    const padded = Buffer.from('{"a":"xy","t":"6ff42ae2-765d-4adf-8112-31c55c1551ef","s":"QUJD"}').toString('base64');
    expect(padded.endsWith('=')).toBe(true);
    expect(inspectTunnelToken(padded.replace(/=+$/, ''))).toMatchObject({ problem: 'truncated', detail: expect.stringContaining('padding') });
  });

  it('names a JWT, URL-safe base64, non-JSON and missing or malformed fields, never echoing the value', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    expect(inspectTunnelToken(jwt)).toMatchObject({ problem: 'not-base64', detail: expect.stringContaining('JWT') });
    expect(inspectTunnelToken('ab-_cd')).toMatchObject({ problem: 'not-base64', detail: expect.stringContaining('URL-safe') });
    expect(inspectTunnelToken(Buffer.from('hello world!').toString('base64'))).toMatchObject({ problem: 'not-json' });
    expect(inspectTunnelToken(Buffer.from('{"a":"x","t":"6ff42ae2-765d-4adf-8112-31c55c1551ef"}').toString('base64'))).toMatchObject({ problem: 'missing-fields', detail: 'its JSON lacks "s" (a tunnel token has "a", "t" and "s")' });
    expect(inspectTunnelToken(Buffer.from('{"a":"x","t":"nope","s":"QUJD"}').toString('base64'))).toMatchObject({ problem: 'bad-fields', detail: 'its "t" is not a tunnel UUID' });
    expect(inspectTunnelToken('   ')).toMatchObject({ problem: 'empty' });
    for (const bad of [`"${FAKE_TOKEN}"`, FAKE_TOKEN.slice(0, 60), `${FAKE_TOKEN} `]) expect(JSON.stringify(inspectTunnelToken(bad))).not.toContain(FAKE_TOKEN.slice(0, 20));
  });
});

describe('.env and interpolation the way Compose reads them', () => {
  it('removes one pair of matching quotes, keeps the rest, and knows lines', () => {
    const env = parseDotenv('# comment\nexport A="x y" # trailing\nB=\'$NOT\'\nC=plain value  # c\nD=\u201cq\u201d\nE="unterminated\n');
    expect(env.get('A')).toEqual({ value: 'x y', line: 2, quoted: '"' });
    expect(env.get('B')).toEqual({ value: '$NOT', line: 3, quoted: "'" });
    expect(env.get('C')).toEqual({ value: 'plain value', line: 4 });
    expect(env.get('D')?.value).toBe('\u201cq\u201d');
    expect(env.get('E')?.value).toBe('"unterminated');
  });

  it('interpolates ${VAR}, ${VAR:-default}, $$ and reports unset variables', () => {
    const lookup = (n: string) => ({ SET: 'v', EMPTY: '' } as Record<string, string>)[n];
    expect(interpolate('${SET}-$SET-$$SET', lookup)).toMatchObject({ value: 'v-v-$SET', used: ['SET', 'SET'] });
    expect(interpolate('${UNSET:-d}|${EMPTY:-d}|${EMPTY-d}', lookup).value).toBe('d|d|');
    expect(interpolate('${TUNNEL_TOKEN}', lookup)).toEqual({ value: '', used: [], unset: ['TUNNEL_TOKEN'], refs: ['TUNNEL_TOKEN'] });
  });
});

describe('locateTunnelToken', () => {
  const compose = (cloudflared: string) => `services:\n  mcp-proxy:\n    image: mcp-proxy\n  cloudflared:\n    image: cloudflare/cloudflared\n${cloudflared}`;
  const at = (text: string, opts: { dotenv?: string; env?: Record<string, string>; envFiles?: Record<string, string> } = {}) =>
    locateTunnelToken({ composePath: 'docker-compose.yaml', composeText: text, ...(opts.dotenv !== undefined ? { dotenv: { path: '.env', text: opts.dotenv } } : {}), envFiles: opts.envFiles ?? {}, env: opts.env ?? {} });

  it('documented compose, nothing set anywhere: missing, from the shell, saying where it looked', () => {
    const t = at(DOCUMENTED_COMPOSE);
    expect(t).toMatchObject({ present: false, fromShell: true, line: 16, source: 'docker-compose.yaml: `- TUNNEL_TOKEN` with no value' });
    expect(t!.lookedIn).toEqual(['docker-compose.yaml (cloudflared command and environment)', '.env (absent)', "this shell's environment"]);
  });

  it('documented compose with the token exported in the shell: fine, and marked as from the shell', () => {
    expect(at(DOCUMENTED_COMPOSE, { env: { TUNNEL_TOKEN: FAKE_TOKEN } })).toMatchObject({ present: true, fromShell: true, source: expect.stringContaining("this shell's environment") });
  });

  it('.env supplies a pass-through variable; Compose strips straight quotes there but not curly ones', () => {
    expect(at(DOCUMENTED_COMPOSE, { dotenv: `TUNNEL_TOKEN="${FAKE_TOKEN}"\n` })).toMatchObject({ present: true, file: '.env', line: 1 });
    expect(at(DOCUMENTED_COMPOSE, { dotenv: `\nTUNNEL_TOKEN=\u201c${FAKE_TOKEN}\u201d\n` })).toMatchObject({ present: true, problem: 'quoted', file: '.env', line: 2 });
    expect(at(DOCUMENTED_COMPOSE, { dotenv: `TUNNEL_TOKEN="${FAKE_TOKEN} "\n` })).toMatchObject({ problem: 'whitespace' });
    // the shell wins over .env
    expect(at(DOCUMENTED_COMPOSE, { dotenv: 'TUNNEL_TOKEN=broken\n', env: { TUNNEL_TOKEN: FAKE_TOKEN } })).toMatchObject({ present: true, fromShell: true });
    expect(at(DOCUMENTED_COMPOSE, { dotenv: 'TUNNEL_TOKEN=broken\n', env: { TUNNEL_TOKEN: FAKE_TOKEN } })!.problem).toBeUndefined();
  });

  it('a list entry keeps its quotes literally; a map entry is YAML-unquoted', () => {
    expect(at(compose(`    environment:\n      - TUNNEL_TOKEN="${FAKE_TOKEN}"\n`))).toMatchObject({ problem: 'quoted', line: 7 });
    expect(at(compose(`    environment:\n      TUNNEL_TOKEN: "${FAKE_TOKEN}"\n`))).toMatchObject({ present: true, line: 7 });
    expect(at(compose(`    environment:\n      TUNNEL_TOKEN: "${FAKE_TOKEN}"\n`))!.problem).toBeUndefined();
    expect(at(compose('    environment:\n      TUNNEL_TOKEN:\n'))).toMatchObject({ present: false, fromShell: true });
  });

  it('follows ${TUNNEL_TOKEN} and ${TUNNEL_TOKEN:-}: empty when unset, the shell value when set', () => {
    expect(at(compose('    environment:\n      TUNNEL_TOKEN: ${TUNNEL_TOKEN:-}\n'))).toMatchObject({ present: false, problem: 'empty', fromShell: true });
    expect(at(compose('    environment:\n      - TUNNEL_TOKEN=${TUNNEL_TOKEN}\n'))).toMatchObject({ present: false, problem: 'empty' });
    expect(at(compose('    environment:\n      - TUNNEL_TOKEN=${TUNNEL_TOKEN}\n'), { dotenv: `TUNNEL_TOKEN=${FAKE_TOKEN.slice(0, 50)}\n` })).toMatchObject({ present: true, problem: 'truncated', file: '.env' });
  });

  it('reads --token in the command and env_file files', () => {
    expect(at(compose(`    command: tunnel run --token ${FAKE_TOKEN}\n`))).toMatchObject({ present: true, source: expect.stringContaining('--token') });
    expect(at(compose('    env_file: [cloudflared.env]\n'), { envFiles: { 'cloudflared.env': `TUNNEL_TOKEN='${FAKE_TOKEN}'\n` } })).toMatchObject({ present: true, file: 'cloudflared.env', line: 1 });
    expect(at(compose('    env_file:\n      - path: ./cf.env\n'), { envFiles: { './cf.env': 'OTHER=1\n' } })).toMatchObject({ present: false, lookedIn: expect.arrayContaining(['./cf.env']) });
  });

  it('keeps no value anywhere in what it returns', () => {
    for (const t of [at(DOCUMENTED_COMPOSE, { env: { TUNNEL_TOKEN: `"${FAKE_TOKEN}"` } }), at(compose(`    command: tunnel run --token ${FAKE_TOKEN}\n`))]) {
      expect(JSON.stringify(t)).not.toContain(FAKE_TOKEN.slice(4, 30));
    }
  });

  it('is undefined without a cloudflared service', () => {
    expect(at('services:\n  web:\n    image: nginx\n')).toBeUndefined();
  });
});
