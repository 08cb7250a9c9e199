// The words of every finding, in one place (STYLE: words in a catalog, not in checks). A check emits an id,
// variables and evidence; this catalog gives the title, the detail, the guide's wording and the fixes to
// offer. `{name}` in a template is filled from the observation's vars.
import type { Layer, Severity } from './types.js';

export interface CatalogEntry {
  layer: Layer;
  /** Default severity; an observation may override it. */
  severity: Severity;
  title: string;
  detail: string;
  /** Alternative details chosen by an observation's `variant`. */
  variants?: Record<string, string>;
  /** Alternative titles for variants whose subject differs (a file-proven rule rather than a log line). */
  variantTitles?: Record<string, string>;
  /** The guide's own wording for the cause or the fix, where it has one. */
  guide?: string;
  /** Fix ids offered by default, best first; a fix that does not apply to the deployment is left out. */
  fixes: string[];
}

export const CATALOG = {
  // ── edge: the outbound connection to the tunnel edge ──────────────────────────────────────────────
  'edge.token-missing': {
    layer: 'edge', severity: 'error',
    title: 'No TUNNEL_TOKEN reaches cloudflared',
    detail: 'cloudflared has no tunnel token, so it cannot start the tunnel. The documented Compose file passes `TUNNEL_TOKEN` with no value: Compose copies it from the shell that runs `docker compose up`, so a fresh shell, sudo or a reboot loses it.',
    variants: {
      usage: 'cloudflared printed its usage error: it was started without a token (`"cloudflared tunnel run" requires the ID or name of the tunnel`).',
      empty: 'TUNNEL_TOKEN reaches cloudflared empty ({where}), so cloudflared has no token to start the tunnel with.',
      unset: '{where}: no value for TUNNEL_TOKEN in the Compose file, in .env, or in the environment of this shell. Compose copies it from the shell that runs `docker compose up`, so a fresh shell, sudo or a reboot loses it.',
      recovered: 'cloudflared printed its usage error (started without a token) {count}× (last {last}), then registered tunnel connections ({recovery}): it has a token now. Nothing to do unless it comes back.',
    },
    guide: 'The `TUNNEL_TOKEN` is missing, expired, or copied incorrectly.',
    fixes: ['export-tunnel-token'],
  },
  'edge.token-malformed': {
    layer: 'edge', severity: 'error',
    title: 'TUNNEL_TOKEN is not a valid tunnel token',
    detail: 'A tunnel token is base64 of JSON `{"a": account, "t": tunnel id, "s": secret}`; this one does not decode ({problem}).',
    variants: {
      log: 'cloudflared rejected the token before dialling: `Provided Tunnel token is not valid.` It does not decode as base64 of JSON `{"a","t","s"}`; it was probably copied with quotes, spaces or cut short.',
      quoted: 'The token is wrapped in quotes ({where}); Compose passes them on to cloudflared, which cannot decode it.',
      'unclosed-quote': 'The token opens a quote that is never closed ({where}): Compose v1 skips the line, so cloudflared starts without a token, and Compose v2 refuses the file.',
      whitespace: 'The token has spaces or a line break around it ({where}), so it does not decode.',
      truncated: 'The token is cut short ({where}): its base64 ends early, so the JSON inside is incomplete.',
      decode: 'The token ({where}) does not decode as base64 of JSON `{"a","t","s"}`: {problem}. cloudflared will stop with `Provided Tunnel token is not valid.`',
      recovered: 'cloudflared logged `Provided Tunnel token is not valid.` {count}× (last {last}), then registered tunnel connections ({recovery}): the token it runs with now decodes and is accepted.',
    },
    guide: 'The `TUNNEL_TOKEN` is missing, expired, or copied incorrectly.',
    fixes: ['env-token-unquote', 'export-tunnel-token'],
  },
  'edge.token-rejected': {
    layer: 'edge', severity: 'error',
    title: 'The tunnel edge refused the token',
    detail: 'The edge answered `{reason}`: the token decodes, but its secret or tunnel is not accepted (rotated in the Console, revoked, or the tunnel was deleted). A rotated token is invalid at once: restart cloudflared with the new token on every host.',
    variants: {
      recovered: 'The edge answered `{reason}` {count}× (last {last}), then cloudflared registered tunnel connections ({recovery}): the token is accepted now. If cloudflared runs on other hosts too, restart them with the same token.',
    },
    guide: 'The `TUNNEL_TOKEN` is missing, expired, or copied incorrectly.',
    fixes: ['export-tunnel-token'],
  },
  'edge.unreachable': {
    layer: 'edge', severity: 'error',
    title: 'cloudflared cannot reach the tunnel edge on port 7844',
    detail: 'Outbound connections to the edge on 7844 fail over both QUIC (UDP) and HTTP/2 (TCP), so the tunnel cannot come up. A firewall is blocking outbound TCP/UDP 7844 to 198.41.192.0/19 and 2606:4700:a0::/44.',
    variants: {
      'udp-blocked': 'QUIC (UDP 7844) failed and cloudflared fell back to HTTP/2, which connected: egress UDP to 7844 is probably blocked. The tunnel works, with HTTP/2 only.',
      probe: 'A TCP connection to {target} failed ({error}): this host cannot reach the edge on 7844.',
      dns: 'cloudflared could not look up the edge addresses (`edge discovery: error looking up Cloudflare edge IPs`): check DNS on this host.',
      tcp: 'HTTP/2 (TCP 7844) connections to the edge fail and none has registered: a firewall is blocking outbound TCP 7844 to 198.41.192.0/19 and 2606:4700:a0::/44. Allow UDP 7844 as well, so that QUIC can be used.',
      'quic-only': 'QUIC (UDP 7844) to the edge fails and no connection has registered: cloudflared has not got to HTTP/2 (TCP 7844), or is pinned to QUIC (`--protocol quic`). Allow outbound UDP and TCP 7844 to 198.41.192.0/19 and 2606:4700:a0::/44.',
      dropped: 'The edge closed cloudflared\'s connections ({count}×, last {last}) and none has registered again since: cloudflared keeps retrying. If this lasts, something between this host and the edge drops long-lived connections on 7844.',
      recovered: 'cloudflared failed to reach the edge {count}× (last {last}), then registered tunnel connections over {protocol} ({recovery}): it is connected now. If this keeps coming back, something drops 7844 at times.',
      reached: 'cloudflared failed to reach the edge {count}× (last {last}), but later the edge reached it ({recovery}): the connection worked then. If this keeps coming back, something drops 7844 at times.',
    },
    variantTitles: {
      'udp-blocked': 'QUIC (UDP 7844) to the edge is blocked; cloudflared runs over HTTP/2',
      'quic-only': 'cloudflared cannot reach the tunnel edge over QUIC (UDP 7844)',
      dns: 'cloudflared cannot look up the tunnel edge (DNS)',
      dropped: 'cloudflared lost its connections to the tunnel edge and has not reconnected',
      recovered: 'cloudflared reached the tunnel edge after earlier failures',
      reached: 'cloudflared reached the tunnel edge after earlier failures',
    },
    guide: 'A firewall is blocking outbound TCP/UDP on port 7844 to the tunnel edge.',
    fixes: ['open-egress-7844'],
  },
  'edge.udp-buffer-hint': {
    layer: 'edge', severity: 'info',
    title: 'UDP receive buffer warning (a QUIC tuning hint, not the cause)',
    detail: 'cloudflared could not raise the UDP receive buffer (`failed to sufficiently increase receive buffer size`). The guide says this is a QUIC tuning hint, not an error; look elsewhere for the failure.',
    guide: 'cloudflared may also log warnings about UDP receive buffer sizes; this is a QUIC tuning hint, not an error.',
    fixes: [],
  },
  'edge.no-ingress': {
    layer: 'edge', severity: 'error',
    title: 'cloudflared has no local target (No ingress rules were defined)',
    detail: 'cloudflared does not know where to send requests, so callers see HTTP 500. It needs `--url http://localhost:8080` and `network_mode: "service:mcp-proxy"` so that localhost is the proxy.',
    variants: {
      log: 'cloudflared logged `No ingress rules were defined`: it has no local target, so callers see HTTP 500. With a token this is logged per request, not at start.',
      'missing-url': 'The cloudflared service in {file} has no `--url http://localhost:8080` in its command{also}.',
      'missing-network': 'The cloudflared service in {file} lacks `network_mode: "service:mcp-proxy"`, so localhost:8080 is not the proxy.',
      'wrong-url': 'The cloudflared service in {file} sends requests to `{url}`, but the proxy listens on {listen}{also}.',
      recovered: 'cloudflared logged `No ingress rules were defined` {count}× (last {last}), then restarted ({recovery}) and has not logged it since. With a token it is logged per request, not at start: if you added `--url http://localhost:8080`, send a request to confirm.',
    },
    guide: 'Add `--url http://localhost:8080` and `network_mode: "service:mcp-proxy"` to the cloudflared service.',
    fixes: ['cloudflared-ingress'],
  },
  'edge.origin-unreachable': {
    layer: 'edge', severity: 'error',
    title: 'cloudflared cannot reach the proxy at its --url',
    detail: 'cloudflared is connected but `Unable to reach the origin service` at {origin} ({error}): the proxy is down, or cloudflared is not in the proxy\'s network namespace.',
    fixes: ['compose-restart-proxy', 'cloudflared-ingress'],
  },
  'edge.connected': {
    layer: 'edge', severity: 'ok',
    title: 'cloudflared registered {count} tunnel connection(s) over {protocol}',
    detail: 'cloudflared registered {count} connection(s) with the edge ({locations}); four is healthy.',
    fixes: [],
  },
  // ── tls: the inner handshake from Anthropic to the proxy ──────────────────────────────────────────
  'tls.handshake-failed': {
    layer: 'tls', severity: 'error',
    title: 'The proxy logs `tls handshake failed`',
    detail: 'Anthropic rejected the proxy\'s certificate during the inner TLS handshake ({error}). Check that the certificate has not expired, that its SAN matches `*.<tunnel-domain>`, and that its CA is registered for this tunnel.',
    variants: {
      'cert-rules': 'Anthropic will reject the certificate {file} in the handshake: {problem}. The server certificate must use RSA >= 2048 or ECDSA >= P-256, be signed with SHA-256 or stronger, and list serverAuth if it has an Extended Key Usage.',
      'cert-unreadable': 'The proxy cannot load {file} as its certificate: {problem}. It needs a PEM file whose first block is the server certificate.',
    },
    variantTitles: {
      'cert-rules': 'Anthropic will reject this certificate in the handshake',
      'cert-unreadable': 'The proxy cannot load its certificate {file}',
    },
    guide: 'When Anthropic rejects the proxy\'s certificate during the inner TLS handshake, the proxy logs `tls handshake failed`.',
    fixes: ['register-ca', 'renew-cert'],
  },
  'tls.cert-expired': {
    layer: 'tls', severity: 'error',
    title: 'The server certificate is not valid now',
    detail: 'The certificate {file} is valid from {notBefore} to {notAfter}; {state}.',
    variantTitles: {
      expiring: 'The server certificate expires in {days} day(s)',
      'not-yet-valid': 'The server certificate is not valid yet',
    },
    guide: 'The server certificate has not expired.',
    fixes: ['renew-cert'],
  },
  'tls.san-mismatch': {
    layer: 'tls', severity: 'error',
    title: 'No SAN on the certificate matches *.{domain}',
    detail: 'The certificate {file} names {sans}; Anthropic connects to `<route>.{domain}`, so it needs `*.{domain}` (or every route\'s name).',
    variants: {
      routes: 'The certificate {file} names {sans}, which does not cover {missing}. Anthropic connects to `<route>.{domain}`: `*.{domain}` covers every route.',
    },
    variantTitles: { routes: 'The certificate does not cover {missing}' },
    guide: 'The certificate\'s Subject Alternative Name matches `*.<tunnel-domain>`.',
    fixes: ['renew-cert'],
  },
  'tls.ca-mismatch': {
    layer: 'tls', severity: 'error',
    title: 'The server certificate does not chain to the registered CA',
    detail: 'The certificate {file} must be signed directly by the CA registered for this tunnel ({ca}): {problem}.',
    variants: {
      'ca-rules': 'This CA cannot be registered: {problem}. A registered CA is one PEM certificate of at most 8 kB with BasicConstraints CA:TRUE marked critical, a SubjectKeyIdentifier, KeyUsage keyCertSign, RSA >= 2048 or ECDSA >= P-256 and SHA-256 or stronger, valid now.',
    },
    variantTitles: { 'ca-rules': 'The CA {ca} cannot be registered' },
    guide: 'The signing CA is registered with Anthropic for this tunnel.',
    fixes: ['register-ca', 'renew-cert'],
  },
  'tls.key-mismatch': {
    layer: 'tls', severity: 'error',
    title: 'The private key does not belong to the certificate',
    detail: 'The public key in {cert} differs from the one in {key}: the proxy cannot complete a handshake with this pair.',
    variants: {
      'key-unusable': 'The proxy cannot use {key} with {cert}: {problem}.',
    },
    variantTitles: { 'key-unusable': 'The proxy cannot use its private key {key}' },
    fixes: ['renew-cert'],
  },
  'tls.key-unreadable': {
    layer: 'tls', severity: 'error',
    title: 'The proxy cannot read its TLS key (permission denied)',
    detail: 'The key is {mode} owned by {owner}, and the proxy runs as {user} (non-root), so `open /data/tls.key` fails with permission denied and the proxy exits.',
    variants: {
      log: 'The proxy exits with `open /data/tls.key: permission denied`: the key is 0600 and the proxy container runs non-root (65532).',
      dir: 'The folder {dir} is {mode} owned by {owner}; the proxy runs as {user} and cannot enter it, so `open {inContainer}` fails with permission denied. Let it in: `chmod o+x {dir}` (or give the folder to the proxy\'s group).',
      missing: 'The config names the key {inContainer}, which is {key} on this host, and there is no such file: the proxy cannot start its TLS listener.',
      'no-tls-files': 'The config names {certIn} and {inContainer}, which are {cert} and {key} on this host, and neither exists: the proxy cannot start its TLS listener. The setup component writes them (`docker compose --profile setup run --rm setup`); with the manual recipe, make them with openssl and end with `chmod 644 {key}`.',
      recovered: 'The proxy exited with `open {path}: permission denied` {count}× (last {last}), then started cleanly ({recovery}): it reads its key now.',
    },
    variantTitles: {
      dir: 'The proxy cannot enter the folder that holds its TLS key',
      missing: 'The proxy\'s TLS key {key} does not exist',
      'no-tls-files': 'The proxy\'s TLS certificate and key do not exist ({cert}, {key})',
    },
    guide: 'The key is `0600`; the proxy container runs non-root. Fix: `chmod 644 data/tls.key`.',
    fixes: ['key-chown', 'key-chmod'],
  },
  'tls.plaintext-listener': {
    layer: 'tls', severity: 'info',
    title: '`wrong version number` on :8080 is expected',
    detail: 'The proxy\'s listener on :8080 is plaintext WebSocket; TLS happens inside the WS stream, so `curl https://...:8080` fails with `wrong version number`. Verify through a Managed Agent or the Messages API instead.',
    variants: {
      probe: 'The proxy\'s listener at {target} answered a WebSocket request in plaintext (`{status}`){tls}. That is as it should be: TLS happens inside the WS stream, so `curl https://...:8080` fails with `wrong version number`. Verify through a Managed Agent or the Messages API instead.',
    },
    guide: 'Expected; the listener is plaintext WebSocket. TLS happens inside the WS stream.',
    fixes: [],
  },
  'tls.not-in-picker': {
    layer: 'tls', severity: 'info',
    title: 'The tunnel is listed in the + MCP Server picker only with an active certificate',
    detail: 'The picker only lists tunnels in the session\'s workspace that have at least one active certificate. {state}',
    guide: 'Register a CA certificate, or open the session in the workspace the tunnel was created in.',
    fixes: ['register-ca'],
  },
  // ── routing: upstream routing and IP validation ───────────────────────────────────────────────────
  'routing.no-route-for-host': {
    layer: 'routing', severity: 'error',
    title: 'The proxy has no route for the host it receives',
    detail: '`tunnel_domain` is `{configured}` but the tunnel\'s domain is `{domain}`, so the proxy cannot strip it from `{host}` and finds no route.',
    variants: {
      log: 'The proxy logged `no route for host` for `{host}` ({count}×): with routes keyed by bare names, that host implies `tunnel_domain: {implied}`, but the config has `{configured}`. Or `config.yaml` was edited without restarting the proxy.',
      config: '`{key}` in {file} is `{configured}`, but the tunnel\'s domain is `{domain}` (from {source}). The proxy strips `tunnel_domain` from the incoming host to find a route, so `{host}` finds none.',
      missing: '{file} has no `{key}`, and routes are keyed by bare names ({routes}): a request for `{host}` is looked up as is and finds no route. Set it to `{domain}`.',
      'helm-no-domain': '{file} sets `setup.enabled: false`, so the setup Job does not hand the proxy its domain, and `gateway.config.tunnel_domain` is not set: routes keyed by bare names ({routes}) will not match. Set `gateway.config.tunnel_domain`{toDomain}.',
      'log-no-config': 'The proxy logged `no route for host` for `{host}` ({count}×). With routes keyed by bare names, that host implies `tunnel_domain: {implied}`: set `tunnel_domain` to exactly the domain shown on the tunnel detail page, and restart the proxy if `config.yaml` was edited.',
      'log-stale': 'The proxy logged `no route for host` for `{host}` ({count}×), yet the config on disk has `tunnel_domain: {configured}` and a route `{route}`: the running proxy has not loaded it. Restart the proxy (`docker compose restart mcp-proxy`, or `helm upgrade`).',
      'log-route-missing': 'The proxy logged `no route for host` for `{host}` ({count}×). The host ends with `tunnel_domain` (`{configured}`), so the proxy looked for a route named `{route}`, and `routes` has none ({routes}). Add it or, if you just did, restart the proxy: it reads `routes` at start.',
      recovered: 'The proxy logged `no route for host` for `{host}` ({count}×, last {last}), then restarted ({recovery}) and has not logged it since. If you changed `tunnel_domain` or `routes`, send a request to confirm.',
      'recovered-routed': 'The proxy logged `no route for host` for `{host}` ({count}×, last {last}), then restarted ({recovery}) with the config on disk, which has `tunnel_domain: {configured}` and a route `{route}`: it routes that host now.',
    },
    variantTitles: {
      'recovered-routed': 'The proxy routes {host} now (it had no route for it before its restart)',
      config: '`tunnel_domain` is not the tunnel\'s domain',
      missing: '`tunnel_domain` is not set',
      'helm-no-domain': 'Setup is disabled and `gateway.config.tunnel_domain` is not set',
    },
    guide: 'Set `tunnel_domain` to the exact domain shown on the tunnel detail page.',
    fixes: ['set-tunnel-domain', 'compose-restart-proxy', 'helm-upgrade'],
  },
  'routing.config-not-reloaded': {
    layer: 'routing', severity: 'warning',
    title: 'The proxy config changed after the proxy started',
    detail: '{file} was modified at {mtime}, after the proxy started at {started}. Editing `routes` needs a restart; the running proxy still uses the old config.',
    variants: {
      'helm-values': '{file} was modified at {mtime}, after release {release} was last deployed at {deployed}: the cluster still runs the old values. Apply them with `helm upgrade`.',
    },
    variantTitles: { 'helm-values': 'The values file changed after the release was last deployed' },
    guide: '`config.yaml` was edited without restarting (`docker compose restart mcp-proxy`).',
    fixes: ['compose-restart-proxy', 'helm-upgrade'],
  },
  'routing.routes-is-list': {
    layer: 'routing', severity: 'error',
    title: '`routes` is a YAML list; the proxy needs a map',
    detail: 'The proxy exits with `cannot unmarshal !!seq into map[string]string` because `routes` is a list. Use `routes: { name: http://host:port }`.',
    variants: {
      log: 'The proxy exits with `cannot unmarshal !!seq into map[string]string`{where} ({count}×): `routes` is a YAML list, and the proxy needs a map. Use `routes: { name: http://host:port }`.',
      recovered: 'The proxy exited with `cannot unmarshal !!seq into map[string]string` {count}× (last {last}), then loaded its config ({recovery}): `routes` is a map now.',
    },
    guide: 'Use `routes: { name: http://host:port }`.',
    fixes: ['routes-to-map'],
  },
  'routing.duplicate-key': {
    layer: 'routing', severity: 'error',
    title: '`{key}` is defined twice in {file} (lines {first} and {second})',
    detail: 'The proxy reads its config with Go\'s yaml.v3, which refuses a key defined twice in one map (`yaml: unmarshal errors: line {second}: mapping key "{name}" already defined at line {first}`), so the proxy does not start with this file. Keep one of the two; this tool cannot tell which one you meant.',
    fixes: [],
  },
  'routing.invalid-upstream': {
    layer: 'routing', severity: 'error',
    title: 'Route `{route}` is not scheme://host:port',
    detail: 'The upstream `{url}` {problem}. Each route value must be exactly `scheme://host:port`; a path or a missing port fails at load with `invalid upstream (must be scheme://host:port)`.',
    variants: {
      'https-no-trust': 'The upstream `{url}` is https:// but `upstream.tls` sets neither `ca_file` nor `include_system_cas`, so the proxy has no trust anchor for it.',
      log: 'The proxy refused a route at load: `{error}`. Each route value must be exactly `scheme://host:port`.',
      'log-unnamed': 'The proxy refused a route at load: `{error}`. Each route value must be exactly `scheme://host:port`.',
      recovered: 'The proxy refused a route at load (`{error}`) {count}× (last {last}), then loaded its config ({recovery}): its routes are valid now.',
    },
    variantTitles: {
      'log-unnamed': 'The proxy refused a route that is not scheme://host:port',
      recovered: 'The proxy refused a route earlier; it loads its config now',
    },
    fixes: [],
  },
  'routing.ip-not-private': {
    layer: 'routing', severity: 'error',
    title: 'Upstream {host} resolves to {ip}, outside the allowed ranges',
    detail: 'For SSRF protection the proxy only dials {allowed}. {ip} is not in it. If the address is legitimate, add the narrowest covering CIDR, {cidr}, to `upstream.allowed_ips`.',
    variants: {
      log: 'The proxy logged `IP validation failed: {ip} is not a private address` ({count}×). If the address is legitimate, add the narrowest covering CIDR, {cidr}, to `upstream.allowed_ips`, keeping the private ranges other upstreams use.',
      'log-no-host': 'The proxy logged `IP validation failed: {ip} is not a private address` ({count}×) without naming the upstream. If the address is legitimate, add the narrowest covering CIDR, {cidr}, to `upstream.allowed_ips`, keeping the private ranges other upstreams use.',
      recovered: 'The proxy logged `IP validation failed: {ip} is not a private address` ({count}×, last {last}), then restarted ({recovery}) and has not logged it since. If you added {cidr} to `upstream.allowed_ips`, send a request to confirm.',
    },
    variantTitles: {
      'log-no-host': 'An upstream resolves to {ip}, outside the allowed ranges',
      recovered: 'The proxy refused {ip} earlier (outside the allowed ranges), not since it restarted',
    },
    guide: 'Upstream resolves outside RFC1918. If the address is legitimate, add the narrowest covering CIDR to `upstream.allowed_ips`.',
    fixes: ['allow-upstream-cidr'],
  },
  'routing.allowed-ips-dropped-defaults': {
    layer: 'routing', severity: 'error',
    title: '`allowed_ips` leaves out {range}, which route `{route}` uses',
    detail: 'Setting `allowed_ips` replaces the RFC1918 default rather than extending it. Route `{route}` ({host} → {ip}) is in {range}, which the list no longer allows, so the proxy will refuse to dial it.',
    guide: 'Setting `allowed_ips` replaces the RFC1918 default rather than extending it, so include the private ranges your other upstreams use.',
    fixes: ['allow-upstream-cidr'],
  },
  'routing.allowed-ips-open': {
    layer: 'routing', severity: 'warning',
    title: 'SSRF protection is off',
    detail: '{what} lets the proxy dial any address. Avoid it outside of local testing: list the narrowest ranges your upstreams use instead.',
    guide: 'Avoid `0.0.0.0/0` outside of local testing; it disables SSRF protection entirely.',
    fixes: ['allow-upstream-cidr'],
  },
  'routing.ipv6-upstream': {
    layer: 'routing', severity: 'error',
    title: 'Upstream {host} resolves only to IPv6',
    detail: '{host} resolves to {addresses} only. The proxy supports IPv4 upstreams only; give the upstream an IPv4 address.',
    guide: 'Only IPv4 is supported.',
    fixes: [],
  },
  'routing.service-cidr-public': {
    layer: 'routing', severity: 'warning',
    title: 'The Kubernetes Service CIDR is outside RFC1918',
    detail: 'The `kubernetes` service has clusterIP {ip}, outside the private ranges, so upstreams addressed as Services will fail IP validation. The cluster\'s Service range could not be read here (no ServiceCIDR objects, and no answer from a dry-run Service), so {cidr} covers only the Service IPs seen: a Service created later outside it will still be refused. Look up the range (the API server\'s --service-cluster-ip-range, or your provider\'s cluster settings) and add all of it to `upstream.allowed_ips`.',
    variants: {
      known: 'The cluster\'s Service range {cidr} (from {how}) lies outside the private ranges and `upstream.allowed_ips` does not cover it, so upstreams addressed as Services (the `kubernetes` service has clusterIP {ip}) fail IP validation. Add {cidr} to `upstream.allowed_ips`.',
    },
    guide: 'Some managed distributions allocate the Service CIDR outside RFC1918; look up your cluster\'s Service CIDR and add it.',
    fixes: ['allow-upstream-cidr'],
  },
  // ── oauth: split-endpoint OAuth through the tunnel ───────────────────────────────────────────────
  'oauth.no-auth-route': {
    layer: 'oauth', severity: 'warning',
    title: 'OAuth is in use but `routes` has no route for the authorization server',
    detail: 'Anthropic\'s backend must reach `/token`, `/register` and the discovery documents through the tunnel when the authorization server sits behind a source-IP allowlist. Add a route, e.g. `auth: http://your-auth-server:8080`, and restart the proxy.',
    variants: {
      issuer: '{source} names `{issuer}` as the authorization server, but `routes` has no `{route}` entry, so Anthropic\'s backend cannot reach `/token`, `/register` and the discovery documents through the tunnel. Add `{route}: http://your-auth-server:8080` and restart the proxy.',
    },
    guide: 'Add a proxy route for the authorization server.',
    fixes: ['manual-oauth-route'],
  },
  'oauth.metadata-split-wrong': {
    layer: 'oauth', severity: 'error',
    title: 'Authorization-server metadata does not split the endpoints as needed',
    detail: '{problem}. `authorization_endpoint` must point at the allowlisted host; `issuer`, `token_endpoint` and `registration_endpoint` at `https://auth.{domain}`; `code_challenge_methods_supported` must include `S256`.',
    guide: 'Point `authorization_endpoint` at your existing allowlisted hostname and everything else at the tunnel.',
    fixes: ['manual-oauth-metadata'],
  },
  'oauth.resource-wrong-issuer': {
    layer: 'oauth', severity: 'error',
    title: 'Protected-resource metadata does not name the tunnel issuer',
    detail: '`authorization_servers` is {found}; it should be `["https://auth.{domain}"]` so that clients use the tunnel issuer.',
    guide: 'Your MCP server\'s `/.well-known/oauth-protected-resource` response should reference the tunnel hostname as its authorization server.',
    fixes: ['manual-oauth-metadata'],
  },
  // ── setup: the setup Job / service's WIF exchange ────────────────────────────────────────────────
  'setup.wif-audience-mismatch': {
    layer: 'setup', severity: 'error',
    title: 'The federation rule\'s audience and api.wif.audience differ',
    detail: '`api.wif.audience` is `{configured}` but the federation rule expects `{expected}`; they must match byte for byte (scheme and trailing slash included).',
    variants: {
      diff: '`api.wif.audience` is `{configured}` ({set}) but the federation rule expects `{expected}`: {difference}. They must match byte for byte, scheme and trailing slash included, or the token exchange fails with `invalid_grant`.',
    },
    guide: 'The chart\'s default audience is `api.anthropic.com` (no scheme). If your rule\'s audience is `https://api.anthropic.com`, set `api.wif.audience` to match.',
    fixes: ['set-wif-audience'],
  },
  'setup.wif-exchange-failed': {
    layer: 'setup', severity: 'error',
    title: 'The setup\'s OIDC token exchange failed ({cause})',
    detail: 'The setup component could not exchange its OIDC JWT through the federation rule: {explain}',
    variants: {
      issuer: 'The token endpoint answered `invalid_grant`{error}, pointing at the issuer: the JWT\'s `iss` must equal the federation rule\'s issuer byte for byte, trailing slash included.',
      audience: 'The token endpoint answered `invalid_grant`{error}, pointing at the audience: the JWT\'s `aud` must equal the rule\'s audience byte for byte. The chart sends `api.wif.audience` (default `api.anthropic.com`, no scheme); the Console suggests `https://api.anthropic.com`.',
      subject: 'The token endpoint answered `invalid_grant`{error}, pointing at the subject: the JWT\'s `sub` (for the Helm Job, `system:serviceaccount:mcp-tunnel:mcp-tunnel-setup`) and claims must match the rule\'s subject prefix, claims and condition.',
      lifetime: 'The token endpoint answered `invalid_grant`{error}, pointing at the token\'s lifetime: `exp` has passed (30 s leeway), `iat` is in the future, or it lives longer than 1 h. Check this host\'s clock and how the JWT is minted.',
      jwks: 'The token endpoint answered `invalid_grant`{error}, pointing at the signing key: the rule\'s JWKS must be reachable and hold the key whose `kid` signed the JWT, with an asymmetric algorithm.',
      opaque: 'The token endpoint answered `invalid_grant`{error}, which does not say why (every `invalid_grant` is an opaque HTTP 400). Check in turn: the issuer (byte for byte, trailing slash included), the audience (`api.wif.audience` and the rule\'s), the subject and claims, the JWKS (reachable, holds the `kid`), the lifetime (`exp` not passed, at most 1 h), and that the rule exists and is not archived.',
      request: 'The token endpoint answered `{code}`{error}: the request is malformed. A malformed federation rule id, a missing field, or `workspace_id_required` (set `api.wif.workspaceId`).',
    },
    guide: 'The failure modes (subject, audience, issuer, JWKS, lifetime) are the same as in the WIF reference.',
    fixes: ['manual-wif-rule'],
  },
  'setup.forbidden': {
    layer: 'setup', severity: 'error',
    title: 'The Tunnels API answered 403 after a successful exchange',
    detail: 'The rule\'s scope lacks `workspace:manage_tunnels` (legacy `org:manage_tunnels`), or its service account is not a member of the tunnel\'s workspace.',
    guide: 'Set the scope and add the service account to the workspace.',
    fixes: ['manual-federation-scope'],
  },
  'setup.tunnel-limit': {
    layer: 'setup', severity: 'error',
    title: 'The organization already has 10 non-archived tunnels',
    detail: 'Each setup run without a tunnel id creates a new tunnel. Archive unused tunnels, and set `tunnel.id` so that retries reuse the tunnel.',
    fixes: ['manual-tunnel-limit'],
  },
  'setup.job-left-behind': {
    layer: 'setup', severity: 'error',
    title: 'A failed {job} Job blocks a retry',
    detail: 'The Helm setup Job runs as a pre-install hook; on failure it is left behind for inspection and Helm does not manage it ({state}). Read its log (`kubectl logs job/{job} -n {namespace}`), then delete it before retrying.',
    guide: 'Helm doesn\'t manage hook resources, so delete it before retrying.',
    fixes: ['helm-cleanup'],
  },
  // ── runtime: containers, pods, tools ─────────────────────────────────────────────────────────────
  'runtime.container-down': {
    layer: 'runtime', severity: 'error',
    title: '{name} is {state}',
    detail: '{name} is not running ({status}). Its last log lines are below; the finding that explains them is listed with its layer.',
    variants: {
      missing: 'The Compose file defines {name}, but Compose project {project} has no container for it: the deployment was never started, or the container was removed. Start it with `{up}`.',
      pods: '{name} is not running in {count} of {total} pod(s) of the release ({status}). Its last log lines are below; the finding that explains them is listed with its layer.',
      flapping: '{name} is running, but Docker has restarted it {restarts} time(s) and this run began {up} s before the check: it is most likely crash-looping, caught between two restarts. Its last log lines are below; run the check again in a minute, and if the count has grown, the finding that explains the log is the cause.',
    },
    variantTitles: { missing: '{name} has no container', flapping: '{name} keeps restarting' },
    fixes: ['compose-restart-proxy'],
  },
  'runtime.tool-missing': {
    layer: 'runtime', severity: 'warning',
    title: '{tool}: {problem}',
    detail: '`{command}` failed: {message}. What it would have shown is missing; the checks that need it were skipped.',
    variants: {
      'not-found': '`{command}` is not on PATH, so {what} could not be examined. Install it on this host, or run mcp-tunnel-triage where the deployment runs. The checks that need it were skipped.',
      'daemon-down': 'docker answered `{message}`: the Docker daemon is not running, or DOCKER_HOST points elsewhere, so the containers cannot be running either. Start it (`sudo systemctl start docker`) or set DOCKER_HOST to the daemon that runs the tunnel, then re-run. Container states and logs were not gathered; the checks that need them were skipped.',
      'permission-denied': 'docker answered `{message}`: this user may not use the Docker socket. Re-run with sudo, or add the user to the docker group (`sudo usermod -aG docker $USER`, then log in again). Container states and logs were not gathered; the checks that need them were skipped.',
      'cluster-unreachable': '{tool} answered `{message}`: the cluster of kube context {context} cannot be reached (or, with an x509 error, its API server\'s certificate is not one the kubeconfig\'s certificate-authority vouches for). Check `kubectl config current-context`, KUBECONFIG and your VPN or credentials, or pass --context. Pod states and logs were not gathered; the checks that need them were skipped.',
      unauthorized: '{tool} answered `{message}`: the API server of kube context {context} did not accept these credentials (401: an expired token or a lapsed cloud login). Log in again (`gcloud container clusters get-credentials`, `aws eks update-kubeconfig`, `az aks get-credentials` or your provider\'s equivalent) or pass --context, then re-run. Pod states and logs were not gathered; the checks that need them were skipped.',
      'namespace-not-found': '{tool} answered `{message}`: there is no namespace {namespace} in kube context {context}, so there is no release in it either. List the namespaces with `kubectl get namespaces` (and the releases with `helm list -A`), then pass --namespace. Nothing in it could be gathered; the checks that need it were skipped.',
      forbidden: '{tool} answered `{message}`: these credentials may not read it in namespace {namespace}. Use a context that may get and list pods, jobs, services, configmaps and secrets there, read pod logs, and read the release. The checks that need it were skipped.',
      'release-not-found': 'helm answered `{message}`: there is no release {release} in namespace {namespace} (context {context}). List the releases with `helm list -A`, then pass --release and --namespace. The checks that need it were skipped.',
      timeout: '`{command}` did not finish within {seconds} s and was killed, so what it would have shown is missing. The daemon or API server may be overloaded; give it longer with --timeout SECONDS.',
      'compose-missing': 'Neither `docker compose` (the v2 plugin) nor `docker-compose` (v1) answered. Container states and logs were read with docker itself, but restarting a service needs Compose: install the Compose plugin.',
    },
    variantTitles: {
      'not-found': '{tool} is not installed (not found on PATH)',
      'daemon-down': 'The Docker daemon is not running',
      'permission-denied': 'docker: permission denied on the Docker socket',
      'cluster-unreachable': '{tool}: the Kubernetes cluster cannot be reached',
      unauthorized: '{tool}: the API server rejected the credentials (401 Unauthorized)',
      'namespace-not-found': '{tool}: namespace {namespace} does not exist',
      forbidden: '{tool}: access forbidden',
      'release-not-found': 'helm: release {release} not found in namespace {namespace}',
      timeout: '{tool}: a command hung and was killed after {seconds} s',
      'compose-missing': 'Compose is not installed',
      failed: '{tool}: a command failed',
    },
    fixes: [],
  },
} as const satisfies Record<string, CatalogEntry>;

export type FindingId = keyof typeof CATALOG;

export const FINDING_IDS = Object.keys(CATALOG) as FindingId[];

export function catalogEntry(id: FindingId): CatalogEntry {
  return CATALOG[id];
}

/** Fills `{name}` placeholders; a missing variable shows as `?` rather than a raw placeholder. */
export function fillTemplate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : '?'));
}
