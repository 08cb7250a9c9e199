// Facts carry their source (issue 11 point 2): the tunnel's domain from a guess (the certificate's SAN) never
// feeds a fix; sources that disagree are shown side by side and the operator is asked, by flag or field.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { domainFacts } from '../../src/analyze/domain-facts.js';
import { planFix } from '../../src/fixes/registry.js';
import type { Finding } from '../../src/analyze/types.js';
import type { Snapshot } from '../../src/snapshot/types.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';
import { DOMAIN, serverCert, setupPki, type TestPki } from '../helpers/certs.js';

const OTHER = 'wxyz9876.tunnel.anthropic.com';
let pki: TestPki;
beforeAll(async () => {
  pki = await setupPki();
});

function deployment(over: { configDomain?: string; certDomain?: string; dataFile?: string; flag?: string; proxyLog?: string[] } = {}): Snapshot {
  const config = proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n').replace(`tunnel_domain: ${DOMAIN}`, `tunnel_domain: ${over.configDomain ?? DOMAIN}`);
  const files: Record<string, string> = {
    'docker-compose.yaml': DOCUMENTED_COMPOSE,
    'config/mcp-proxy.yaml': config,
    'data/tls.crt': serverCert(pki, { dns: [`*.${over.certDomain ?? DOMAIN}`] }),
  };
  if (over.dataFile) files['data/tunnel-domain'] = `${over.dataFile}\n`;
  return snapshotOf({ files, inputs: over.flag ? { tunnelDomain: over.flag } : {}, ...(over.proxyLog ? { logs: { 'mcp-proxy': over.proxyLog.join('\n') } } : {}) });
}

const domainFindings = (s: Snapshot): Finding[] => analyze(s).findings.filter((f) => f.id === 'routing.no-route-for-host');
const fixIds = (f: Finding | undefined) => (f?.fixes ?? []).map((x) => x.id);
const miss = (host: string) => `time=2026-11-28T03:10:00Z level=WARN msg="no route for host" host=${host}`;

describe('the tunnel domain carries its source and how sure it is', () => {
  it('the issue\'s case: no data/tunnel-domain, no flag, a certificate for another domain: a warning that asks, and no fix that rewrites a correct tunnel_domain', () => {
    const s = deployment({ certDomain: OTHER });
    expect(s.tunnelDomain).toEqual({ value: OTHER, source: 'certificate data/tls.crt (its SAN *.wxyz9876.tunnel.anthropic.com)', confidence: 'inferred' });
    const [f] = domainFindings(s);
    expect(f).toMatchObject({ severity: 'warning', title: '`tunnel_domain` differs from the domain certificate data/tls.crt (its SAN *.wxyz9876.tunnel.anthropic.com) suggests', data: { ask: 'tunnelDomain' } });
    // Both values shown, the guess called a guess, and the flag named.
    expect(f!.detail).toContain(`\`tunnel_domain\` in config/mcp-proxy.yaml is \`${DOMAIN}\`, while certificate data/tls.crt`);
    expect(f!.detail).toContain(`suggests \`${OTHER}\`. That is a guess`);
    expect(f!.detail).toContain(`The tunnel's domain is only guessed: \`${OTHER}\` from certificate data/tls.crt`);
    expect(f!.detail).toContain('re-run with `--tunnel-domain DOMAIN`');
    expect(fixIds(f)).not.toContain('set-tunnel-domain');
    expect(planFix('set-tunnel-domain', s)).toBeUndefined();
    // A warning, not an error: nothing says the config is wrong.
    expect(analyze(s).findings.filter((x) => x.layer === 'routing' && x.severity === 'error')).toEqual([]);
  });

  it('the operator\'s word settles it: --tunnel-domain equal to the config means no finding; a different one is an error with the fix', () => {
    expect(domainFindings(deployment({ certDomain: OTHER, flag: DOMAIN }))).toEqual([]);
    const wrong = deployment({ configDomain: OTHER, flag: DOMAIN });
    const [f] = domainFindings(wrong);
    expect(f).toMatchObject({ severity: 'error', title: '`tunnel_domain` is not the tunnel\'s domain' });
    expect(f!.data?.ask).toBeUndefined();
    const fix = f!.fixes.find((x) => x.id === 'set-tunnel-domain');
    expect(fix?.diff).toContain(`+tunnel_domain: ${DOMAIN}`);
  });

  it('setup\'s data/tunnel-domain is authoritative: the fix writes it', () => {
    const s = deployment({ configDomain: OTHER, dataFile: DOMAIN });
    expect(domainFacts(s).settled).toMatchObject({ value: DOMAIN, source: 'data/tunnel-domain', confidence: 'authoritative' });
    expect(fixIds(domainFindings(s)[0])).toContain('set-tunnel-domain');
  });

  it('the host Anthropic really sent is authoritative: with only a guess beside it, the fix writes what the request named', () => {
    const s = deployment({ configDomain: 'wrong567.tunnel.anthropic.com', certDomain: OTHER, proxyLog: [miss(`mcp.${DOMAIN}`)] });
    expect(domainFacts(s).settled).toMatchObject({ value: DOMAIN, confidence: 'authoritative', source: `the host the proxy received (\`mcp.${DOMAIN}\`, logs/mcp-proxy)` });
    const plan = planFix('set-tunnel-domain', s)!;
    expect(plan.steps[0]).toMatchObject({ kind: 'edit', why: `the tunnel's domain is ${DOMAIN} (from the host the proxy received (\`mcp.${DOMAIN}\`, logs/mcp-proxy))` });
  });

  it('sources that disagree: both shown, nothing picked, the flag named', () => {
    const s = deployment({ dataFile: DOMAIN, proxyLog: [miss(`mcp.${OTHER}`)] });
    expect(domainFacts(s).conflict?.map((f) => [f.value, f.source])).toEqual([
      [DOMAIN, 'data/tunnel-domain'],
      [OTHER, `the host the proxy received (\`mcp.${OTHER}\`, logs/mcp-proxy)`],
    ]);
    const log = domainFindings(s).find((f) => f.data?.from === 'log')!;
    expect(log.detail).toContain(`The sources disagree on the tunnel's domain: data/tunnel-domain says \`${DOMAIN}\`; the host the proxy received (\`mcp.${OTHER}\`, logs/mcp-proxy) says \`${OTHER}\`.`);
    expect(log.detail).toContain('`--tunnel-domain DOMAIN`');
    expect(log.data?.ask).toBe('tunnelDomain');
    expect(fixIds(log)).not.toContain('set-tunnel-domain');
    expect(planFix('set-tunnel-domain', s)).toBeUndefined();
  });

  it('a host whose route part is a guess (not the documented shape, no route confirms it) is inferred', () => {
    const s = deployment({ configDomain: 'wrong.example.com', proxyLog: [miss('docs.tunnels.example.net')] });
    expect(domainFacts(s).all.find((f) => f.source.startsWith('the host'))).toMatchObject({ value: 'tunnels.example.net', confidence: 'inferred' });
    expect(planFix('set-tunnel-domain', s)).toBeUndefined();
  });
});
