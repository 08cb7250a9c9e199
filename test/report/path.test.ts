import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Check, Finding, Report } from '../../src/analyze/types.js';
import { analyze } from '../../src/analyze/index.js';
import { pathLayout, pathLines, pathModel, lineText } from '../../src/report/path.js';
import { textReport } from '../../src/report/text.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';

const PLAIN_UNICODE = { color: false, unicode: true };
const PLAIN_ASCII = { color: false, unicode: false };

function finding(id: Finding['id'], severity: Finding['severity'], title: string, data?: Record<string, unknown>): Finding {
  const layer = id.split('.')[0] as Finding['layer'];
  return { id, severity, layer, title, detail: '', evidence: [], fixes: [], ...(data ? { data } : {}) };
}

function report(over: Partial<Report>): Report {
  return {
    version: 1, tool: { name: 't', version: '0' }, createdAt: '', origin: 'live', deployment: { kind: 'compose', how: '', paths: {} },
    notes: [], findings: [], checks: [], summary: { error: 0, warning: 0, info: 0, ok: 0 }, ...over,
  };
}

const CHECKS: Check[] = [
  { id: 'c.edge', layer: 'edge', title: '', needs: ['always'], emits: ['edge.token-missing', 'edge.connected'], run: () => [] },
  { id: 'c.ingress', layer: 'edge', title: '', needs: ['always'], emits: ['edge.no-ingress'], run: () => [] },
  { id: 'c.tls', layer: 'tls', title: '', needs: ['always'], emits: ['tls.key-unreadable'], run: () => [] },
  { id: 'c.routes', layer: 'routing', title: '', needs: ['always'], emits: ['routing.allowed-ips-dropped-defaults'], run: () => [] },
];

describe('the drawn path: hops from findings', () => {
  it('marks a hop failing from its error finding, ok when its checks ran clean, unknown when nothing looked at it', () => {
    const r = report({
      routes: [{ name: 'mcp', url: 'http://10.0.0.5:8080' }, { name: 'wiki', url: 'http://192.168.1.7:80' }],
      findings: [
        finding('edge.no-ingress', 'error', 'cloudflared has no local target'),
        finding('routing.allowed-ips-dropped-defaults', 'error', 'allowed_ips leaves out 192.168.0.0/16', { route: 'wiki' }),
      ],
      checks: [
        { id: 'c.edge', layer: 'edge', status: 'ok', ms: 0 },
        { id: 'c.ingress', layer: 'edge', status: 'problem', ms: 0 },
        { id: 'c.tls', layer: 'tls', status: 'skipped', ms: 0 },
        { id: 'c.routes', layer: 'routing', status: 'problem', ms: 0 },
      ],
    });
    const m = pathModel(r, CHECKS);
    const status = Object.fromEntries(m.hops.map((h) => [h.key, h.status]));
    expect(status).toEqual({ claude: 'unknown', edge: 'ok', cloudflared: 'failing', proxy: 'unknown', 'route:mcp': 'ok', 'route:wiki': 'failing' });
    expect(m.hops.find((h) => h.key === 'cloudflared')?.failing.map((f) => f.title)).toEqual(['cloudflared has no local target']);
  });

  it('names the failing finding under its own box, and a route-specific one with the route', () => {
    const r = report({
      routes: [{ name: 'mcp', url: '' }, { name: 'wiki', url: '' }],
      findings: [
        finding('tls.key-unreadable', 'error', 'The proxy cannot read its TLS key'),
        finding('routing.allowed-ips-dropped-defaults', 'error', 'allowed_ips leaves out 192.168.0.0/16', { route: 'wiki' }),
      ],
    });
    const lines = pathLayout(pathModel(r, CHECKS), 120, true).map((l) => lineText(l));
    const mid = lines[1]!;
    const proxyBox = [mid.indexOf('│ ✗ mcp-proxy'), mid.indexOf('│', mid.indexOf('│ ✗ mcp-proxy') + 1)];
    const tlsLine = lines.find((l) => l.includes('cannot read its TLS key'))!;
    const corner = Math.max(tlsLine.indexOf('└'), tlsLine.indexOf('┘'));
    expect(corner).toBeGreaterThan(proxyBox[0]!);
    expect(corner).toBeLessThan(proxyBox[1]!);
    expect(lines.some((l) => l.includes('wiki: allowed_ips leaves out 192.168.0.0/16'))).toBe(true);
    expect(lines.filter((l) => l.includes('TLS key'))).toHaveLength(1);
    // A second failure on the same hop is counted, and the count survives cutting the title to fit.
    const two = report({ findings: [finding('tls.key-unreadable', 'error', `The proxy cannot read its TLS key ${'x'.repeat(80)}`), finding('tls.san-mismatch', 'error', 'No SAN matches')] });
    const drawn = pathLines(two, PLAIN_UNICODE, 80).join('\n');
    expect(drawn).toMatch(/The proxy cannot read its TLS key x+… \(\+1 more\)/);
  });

  it('puts a finding about the whole routing table under the routes once, and a container finding on its hop', () => {
    const r = report({
      routes: [{ name: 'a', url: '' }, { name: 'b', url: '' }],
      findings: [finding('routing.routes-is-list', 'error', '`routes` is a YAML list'), finding('runtime.container-down', 'error', 'cloudflared is exited', { service: 'cloudflared' })],
    });
    const m = pathModel(r, CHECKS);
    expect(m.routes.every((h) => h.status === 'failing')).toBe(true);
    expect(m.hops.find((h) => h.key === 'cloudflared')?.status).toBe('failing');
    const text = pathLines(r, PLAIN_UNICODE, 80).join('\n');
    expect(text.match(/YAML list/g)).toHaveLength(1);
  });

  it('fits any width from 40 columns, degrades to ASCII, and summarises many routes', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 0, maxLength: 30 }),
        fc.array(fc.tuple(fc.constantFrom('edge.token-missing', 'edge.no-ingress', 'tls.key-unreadable', 'routing.routes-is-list', 'routing.ip-not-private', 'setup.forbidden') as fc.Arbitrary<Finding['id']>, fc.string({ minLength: 1, maxLength: 140 }), fc.integer({ min: 0, max: 30 })), { maxLength: 8 }),
        fc.integer({ min: 40, max: 200 }),
        fc.boolean(),
        (routes, fs, width, unicode) => {
          const r = report({
            routes: routes.map((n) => ({ name: n, url: '' })),
            findings: fs.map(([id, title, i]) => finding(id, 'error', title.replace(/\s/g, ' '), { route: routes[i] })),
          });
          const lines = pathLines(r, { color: false, unicode }, width);
          for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
          if (!unicode) for (const line of lines) expect(line).toMatch(/^[\x20-\x7e]*$/);
        },
      ),
      { numRuns: 300 },
    );
    const many = report({ routes: Array.from({ length: 12 }, (_, i) => ({ name: `upstream-number-${i}`, url: '' })), findings: [finding('routing.ip-not-private', 'error', 'outside', { route: 'upstream-number-3' })] });
    expect(pathLines(many, PLAIN_UNICODE, 80).join('\n')).toMatch(/✗ 1\/12 routes/);
  });

  it('paints only with colour on, and stands right after the header in the text report', () => {
    const s = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n') } });
    const r = analyze(s);
    expect(pathLines(r, PLAIN_UNICODE).join('')).not.toMatch(/\u001b\[/);
    expect(pathLines(r, { color: true, unicode: true }).join('')).toMatch(/\u001b\[31m/);
    const text = textReport(r, PLAIN_ASCII);
    const lines = text.split('\n');
    const boxes = lines.findIndex((l) => l.startsWith('| ? Claude |->'));
    expect(boxes).toBeGreaterThan(0);
    expect(boxes).toBeLessThan(lines.findIndex((l) => /^ROUTING/.test(l)));
    expect(lines[boxes]).toMatch(/\| x mcp \|$/);
  });
});
