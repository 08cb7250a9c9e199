import type { Check } from '../../types.js';
import { composeModel, serviceFor } from '../../compose-model.js';
import { commandWords, envEntry, flagValue } from '../../compose-command.js';
import { lineEvidence } from '../../check-input.js';
import { lineOf } from '../../yaml-source.js';
import { scalarValue, readableProxyConfigs } from '../../proxy-config.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function listenPort(s: Parameters<Check['run']>[0]): number {
  const view = readableProxyConfigs(s).find((v) => v.prefix.length === 0);
  const addr = view ? scalarValue(view, ['listen_addr']) : undefined;
  const port = typeof addr === 'string' ? Number(/:(\d+)$/.exec(addr)?.[1]) : NaN;
  return Number.isInteger(port) && port > 0 ? port : 8080;
}

// cloudflared needs a local target: `--url http://localhost:8080` inside the proxy's network namespace.
export const cloudflaredService: Check = {
  id: 'edge.cloudflared-service',
  layer: 'edge',
  title: 'cloudflared sends requests to the proxy (--url, network_mode)',
  needs: ['file:compose'],
  emits: ['edge.no-ingress'],
  run(s) {
    const model = composeModel(s);
    const svc = serviceFor(model, 'cloudflared');
    const proxy = serviceFor(model, 'mcp-proxy');
    if (!model || !svc) return [];
    const file = model.file;
    const words = commandWords(svc);
    const url = flagValue(words, '--url') ?? envEntry(svc, 'TUNNEL_URL')?.value;
    const networkMode = svc.node.get('network_mode');
    const proxyName = proxy?.name ?? 'mcp-proxy';
    const sharesNamespace = typeof networkMode === 'string' && (networkMode === `service:${proxyName}` || networkMode.startsWith('container:'));
    const commandNode = svc.node.get('command', true);
    const serviceKeyLine = lineOf(model.yaml, model.services.find((x) => x.name === svc.name)?.node);
    const commandEv = lineEvidence(s, file, lineOf(model.yaml, commandNode) ?? serviceKeyLine);
    const port = listenPort(s);
    const data = { file, service: svc.name, proxyService: proxyName, url, networkMode, listenPort: port };
    const noNet = 'and no `network_mode: "service:mcp-proxy"`';
    if (!url) {
      return [{ id: 'edge.no-ingress', variant: 'missing-url', vars: { file, also: sharesNamespace ? '' : ` ${noNet}` }, evidence: [commandEv], data: { ...data, missingUrl: true, missingNetwork: !sharesNamespace } }];
    }
    let target: URL | undefined;
    try {
      target = new URL(url);
    } catch {
      target = undefined;
    }
    const host = target?.hostname ?? '';
    const targetPort = Number(target?.port || (target?.protocol === 'https:' ? 443 : 80));
    const reachesByName = host === proxyName && networkMode !== 'host';
    const loopback = LOOPBACK.has(host);
    if (!target || (!loopback && !reachesByName) || targetPort !== port || target.protocol !== 'http:') {
      return [{ id: 'edge.no-ingress', variant: 'wrong-url', vars: { file, url, listen: `:${port} (plaintext http)`, also: loopback && !sharesNamespace ? `, ${noNet.replace(/^and /, 'and there is ')}` : '' }, evidence: [commandEv], data: { ...data, wrongUrl: true, missingNetwork: loopback && !sharesNamespace } }];
    }
    if (loopback && !sharesNamespace) {
      const netLine = lineOf(model.yaml, svc.node.get('network_mode', true));
      return [{ id: 'edge.no-ingress', variant: 'missing-network', vars: { file }, evidence: [commandEv, ...(netLine ? [lineEvidence(s, file, netLine)] : [])], data: { ...data, missingNetwork: true } }];
    }
    return [];
  },
};
