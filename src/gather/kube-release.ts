// Helm without helm: Helm 3 keeps each revision of a release in a Secret `sh.helm.release.v1.<name>.v<N>`
// (type helm.sh/release.v1, labels owner=helm, name, version, status). Its `release` key holds base64 of
// gzip of the release's JSON, and the API (so kubectl's jsonpath) gives Secret data base64-encoded once
// more. Decoding it gives what `helm status -o json` prints; it is reduced here at once to what the checks
// use (status, chart, revision, dates, hooks, values redacted). The chart's files and the rendered manifest,
// which may hold secrets, are dropped with the decoded text.
import { gunzipSync } from 'node:zlib';
import type { KubeState } from '../snapshot/types.js';
import { redactValues } from '../snapshot/redact.js';
import { parseHelmStatus, parseJson } from './kube-parse.js';

/** A release record is at most 1 MiB stored (a Secret's limit); unzipped it stays well under this. */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;

/** A record that cannot be decoded: the one-line reason (never its contents). */
export class ReleaseDecodeError extends Error {
  override name = 'ReleaseDecodeError';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `data.release` as kubectl prints it -> the release's JSON text. Throws ReleaseDecodeError. */
export function decodeReleaseData(text: string): string {
  const outer = text.trim();
  if (!outer) throw new ReleaseDecodeError('the Secret has no `release` key');
  if (!BASE64.test(outer)) throw new ReleaseDecodeError('`data.release` is not base64');
  const inner = Buffer.from(outer, 'base64').toString('latin1').trim();
  if (!BASE64.test(inner)) throw new ReleaseDecodeError('the stored record is not base64 (not a Helm 3 release record)');
  const bytes = Buffer.from(inner, 'base64');
  // Helm 3 gzips the JSON (magic 1f 8b 08); a record without the magic is the JSON itself.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes, { maxOutputLength: MAX_RECORD_BYTES }).toString('utf8');
    } catch (err) {
      throw new ReleaseDecodeError(`the stored record does not unzip (${(err as NodeJS.ErrnoException).code ?? 'gzip error'})`);
    }
  }
  return bytes.toString('utf8');
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Helm's coalescing of values, as `helm get values --all` shows it: the user's over the chart's; null deletes. */
export function coalesceValues(chart: unknown, user: unknown): unknown {
  if (!isMap(user)) return user === undefined ? chart : user;
  const out: Json = isMap(chart) ? { ...chart } : {};
  for (const [k, v] of Object.entries(user)) {
    if (v === null) delete out[k];
    else out[k] = isMap(v) && isMap(out[k]) ? coalesceValues(out[k], v) : v;
  }
  return out;
}

export interface ReleaseRecord {
  helm: NonNullable<KubeState['helm']>;
  namespace?: string;
  /** The user's values (`helm get values`), redacted. */
  values: unknown;
  /** The chart's defaults with the user's values over them (`helm get values --all`), redacted. */
  computedValues: unknown;
  /** Dotted paths of the values that were redacted. */
  redacted: string[];
  redactedComputed: string[];
}

/** The release's JSON (from the Secret) reduced to what gathering keeps. Undefined when it is not a release. */
export function releaseFromJson(text: string): ReleaseRecord | undefined {
  const parsed = parseHelmStatus(text);
  if (!parsed || parsed.helm.revision === undefined) return undefined;
  const v = parseJson(text) as Json;
  const config = isMap(v.config) ? v.config : {};
  const chartValues = isMap(v.chart) && isMap((v.chart as Json).values) ? (v.chart as Json).values : {};
  const values = redactValues(config);
  const computed = redactValues(coalesceValues(chartValues, config));
  return {
    helm: parsed.helm,
    ...(parsed.namespace ? { namespace: parsed.namespace } : {}),
    values: values.values,
    computedValues: computed.values,
    redacted: values.redacted,
    redactedComputed: computed.redacted,
  };
}

/** `helm search repo <chart> --versions -o json`: the repo/chart names that serve this chart at this version. */
export function reposServing(text: string, chart: string, version: string | undefined): string[] {
  const rows = parseJson(text);
  if (!Array.isArray(rows)) return [];
  const names = rows
    .filter((r): r is Json => isMap(r) && typeof r.name === 'string')
    .filter((r) => String(r.name).split('/').pop() === chart && (version === undefined || r.version === version || r.version === `v${version}`))
    .map((r) => String(r.name));
  return [...new Set(names)];
}
