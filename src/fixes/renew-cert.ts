// A server certificate that is expired, names the wrong domain, does not chain to the registered CA or does
// not match its key: issue a new one. The setup component does it (`setup renew-cert`, which the chart runs
// from its cert-renew CronJob); without it, the documented openssl recipe, with the tunnel's domain filled in.
// The proxy polls the certificate and reloads it: no restart is needed.
import { isScalar, isSeq } from 'yaml';
import { composeArgv, composeModel, serviceFor } from '../analyze/compose-model.js';
import { helmFullname, helmTarget, isServiceName, manualPlan, planOf } from './plan-kit.js';
import type { Fix } from './types.js';

export const renewCert: Fix = {
  id: 'renew-cert',
  title: 'Issue a new server certificate (setup renew-cert)',
  kind: 'command',
  findings: ['tls.cert-expired', 'tls.san-mismatch', 'tls.ca-mismatch', 'tls.key-mismatch', 'tls.handshake-failed', 'tls.key-unreadable'],
  plan(s) {
    const domain = s.tunnelDomain?.value ?? '<tunnel-domain>';
    if (s.deployment.kind === 'helm') {
      const t = helmTarget(s);
      if (!t) return undefined;
      // A certificate in a Secret the chart does not manage (external.serverCertSecretName) is renewed where it is issued.
      const source = s.state.kube?.tlsSources?.[s.deployment.paths.tlsCert ?? ''];
      if (source && source.secret !== helmFullname(t.release)) {
        return manualPlan(this, [
          `The server certificate is key ${source.key} of Secret ${source.secret} (${source.why}), which the chart's cert-renew CronJob does not write. Renew it where it is issued (cert-manager, your CA): signed directly by the registered CA, SAN *.${domain}, valid now, RSA >= 2048 or ECDSA >= P-256, SHA-256; then update the Secret (kubectl -n ${t.namespace} create secret tls ${source.secret} --cert=tls.crt --key=tls.key --dry-run=client -o yaml | kubectl apply -f -). The proxy reloads it from the Secret.`,
        ]);
      }
      const cron = `${helmFullname(t.release)}-cert-renew`;
      // The Job's name comes from the snapshot's clock, so the plan stays a pure function of the snapshot.
      const job = `${cron}-manual-${Math.floor(Date.parse(s.createdAt) / 1000)}`.slice(-63).replace(/^-+/, '');
      return planOf(this, [
        {
          kind: 'command',
          argv: ['kubectl', ...(t.context ? ['--context', t.context] : []), '-n', t.namespace, 'create', 'job', `--from=cronjob/${cron}`, job],
          why: `runs the chart's renewal now instead of at its next schedule; the pods pick the new certificate up from the Secret (watch it: kubectl -n ${t.namespace} logs job/${job})`,
        },
      ]);
    }
    if (s.deployment.kind !== 'compose') return undefined;
    const setup = serviceFor(composeModel(s), 'setup');
    if (setup && isServiceName(setup.name)) {
      const command = setup.node.get('command', true);
      const words = isSeq(command) ? command.items.map((i) => (isScalar(i) ? String(i.value) : '')) : isScalar(command) ? String(command.value).split(/\s+/) : [];
      const output = words.filter((w) => w.startsWith('--output='));
      return planOf(this, [
        {
          kind: 'command',
          argv: composeArgv(s, ['run', '--rm', setup.name, 'renew-cert', ...output]),
          cwd: s.deployment.dir,
          why: `the setup component signs a new certificate for *.${domain} with the CA in data/; the proxy reloads it without a restart`,
        },
      ]);
    }
    const key = s.deployment.paths.tlsKey ?? 'data/tls.key';
    const cert = s.deployment.paths.tlsCert ?? 'data/tls.crt';
    return manualPlan(this, [
      `Issue a server certificate signed directly by the registered CA (data/ca.crt, data/ca.key), with SAN *.${domain}, valid now, RSA >= 2048 or ECDSA >= P-256, SHA-256:`,
      `openssl req -new -newkey rsa:4096 -nodes -keyout ${key} -subj "/CN=*.${domain}" -out data/tls.csr`,
      `openssl x509 -req -in data/tls.csr -CA data/ca.crt -CAkey data/ca.key -CAcreateserial -days 90 -sha256 -extfile <(printf "subjectAltName=DNS:*.${domain}\\nextendedKeyUsage=serverAuth\\nauthorityKeyIdentifier=keyid") -out ${cert}`,
      `sudo chown 65532:65532 ${key} (readable by the proxy, private to everyone else; the guide's alternative is chmod 644 ${key}). The proxy reloads the certificate by itself.`,
    ]);
  },
};
