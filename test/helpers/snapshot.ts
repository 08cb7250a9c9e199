// Small snapshots for analyzer tests: files by path, roles resolved the way gather and the bundle reader do.
import { emptySnapshot, type Snapshot, type SnapshotFile, type LogSource } from '../../src/snapshot/types.js';
import { resolveRoles, type RoleHints } from '../../src/snapshot/roles.js';
import { resolveTunnelDomain } from '../../src/snapshot/tunnel-domain.js';

export interface SnapshotSpec {
  files?: Record<string, string | SnapshotFile>;
  logs?: Partial<Record<LogSource, string>>;
  state?: Snapshot['state'];
  inputs?: Snapshot['inputs'];
  hints?: RoleHints;
  kind?: Snapshot['deployment']['kind'];
  createdAt?: string;
}

export function snapshotOf(spec: SnapshotSpec = {}): Snapshot {
  const files: Snapshot['files'] = {};
  for (const [path, f] of Object.entries(spec.files ?? {})) files[path] = typeof f === 'string' ? { text: f } : f;
  const paths = resolveRoles(files, spec.hints);
  const kind = spec.kind ?? (paths.compose ? 'compose' : paths.values ? 'helm' : 'unknown');
  const s = emptySnapshot({
    files,
    deployment: { kind, how: 'test', dir: '/srv/tunnel', paths },
    inputs: spec.inputs ?? {},
    state: spec.state ?? {},
    createdAt: spec.createdAt ?? '2026-11-28T00:00:00.000Z',
  });
  for (const [source, text] of Object.entries(spec.logs ?? {})) s.logs[source as LogSource] = { text: text as string };
  s.tunnelDomain = resolveTunnelDomain(s);
  return s;
}

export const DOCUMENTED_COMPOSE = `services:
  mcp-proxy:
    image: mcp-proxy:latest
    user: "65532:65532"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    volumes:
      - ./config/mcp-proxy.yaml:/etc/mcp-gateway/config.yaml:ro
      - ./data:/data:ro
  cloudflared:
    image: cloudflare/cloudflared:latest
    command: tunnel --no-autoupdate run --url http://localhost:8080
    network_mode: "service:mcp-proxy"
    environment:
      - TUNNEL_TOKEN
`;

export function proxyConfig(body: string): string {
  return `listen_addr: ":8080"
log_level: info
tunnel_domain: abcd1234.tunnel.anthropic.com
tls:
  cert_file: /data/tls.crt
  key_file: /data/tls.key
${body}`;
}
