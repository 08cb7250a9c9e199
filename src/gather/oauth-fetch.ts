// Fetches an OAuth discovery document over HTTP(S), bounded in time and size, optionally dialling an
// address gathered earlier (a Compose container's IP) while keeping the URL's Host and TLS name.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export const FETCH_TIMEOUT_MS = 5_000;
export const MAX_DOCUMENT_BYTES = 256 * 1024;

export interface FetchResult {
  ok: boolean;
  text?: string;
  status?: number;
  /** One line: why it failed. */
  error?: string;
}

export function fetchDocument(url: string, opts: { address?: string; timeoutMs?: number } = {}): Promise<FetchResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, error: `${url} is not a URL` });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return Promise.resolve({ ok: false, error: `${url} is not http(s)` });
  const address = opts.address;
  const lookup: LookupFunction | undefined = address
    ? ((_host, o, cb) => {
        const family = address.includes(':') ? 6 : 4;
        if ((o as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
        else cb(null, address, family);
      }) as LookupFunction
    : undefined;
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = opts.timeoutMs ?? FETCH_TIMEOUT_MS;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: FetchResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = request(u, { method: 'GET', headers: { accept: 'application/json' }, ...(lookup ? { lookup } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_DOCUMENT_BYTES) {
          req.destroy();
          finish({ ok: false, status: res.statusCode, error: `the answer is larger than ${MAX_DOCUMENT_BYTES / 1024} kB` });
        } else chunks.push(c);
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) finish({ ok: false, status, error: `HTTP ${status} redirect to ${res.headers.location ?? '?'} (not followed)` });
        else if (status !== 200) finish({ ok: false, status, error: `HTTP ${status}` });
        else finish({ ok: true, status, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err) => finish({ ok: false, error: err.message.split('\n')[0] }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, error: `no answer within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: (err.code ? `${err.code}: ` : '') + err.message.split('\n')[0] }));
    req.end();
  });
}
