// The key's folder must be searchable by the proxy's user, or `open /data/tls.key` fails whatever the
// key's own mode. Adds only the search bit for the class the proxy's user falls in (`chmod o+x data`):
// listing the folder stays as it was.
import type { Fix } from './types.js';
import { keyTarget, modeText } from './key-access.js';
import { permits } from '../analyze/container-user.js';
import { RESTART_FOR_KEY, restartProxySteps } from './restart-proxy.js';
import { nothingToDo, planOf } from './plan-kit.js';

export const dataDirChmod: Fix = {
  id: 'data-dir-chmod',
  title: "Let the proxy's user into the key's folder (chmod +x on the folder)",
  kind: 'command',
  findings: ['tls.key-unreadable'],
  plan(s) {
    const t = keyTarget(s);
    if (!t?.dirMeta || !t.folderTouch) return undefined;
    const dir = t.folder;
    if (dir.startsWith('-')) return undefined;
    if (permits(t.user, t.dirMeta, 1)) return nothingToDo(this, `${dir} is already searchable by the proxy's user (${modeText(t.dirMeta.mode)})`);
    const who = t.dirMeta.uid === t.user.uid ? 'u' : t.dirMeta.gid === t.user.gid || t.user.groups.includes(t.dirMeta.gid) ? 'g' : 'o';
    const restart = restartProxySteps(s, RESTART_FOR_KEY);
    return planOf(this, [
      { kind: 'command', argv: ['chmod', `${who}+x`, dir], cwd: t.dir, touches: [t.folderTouch], why: `the proxy (${t.user.text}) must pass through ${dir} (${modeText(t.dirMeta.mode)}) to open the key; +x lets it in without letting it list the folder` },
      ...restart,
    ]);
  },
};
