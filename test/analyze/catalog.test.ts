import { describe, expect, it } from 'vitest';
import { CATALOG, FINDING_IDS, fillTemplate } from '../../src/analyze/catalog.js';
import { LAYER_ORDER } from '../../src/analyze/types.js';
import { SYMPTOMS } from '../../src/analyze/symptoms.js';

// SPEC section 4, copied: these ids are a contract users script against.
const SPEC_IDS = [
  ['edge.token-missing', 'edge'], ['edge.token-malformed', 'edge'], ['edge.token-rejected', 'edge'], ['edge.unreachable', 'edge'],
  ['edge.udp-buffer-hint', 'edge'], ['edge.no-ingress', 'edge'], ['edge.origin-unreachable', 'edge'], ['edge.connected', 'edge'],
  ['tls.handshake-failed', 'tls'], ['tls.cert-expired', 'tls'], ['tls.san-mismatch', 'tls'], ['tls.ca-mismatch', 'tls'],
  ['tls.key-mismatch', 'tls'], ['tls.key-unreadable', 'tls'], ['tls.plaintext-listener', 'tls'], ['tls.not-in-picker', 'tls'],
  ['routing.no-route-for-host', 'routing'], ['routing.config-not-reloaded', 'routing'], ['routing.routes-is-list', 'routing'],
  ['routing.invalid-upstream', 'routing'], ['routing.ip-not-private', 'routing'], ['routing.allowed-ips-dropped-defaults', 'routing'],
  ['routing.allowed-ips-open', 'routing'], ['routing.ipv6-upstream', 'routing'], ['routing.service-cidr-public', 'routing'],
  ['oauth.no-auth-route', 'oauth'], ['oauth.metadata-split-wrong', 'oauth'], ['oauth.resource-wrong-issuer', 'oauth'],
  ['setup.wif-audience-mismatch', 'setup'], ['setup.wif-exchange-failed', 'setup'], ['setup.forbidden', 'setup'],
  ['setup.tunnel-limit', 'setup'], ['setup.job-left-behind', 'setup'],
  ['runtime.container-down', 'runtime'], ['runtime.tool-missing', 'runtime'],
] as const;

describe('finding catalog', () => {
  // SPEC's list is the minimum: these are the ids added to it, each for a failure the guide's ids miss.
  const EXTRA_IDS = ['routing.duplicate-key'];

  it('holds the ids of SPEC section 4, each in its layer, and only the documented extras', () => {
    expect([...FINDING_IDS].sort()).toEqual([...SPEC_IDS.map(([id]) => id), ...EXTRA_IDS].sort());
    for (const [id, layer] of SPEC_IDS) expect(CATALOG[id].layer, id).toBe(layer);
  });

  it('gives every id a title and a detail, and the layer prefix matches the id', () => {
    for (const id of FINDING_IDS) {
      const entry = CATALOG[id];
      expect(entry.title.length, id).toBeGreaterThan(5);
      expect(entry.detail.length, id).toBeGreaterThan(20);
      expect(id.startsWith(`${entry.layer}.`), id).toBe(true);
      expect(LAYER_ORDER).toContain(entry.layer);
    }
  });

  it("keeps the guide's own wording where the guide has it", () => {
    expect(CATALOG['tls.key-unreadable'].guide).toContain('chmod 644 data/tls.key');
    expect(CATALOG['edge.no-ingress'].guide).toContain('network_mode: "service:mcp-proxy"');
    expect(CATALOG['routing.allowed-ips-open'].guide).toContain('0.0.0.0/0');
    expect(CATALOG['edge.udp-buffer-hint'].severity).toBe('info');
    expect(CATALOG['edge.connected'].severity).toBe('ok');
  });

  it('fills placeholders and marks a missing one', () => {
    expect(fillTemplate('{a} and {b}', { a: 1 })).toBe('1 and ?');
    expect(fillTemplate('`routes: { name: http://host:port }`', {})).toBe('`routes: { name: http://host:port }`');
  });

  it('names only catalog ids in the symptoms, and every symptom explains something', () => {
    const ids = new Set<string>(FINDING_IDS);
    for (const symptom of SYMPTOMS) {
      expect(symptom.findings.length, symptom.id).toBeGreaterThan(0);
      for (const id of symptom.findings) expect(ids.has(id), `${symptom.id} -> ${id}`).toBe(true);
    }
    expect(new Set(SYMPTOMS.map((s) => s.id)).size).toBe(SYMPTOMS.length);
  });
});
