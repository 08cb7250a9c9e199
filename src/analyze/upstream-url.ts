// The proxy's rule for a route value: exactly `scheme://host:port`. Anything else fails at load with
// `invalid upstream (must be scheme://host:port)`. Parsed by hand because WHATWG URL normalises away
// exactly the things we must report (default ports, trailing slashes).
export interface UpstreamUrl {
  scheme: string;
  host: string;
  port: number;
}

export type UpstreamParse = { ok: true; url: UpstreamUrl } | { ok: false; problem: string };

const SCHEMES = new Set(['http', 'https', 'ws', 'wss']);

export function parseUpstream(raw: string): UpstreamParse {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: 'is empty' };
  if (text !== raw) return { ok: false, problem: 'has spaces around it' };
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(text);
  if (!m) return { ok: false, problem: 'has no scheme (write http://host:port)' };
  const scheme = m[1]!.toLowerCase();
  let rest = m[2]!;
  if (!SCHEMES.has(scheme)) return { ok: false, problem: `has the scheme \`${m[1]}\`; use http or https` };
  const pathAt = rest.search(/[/?#]/);
  if (pathAt >= 0) {
    const tail = rest.slice(pathAt);
    return { ok: false, problem: `has a path \`${tail}\` after host:port` };
  }
  if (rest.includes('@')) return { ok: false, problem: 'has user info before the host' };
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    host = rest.slice(1, close);
    rest = rest.slice(close + 1);
    portText = rest.startsWith(':') ? rest.slice(1) : undefined;
  } else {
    const colon = rest.lastIndexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
  }
  if (!host) return { ok: false, problem: 'has no host' };
  if (portText === undefined || portText === '') return { ok: false, problem: 'has no port' };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    return { ok: false, problem: `has the port \`${portText}\`, not a number from 1 to 65535` };
  }
  return { ok: true, url: { scheme, host, port: Number(portText) } };
}
