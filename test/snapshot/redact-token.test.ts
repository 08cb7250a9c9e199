import { describe, expect, it } from 'vitest';
import { redact } from '../../src/snapshot/redact.js';

const T = Buffer.from(JSON.stringify({ a: '0123456789abcdef0123456789abcdef', t: '6ff42ae2-765d-4adf-8112-31c55c1551ef', s: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=' })).toString('base64');
const MID = T.slice(30, 60);

describe('redact: TUNNEL_TOKEN however it was written', () => {
  it.each([
    [`TUNNEL_TOKEN=${T}`, 'TUNNEL_TOKEN=[REDACTED]'],
    [`TUNNEL_TOKEN="${T}"`, 'TUNNEL_TOKEN="[REDACTED]"'],
    [`TUNNEL_TOKEN='${T}' # pasted`, "TUNNEL_TOKEN='[REDACTED]' # pasted"],
    [`TUNNEL_TOKEN=\u201c${T}\u201d`, 'TUNNEL_TOKEN=\u201c[REDACTED]\u201d'],
    [`TUNNEL_TOKEN="${T.slice(0, 40)} ${T.slice(40)}"`, 'TUNNEL_TOKEN="[REDACTED]"'],
    [`TUNNEL_TOKEN="${T}`, 'TUNNEL_TOKEN="[REDACTED]'],
    [`  - TUNNEL_TOKEN=${T}`, '  - TUNNEL_TOKEN=[REDACTED]'],
    [`      TUNNEL_TOKEN: "${T}"`, '      TUNNEL_TOKEN: "[REDACTED]"'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
    expect(redact(input)).not.toContain(MID);
  });

  it('leaves references, pass-through entries and metadata alone', () => {
    for (const text of ['TUNNEL_TOKEN=${TUNNEL_TOKEN}', '      TUNNEL_TOKEN: "${TUNNEL_TOKEN:-}"', '    environment:\n      - TUNNEL_TOKEN\n    depends_on: [mcp-proxy]', '{"data/tunnel-token": {"withheld": true}}']) {
      expect(redact(text)).toBe(text);
    }
  });
});
