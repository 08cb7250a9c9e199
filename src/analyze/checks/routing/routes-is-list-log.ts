import type { Check } from '../../types.js';
import { logObservation } from '../../log-evidence.js';

// The proxy's own refusal; merges with the file check's finding (same id and title). Recovered once the
// proxy logs `route configured` after it: the config loads now.
export const routesIsListLog: Check = {
  id: 'routing.routes-is-list-log',
  layer: 'routing',
  title: 'the proxy loads `routes` as a map (logs)',
  needs: ['logs:mcp-proxy'],
  emits: ['routing.routes-is-list'],
  run(s) {
    const obs = logObservation(s, {
      id: 'routing.routes-is-list',
      signatures: ['proxy.routes-is-list'],
      variant: 'log',
      vars: (hits) => {
        const line = hits[hits.length - 1]!.captures.yamlLine;
        return { where: line ? ` (line ${line} of its config)` : '' };
      },
      data: (hits) => {
        const line = hits[hits.length - 1]!.captures.yamlLine;
        return line ? { configLine: Number(line) } : {};
      },
    });
    return obs ? [obs] : [];
  },
};
