// The deployment-file flags (--values, --ca, --audience, --oauth-metadata, --resource-metadata) into
// TriageOptions, each checked here so a bad value is a one-line usage error before anything runs.
import { UsageError } from './errors.js';
import type { TriageOptions } from './options.js';

const BIN = 'mcp-tunnel-triage';

type Str = (name: string) => string | undefined;

function fileOrUrl(str: Str, flag: string): string | undefined {
  const v = str(flag);
  if (v === undefined || !/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return v;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new UsageError(`--${flag} ${v} is not a valid URL; give an http(s) URL or a file; see ${BIN} --help`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--${flag} takes an http(s) URL or a file, not ${url.protocol}//; see ${BIN} --help`);
  return v;
}

export function fileOptions(str: Str): Partial<TriageOptions> {
  const out: Partial<TriageOptions> = {};
  const values = str('values');
  if (values) out.values = values;
  const ca = str('ca');
  if (ca) out.ca = ca;
  const audience = str('audience');
  if (audience !== undefined) {
    if (/[\s"']/.test(audience)) throw new UsageError(`--audience ${JSON.stringify(audience)} has spaces or quotes; give the federation rule's audience exactly, e.g. api.anthropic.com`);
    out.audience = audience;
  }
  const oauth = fileOrUrl(str, 'oauth-metadata');
  if (oauth) out.oauthMetadata = oauth;
  const resource = fileOrUrl(str, 'resource-metadata');
  if (resource) out.resourceMetadata = resource;
  return out;
}
