// The guide's fix for `open /data/tls.key: permission denied`: `chmod 644 data/tls.key`. It works, but the
// key becomes readable by every user on the host; key-chown is offered first where it can run.
import type { Fix } from './types.js';
import { keyTarget, proxyCanRead, modeText, ownerText } from './key-access.js';
import { RESTART_FOR_KEY, restartProxySteps } from './restart-proxy.js';
import { commandLine } from './describe.js';
import { manual, manualPlan, nothingToDo, planOf } from './plan-kit.js';
import { touchProblems } from './path-guard.js';

export const keyChmod: Fix = {
  id: 'key-chmod',
  title: 'Make the TLS key readable (chmod 644, the guide\'s fix)',
  kind: 'command',
  findings: ['tls.key-unreadable'],
  plan(s) {
    const t = keyTarget(s);
    if (!t) return undefined;
    if (proxyCanRead(t.meta, t.user)) return nothingToDo(this, `${t.path} is already readable by the proxy's user ${t.user.text} (${modeText(t.meta.mode)})`);
    const argv = ['chmod', '644', t.path];
    const restart = restartProxySteps(s, RESTART_FOR_KEY);
    const runAs = s.state.runAs;
    const owner = ownerText(t.user);
    const refused = touchProblems(s, [t.touch]);
    if (refused.length) return { ...manualPlan(this, refused), refused: true }; // not even as a command for someone to paste
    if (runAs && runAs.uid !== 0 && runAs.uid !== t.meta.uid) {
      // Only the owner or root may change the mode: say what to run rather than fail.
      return planOf(this, [
        manual(`${t.path} belongs to uid ${t.meta.uid} and this tool runs as uid ${runAs.uid}: run \`sudo ${commandLine(argv)}\` (or, keeping the key private, \`sudo chown ${owner} ${t.path}\`), then restart the proxy.`),
      ]);
    }
    return planOf(this, [
      { kind: 'command', argv, cwd: t.dir, touches: [t.touch], why: `the proxy runs as ${t.user.text} (non-root) and the key is ${modeText(t.meta.mode)}; 644 makes it readable by every user on this host (\`chown ${owner} ${t.path}\` keeps it private, as root)` },
      ...restart,
    ]);
  },
};
