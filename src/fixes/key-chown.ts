// Gives the TLS key to the proxy's user (`chown 65532:65532 data/tls.key`): readable by the proxy, still
// private to everyone else. Only root may give a file away, so it is offered only when the tool runs as root.
import type { Fix } from './types.js';
import { keyTarget, proxyCanRead, modeText, ownerText } from './key-access.js';
import { RESTART_FOR_KEY, restartProxySteps } from './restart-proxy.js';
import { nothingToDo, planOf } from './plan-kit.js';

export const keyChown: Fix = {
  id: 'key-chown',
  title: "Give the TLS key to the proxy's user (chown; the key stays private)",
  kind: 'command',
  findings: ['tls.key-unreadable'],
  plan(s) {
    const t = keyTarget(s);
    if (!t) return undefined;
    if (s.state.runAs && s.state.runAs.uid !== 0) return undefined; // cannot succeed; key-chmod says how with sudo
    const owner = ownerText(t.user);
    if (t.meta.uid === t.user.uid && t.meta.gid === t.user.gid && proxyCanRead(t.meta, t.user)) {
      return nothingToDo(this, `${t.path} is already owned by ${owner} and readable by it (${modeText(t.meta.mode)})`);
    }
    const restart = restartProxySteps(s, RESTART_FOR_KEY);
    return planOf(this, [
      { kind: 'command', argv: ['chown', owner, t.path], cwd: t.dir, touches: [t.touch], why: `the proxy runs as ${t.user.text}; as the key's owner it can read it, and the mode ${modeText(t.meta.mode)} keeps it from everyone else` },
      ...restart,
    ]);
  },
};
