import type { Check } from '../../types.js';
import { CheckInputError } from '../../check-input.js';
import { composeModel, serviceFor } from '../../compose-model.js';
import { containerUserOf, modeText, permits } from '../../container-user.js';
import { evidence } from '../../evidence.js';
import { scalarValue, readableProxyConfigs } from '../../proxy-config.js';
import { proposeRoles } from '../../../snapshot/roles.js';

// The proxy opens the key as its container user: the key's mode and owner, and the folder's, must allow it.
export const keyPermissions: Check = {
  id: 'tls.key-permissions',
  layer: 'tls',
  title: 'the proxy\'s user can read the TLS key',
  needs: ['file:tlsKey', 'file:config'],
  emits: ['tls.key-unreadable'],
  run(s) {
    if (s.deployment.kind === 'helm') return []; // the chart mounts the key from a Secret
    const svc = serviceFor(composeModel(s), 'mcp-proxy');
    const user = containerUserOf(svc);
    if (!user) throw new CheckInputError(`the mcp-proxy service runs as \`${String(svc?.node.get('user'))}\`, a name this tool cannot map to a uid; use numbers (user: "65532:65532")`);
    const config = readableProxyConfigs(s).find((v) => v.prefix.length === 0);
    const keyIn = (config && scalarValue(config, ['tls', 'key_file'])) || '/data/tls.key';
    const keyPath = s.deployment.paths.tlsKey ?? proposeRoles(s.files, s.deployment.paths).tlsKey;
    if (!keyPath) return [];
    const file = s.files[keyPath];
    const userText = `${user.uid}:${user.gid}${user.groups.length ? ` (groups ${user.groups.join(', ')})` : ''}${user.defaulted ? ', the image\'s user' : ''}`;
    const data = { path: keyPath, inContainer: String(keyIn), user: { uid: user.uid, gid: user.gid } };
    if (!file) {
      // Absent only counts where the chain compose -> config -> key was followed on the host itself (a bundle
      // may simply not carry the files).
      if (s.origin === 'bundle' || !config || !s.deployment.paths.compose) return [];
      if (!s.deployment.paths.tlsCert) {
        // Neither file exists where the mounts say: on this host that is a proxy that cannot start.
        const cert = proposeRoles(s.files, s.deployment.paths).tlsCert ?? 'data/tls.crt';
        const certIn = String(scalarValue(config, ['tls', 'cert_file']) || '/data/tls.crt');
        return [{
          id: 'tls.key-unreadable', variant: 'no-tls-files',
          vars: { cert, key: keyPath, certIn, inContainer: String(keyIn) },
          evidence: [evidence(config.file, `tls.cert_file: ${certIn} -> ${cert}, tls.key_file: ${String(keyIn)} -> ${keyPath} (neither found)`)],
          data: { ...data, cert },
          fixes: ['renew-cert'],
        }];
      }
      return [{ id: 'tls.key-unreadable', variant: 'missing', vars: { key: keyPath, inContainer: String(keyIn) }, evidence: [evidence(config.file, `tls.key_file: ${String(keyIn)} -> ${keyPath} (not found)`)], data, fixes: ['renew-cert'] }];
    }
    if (!file.meta) throw new CheckInputError(`the mode and owner of ${keyPath} were not gathered`);
    const dir = keyPath.includes('/') ? keyPath.slice(0, keyPath.lastIndexOf('/')) : '.';
    if (file.dirMeta && !permits(user, file.dirMeta, 1)) {
      const owner = `${file.dirMeta.uid}:${file.dirMeta.gid}`;
      return [{
        id: 'tls.key-unreadable', variant: 'dir',
        vars: { dir, mode: modeText(file.dirMeta.mode), owner, user: userText, inContainer: String(keyIn) },
        evidence: [evidence(dir, `folder mode ${modeText(file.dirMeta.mode)}, owner ${owner}; proxy user ${userText}`)],
        data: { ...data, dir, dirMode: file.dirMeta.mode & 0o777, dirUid: file.dirMeta.uid, dirGid: file.dirMeta.gid },
        fixes: ['data-dir-chmod'],
      }];
    }
    if (permits(user, file.meta, 4)) return [];
    const owner = `${file.meta.uid}:${file.meta.gid}`;
    return [{
      id: 'tls.key-unreadable',
      vars: { mode: modeText(file.meta.mode), owner, user: userText },
      evidence: [evidence(keyPath, `mode ${modeText(file.meta.mode)}, owner ${owner}; the proxy runs as ${userText}${user.uid === 0 && !user.bypassesPermissions ? ' with all capabilities dropped' : ''}`)],
      data: { ...data, mode: file.meta.mode & 0o777, uid: file.meta.uid, gid: file.meta.gid },
    }];
  },
};
