import { isSeq } from 'yaml';
import type { Check, Observation } from '../../types.js';
import { usableProxyConfigs, lineEvidence } from '../../check-input.js';
import { routesNode, viewKeyLine, viewKeyName } from '../../proxy-config.js';
import { lineOf } from '../../yaml-source.js';

export const routesIsList: Check = {
  id: 'routing.routes-is-list',
  layer: 'routing',
  title: '`routes` is a map of name: scheme://host:port',
  needs: ['file:config', 'file:values'],
  emits: ['routing.routes-is-list'],
  run(s) {
    const out: Observation[] = [];
    for (const view of usableProxyConfigs(s)) {
      const routes = routesNode(view);
      if (!isSeq(routes)) continue;
      const keyLine = viewKeyLine(view, ['routes']);
      const ev = [lineEvidence(s, view.file, keyLine)];
      const firstItem = routes.items[0];
      if (firstItem) ev.push(lineEvidence(s, view.file, lineOf(view.yaml, firstItem)));
      out.push({ id: 'routing.routes-is-list', evidence: ev, data: { file: view.file, key: viewKeyName(view, ['routes']), items: routes.items.length } });
    }
    return out;
  },
};
