// Two claims about the deployment-file side, each a ratio against a baseline measured in this run:
// 1. Route hosts resolve concurrently: 8 hosts whose lookups each take 200 ms resolve in about the time of
//    one (goal: wall <= 25% of the sequential sum).
// 2. The certificate is parsed once per snapshot, however many tls checks read it: the six tls file checks
//    on a 40-certificate bundle cost at most 2x one parse of that bundle (the baseline).
// Run: npm run bench:files
import { resolveUpstreams, type Resolver } from '../src/gather/resolve.js';
import { parseCertFile } from '../src/analyze/x509/parse.js';
import { runChecks } from '../src/analyze/engine.js';
import { certFile } from '../src/analyze/checks/tls/cert-file.js';
import { certValidity } from '../src/analyze/checks/tls/cert-validity.js';
import { certSan } from '../src/analyze/checks/tls/cert-san.js';
import { certChain } from '../src/analyze/checks/tls/cert-chain.js';
import { keyPair } from '../src/analyze/checks/tls/key-pair.js';
import { keyPermissions } from '../src/analyze/checks/tls/key-permissions.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../test/helpers/snapshot.js';
import { DOMAIN, keyFileOf, setupPki } from '../test/helpers/certs.js';

const LOOKUP_MS = 200;
const HOSTS = 8;
const routes = Array.from({ length: HOSTS }, (_, i) => `  r${i}: http://host${i}.example.internal:80\n`).join('');
const slow: Resolver = (host) => new Promise((r) => setTimeout(() => r([`10.0.0.${host.length}`]), LOOKUP_MS));
const s1 = snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig(`routes:\n${routes}`) } });
let start = performance.now();
await resolveUpstreams(s1, slow);
const wall = performance.now() - start;
const sum = HOSTS * LOOKUP_MS;

const pki = await setupPki();
const bundle = pki.serverPem + Array.from({ length: 39 }, () => pki.caPem).join('');
const files = { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), 'data/tunnel-domain': DOMAIN, 'data/ca.crt': pki.caPem, 'data/tls.crt': bundle, 'data/tls.key': keyFileOf(pki.serverKey.privateKey) };
const ROUNDS = 20;
const checks = [certFile, certValidity, certSan, certChain, keyPair, keyPermissions];
// warm up both paths once
parseCertFile('t', { text: bundle });
runChecks(snapshotOf({ files }), checks);
start = performance.now();
for (let i = 0; i < ROUNDS; i++) parseCertFile('data/tls.crt', { text: bundle });
const baseline = (performance.now() - start) / ROUNDS;
start = performance.now();
for (let i = 0; i < ROUNDS; i++) runChecks(snapshotOf({ files }), checks); // a fresh snapshot each round: no cache carried over
const checksMs = (performance.now() - start) / ROUNDS;

const resolveRatio = wall / sum;
const parseRatio = checksMs / baseline;
console.log(`route host resolution, ${HOSTS} hosts x ${LOOKUP_MS} ms: wall ${wall.toFixed(0)} ms, sequential ${sum} ms, ratio ${(resolveRatio * 100).toFixed(0)}% (goal <= 25%)`);
console.log(`six tls file checks on a 40-certificate bundle: ${checksMs.toFixed(1)} ms, one parse ${baseline.toFixed(1)} ms, ratio ${parseRatio.toFixed(2)}x (goal <= 2x)`);
const ok = resolveRatio <= 0.25 && parseRatio <= 2;
console.log(ok ? 'goals met' : 'goals NOT met');
process.exitCode = ok ? 0 : 1;
