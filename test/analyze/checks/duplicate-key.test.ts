// A key defined twice in the proxy config: the yaml library keeps both (uniqueKeys: false, so the rest of the
// checks still see the file), but the proxy (Go, yaml.v3) refuses the file at load. A finding naming the key
// and both lines.
import { describe, expect, it } from 'vitest';
import { duplicateKey } from '../../../src/analyze/checks/routing/duplicate-key.js';
import { analyze } from '../../../src/analyze/index.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../../helpers/snapshot.js';

const compose = (config: string) => snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': config } });

describe('routing.duplicate-key', () => {
  it('a route named twice: the key, both lines, and yaml.v3\'s own words', () => {
    const s = compose(proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n  wiki: http://10.0.0.6:8080\n  mcp: http://10.0.0.7:8080\n'));
    const [obs, ...rest] = duplicateKey.run(s);
    expect(rest).toEqual([]);
    expect(obs).toMatchObject({ id: 'routing.duplicate-key', vars: { key: 'routes.mcp', name: 'mcp', file: 'config/mcp-proxy.yaml', first: 8, second: 10 } });
    expect(obs!.evidence).toEqual([
      { source: 'config/mcp-proxy.yaml', text: 'mcp: http://10.0.0.5:8080', line: 8 },
      { source: 'config/mcp-proxy.yaml', text: 'mcp: http://10.0.0.7:8080', line: 10 },
    ]);
    const finding = analyze(s).findings.find((f) => f.id === 'routing.duplicate-key')!;
    expect(finding.severity).toBe('error');
    expect(finding.layer).toBe('routing');
    expect(finding.title).toBe('`routes.mcp` is defined twice in config/mcp-proxy.yaml (lines 8 and 10)');
    expect(finding.detail).toContain('mapping key "mcp" already defined at line 8');
  });

  it('a top-level key twice, and one inside gateway.config of Helm values', () => {
    const top = duplicateKey.run(compose(`${proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n')}tunnel_domain: other.tunnel.anthropic.com\n`));
    expect(top.map((o) => o.vars)).toEqual([expect.objectContaining({ key: 'tunnel_domain', first: 3, second: 9 })]);
    const values = snapshotOf({ files: { 'values.yaml': 'gateway:\n  config:\n    routes:\n      mcp: http://mcp:8080\n      mcp: http://mcp2:8080\n' } });
    expect(duplicateKey.run(values).map((o) => o.vars)).toEqual([expect.objectContaining({ key: 'gateway.config.routes.mcp', file: 'values.yaml', first: 4, second: 5 })]);
  });

  it('is quiet on a config without duplicates, and on the same name in different maps', () => {
    expect(duplicateKey.run(compose(proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\nupstream:\n  mcp: x\n')))).toEqual([]);
  });
});
