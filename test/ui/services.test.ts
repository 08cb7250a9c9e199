// The wizard's services on the real pipeline (a hand-made bundle: no command runs), and the facts it asks for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { makeServices, osc52, coveredIds } from '../../src/ui/services.js';
import { defaultOptions } from '../../src/options.js';
import { CHECKS } from '../../src/analyze/registry.js';
import type { Io } from '../../src/io.js';
import { tempDir } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE } from '../helpers/snapshot.js';
import { setupPki } from '../helpers/certs.js';

let bundle: { dir: string; cleanup: () => Promise<void> };
let elsewhere: { dir: string; cleanup: () => Promise<void> };
const io = (): Io => ({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: elsewhere.dir });

beforeAll(async () => {
  bundle = await tempDir('mtt-svc-bundle-');
  elsewhere = await tempDir('mtt-svc-cwd-');
  await mkdir(join(bundle.dir, 'files/config'), { recursive: true });
  await writeFile(join(bundle.dir, 'files/docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(bundle.dir, 'files/config/mcp-proxy.yaml'), 'listen_addr: ":8080"\ntunnel_domain: abcd1234.tunnel.anthropic.com\nroutes:\n  mcp: http://10.0.0.5:8080\n');
  await writeFile(join(elsewhere.dir, 'registered-ca.pem'), (await setupPki()).caPem);
});
afterAll(async () => {
  await bundle.cleanup();
  await elsewhere.cleanup();
});

describe('the wizard services', () => {
  it('OSC 52 carries the text base64-encoded', () => {
    expect(osc52('docker compose restart mcp-proxy\n')).toBe(`\u001b]52;c;${Buffer.from('docker compose restart mcp-proxy\n').toString('base64')}\u0007`);
  });

  it('gathers with the questions each symptom would ask, and applies the answers before the checks', async () => {
    const services = makeServices(defaultOptions({ fromBundle: bundle.dir }), io());
    const { snapshot, questions } = await services.gather(() => {});
    expect(snapshot.tunnelDomain).toBeUndefined();
    expect(questions['no-route']).toEqual([expect.objectContaining({ fact: 'tunnelDomain', default: 'abcd1234.tunnel.anthropic.com' })]);
    expect(questions['cert-errors']!.map((q) => q.fact)).toEqual(['tunnelDomain', 'caFile']);
    // The audience is a chart value: a Compose deployment is not asked for it.
    expect(questions['setup-auth']).toEqual([]);
    const events: string[] = [];
    const { snapshot: answered, report, covered } = await services.analyze(snapshot, {
      symptom: 'cert-errors',
      facts: { tunnelDomain: 'efgh5678.tunnel.anthropic.com', caFile: 'registered-ca.pem' },
      onEvent: (e) => events.push(`${e.phase} ${e.id}`),
    });
    expect(answered.tunnelDomain).toEqual({ value: 'efgh5678.tunnel.anthropic.com', source: 'your answer in the wizard', confidence: 'authoritative' });
    expect(answered.inputs).toMatchObject({ tunnelDomain: 'efgh5678.tunnel.anthropic.com', caFile: 'registered-ca.pem' });
    const ca = answered.deployment.paths.caCert!;
    expect(ca).toBe(join(elsewhere.dir, 'registered-ca.pem'));
    expect(answered.files[ca]?.text).toMatch(/BEGIN CERTIFICATE/);
    expect(snapshot.inputs).toEqual({});
    expect(report.symptom).toBe('cert-errors');
    expect(events[0]).toMatch(/^start /);
    expect(events.filter((e) => e.startsWith('end ')).length).toBe(report.checks.length);
    for (const id of covered) expect(CHECKS.some((c) => c.emits.includes(id as never))).toBe(true);
    await services.dispose();
  });

  it('says so when the CA file given does not exist, and compares with no CA rather than the wrong one', async () => {
    const services = makeServices(defaultOptions({ fromBundle: bundle.dir }), io());
    const { snapshot } = await services.gather(() => {});
    const { snapshot: answered } = await services.analyze(snapshot, { facts: { caFile: 'no-such-ca.pem' }, onEvent: () => {} });
    expect(answered.deployment.paths.caCert).toBeUndefined();
    expect(answered.notes.at(-1)).toMatch(/the CA file no-such-ca\.pem you gave does not exist/);
  });

  it('counts as covered only what checks that ran could emit', () => {
    const ran = CHECKS[0]!;
    const report = { checks: [{ id: ran.id, layer: ran.layer, status: 'ok' as const, ms: 0 }, ...CHECKS.slice(1).map((c) => ({ id: c.id, layer: c.layer, status: 'skipped' as const, ms: 0 }))] };
    expect(coveredIds(report as never).sort()).toEqual([...new Set(ran.emits)].sort());
  });
});
