// The guide's symptoms, in its words, each with the findings that explain it. Choosing a symptom runs
// the checks that can emit one of those findings; `facts` are what the wizard asks for when it cannot
// find them itself.
import type { FindingId } from './catalog.js';
import type { Check } from './types.js';

export type Fact = 'tunnelDomain' | 'caFile' | 'audience';

export interface Symptom {
  id: string;
  /** As the guide puts it. */
  title: string;
  findings: FindingId[];
  facts?: Fact[];
}

export const SYMPTOMS: readonly Symptom[] = [
  {
    id: 'not-in-picker',
    title: 'The tunnel does not appear in the + MCP Server picker',
    findings: ['tls.not-in-picker', 'tls.ca-mismatch', 'tls.cert-expired', 'edge.connected'],
    facts: ['caFile'],
  },
  {
    id: 'http-500',
    title: 'Callers see HTTP 500; cloudflared logs `No ingress rules were defined`',
    findings: ['edge.no-ingress', 'edge.origin-unreachable', 'runtime.container-down'],
  },
  {
    id: 'no-route',
    title: 'The proxy logs `no route for host`',
    findings: ['routing.no-route-for-host', 'routing.config-not-reloaded'],
    facts: ['tunnelDomain'],
  },
  {
    id: 'ip-validation',
    title: 'The proxy logs `IP validation failed: <ip> is not a private address`',
    findings: ['routing.ip-not-private', 'routing.allowed-ips-dropped-defaults', 'routing.allowed-ips-open', 'routing.ipv6-upstream', 'routing.service-cidr-public'],
  },
  {
    id: 'routes-list',
    title: 'The proxy exits with `cannot unmarshal !!seq into map[string]string`',
    findings: ['routing.routes-is-list', 'routing.duplicate-key', 'routing.invalid-upstream', 'runtime.container-down'],
  },
  {
    id: 'key-permission',
    title: 'The proxy exits with `open /data/tls.key: permission denied`',
    findings: ['tls.key-unreadable', 'runtime.container-down'],
  },
  {
    id: 'wrong-version',
    title: '`curl https://…:8080` fails with `wrong version number`',
    findings: ['tls.plaintext-listener'],
  },
  {
    id: 'oauth-allowlist',
    title: 'OAuth fails behind a source-IP allowlist',
    findings: ['oauth.no-auth-route', 'oauth.metadata-split-wrong', 'oauth.resource-wrong-issuer'],
    facts: ['tunnelDomain'],
  },
  {
    id: 'setup-auth',
    title: 'The setup Job / setup service fails to authenticate',
    findings: ['setup.wif-audience-mismatch', 'setup.wif-exchange-failed', 'setup.forbidden', 'setup.tunnel-limit', 'setup.job-left-behind'],
    facts: ['audience'],
  },
  {
    id: 'not-connecting',
    title: 'The tunnel won\'t connect',
    findings: ['edge.token-missing', 'edge.token-malformed', 'edge.token-rejected', 'edge.unreachable', 'edge.udp-buffer-hint', 'edge.connected', 'runtime.container-down', 'runtime.tool-missing'],
  },
  {
    id: 'cert-errors',
    title: 'Certificate errors: the proxy logs `tls handshake failed`',
    findings: ['tls.handshake-failed', 'tls.cert-expired', 'tls.san-mismatch', 'tls.ca-mismatch', 'tls.key-mismatch', 'tls.key-unreadable'],
    facts: ['tunnelDomain', 'caFile'],
  },
];

export function symptomById(id: string): Symptom | undefined {
  return SYMPTOMS.find((s) => s.id === id);
}

/** The checks a symptom runs, in registry (guide) order. */
export function checksForSymptom(symptom: Symptom, checks: readonly Check[]): Check[] {
  const wanted = new Set<string>(symptom.findings);
  return checks.filter((c) => c.emits.some((id) => wanted.has(id)) && (!c.onlyFor || c.onlyFor === symptom.id));
}
