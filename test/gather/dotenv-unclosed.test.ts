// An opening quote never closed in .env: real Compose v1 (1.29, test/docker/dotenv-compose.test.ts) skips the
// line and passes cloudflared no token; v2 refuses the file. The product says so, and env-token-unquote
// takes the lone quote off that line only, keeping the lines after it.
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/gather/dotenv.js';
import { locateTunnelToken } from '../../src/gather/token.js';
import { cleanToken, maskToken, unquoteToken } from '../../src/fixes/env-token-unquote.js';
import { analyze } from '../../src/analyze/index.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';
import { FAKE_TOKEN } from '../helpers/token.js';

const UNCLOSED = `TUNNEL_TOKEN="${FAKE_TOKEN}\nCOMPOSE_PROJECT_NAME=tunnel\nLOG_LEVEL=info\n`;

describe('an unclosed quote around TUNNEL_TOKEN in .env', () => {
  it('is read as unclosed, without swallowing the lines after it', () => {
    const env = parseDotenv(UNCLOSED);
    expect(env.get('TUNNEL_TOKEN')).toMatchObject({ line: 1, unterminated: true });
    expect(env.get('COMPOSE_PROJECT_NAME')?.value).toBe('tunnel');
  });

  it('is judged unclosed-quote, the finding says what Compose does with it and offers env-token-unquote', () => {
    const token = locateTunnelToken({ composePath: 'docker-compose.yaml', composeText: DOCUMENTED_COMPOSE, dotenv: { path: '.env', text: UNCLOSED }, envFiles: {}, env: {} })!;
    expect(token).toMatchObject({ present: true, problem: 'unclosed-quote', file: '.env', line: 1, detail: 'an opening double quote that is never closed' });
    const s = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), '.env': { text: maskToken(UNCLOSED), redacted: true } }, state: { token } });
    const f = analyze(s).findings.find((x) => x.id === 'edge.token-malformed')!;
    expect(f.detail).toBe('The token opens a quote that is never closed (.env:1: an opening double quote that is never closed): Compose v1 skips the line, so cloudflared starts without a token, and Compose v2 refuses the file.');
    expect(f.fixes.map((x) => x.id)).toEqual(['env-token-unquote', 'export-tunnel-token']);
  });

  it('env-token-unquote rewrites that line alone, and its diff shows no other line changed', () => {
    expect(unquoteToken(UNCLOSED, true)).toBe(`TUNNEL_TOKEN=${FAKE_TOKEN}\nCOMPOSE_PROJECT_NAME=tunnel\nLOG_LEVEL=info\n`);
    expect(maskToken(UNCLOSED)).toBe('TUNNEL_TOKEN="[REDACTED]\nCOMPOSE_PROJECT_NAME=tunnel\nLOG_LEVEL=info\n');
    expect(cleanToken(`'${FAKE_TOKEN}`)).toBe(FAKE_TOKEN);
    expect(cleanToken(`${FAKE_TOKEN}”`)).toBe(FAKE_TOKEN);
  });
});
