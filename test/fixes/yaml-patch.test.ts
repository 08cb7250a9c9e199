import { describe, expect, it } from 'vitest';
import { isMap, isSeq, Scalar, parse } from 'yaml';
import { YamlPatch, mapOf } from '../../src/fixes/yaml-patch.js';

const COMPOSE = `# top comment
services:
  mcp-proxy:
    image: mcp-proxy:latest
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
  cloudflared:
    image: cloudflare/cloudflared:latest   # pinned later
    command: tunnel --no-autoupdate run
    networks: [front]
    environment:
      - TUNNEL_TOKEN
`;

describe('YamlPatch: minimal edits through the Document API', () => {
  it('changes a scalar in place, keeping its quotes, its comment and every other byte', () => {
    const p = new YamlPatch('listen_addr: ":8080"\ntunnel_domain: "old.tunnel.anthropic.com"   # from the page\nroutes: {a: "http://10.0.0.1:80"}\n');
    p.setIn(['tunnel_domain'], 'abcd1234.tunnel.anthropic.com');
    expect(p.toString()).toBe('listen_addr: ":8080"\ntunnel_domain: "abcd1234.tunnel.anthropic.com"   # from the page\nroutes: {a: "http://10.0.0.1:80"}\n');
    expect(p.reformatted).toBe(false);
  });

  it('creates missing maps on the way, at the file\'s own indentation', () => {
    const p = new YamlPatch('api:\n    wif:\n        federationRuleId: fr_1   # rule\ngateway:\n    config: {}\n');
    p.setIn(['api', 'wif', 'audience'], 'https://api.anthropic.com');
    p.setIn(['setup', 'enabled'], false);
    expect(p.toString()).toBe('api:\n    wif:\n        federationRuleId: fr_1   # rule\n        audience: https://api.anthropic.com\ngateway:\n    config: {}\nsetup:\n    enabled: false\n');
  });

  it('adds a pair after a given key and removes another, leaving the rest as written', () => {
    const p = new YamlPatch(COMPOSE);
    const svc = p.get(['services', 'cloudflared']);
    if (!isMap(svc)) throw new Error('no map');
    const mode = new Scalar('service:mcp-proxy');
    mode.type = Scalar.QUOTE_DOUBLE;
    p.insertPair(svc, new (svc.items[0]!.constructor as never as typeof import('yaml').Pair)(new Scalar('network_mode'), mode), p.pairOf(svc, 'command'));
    p.removePair(svc, 'networks');
    p.setScalar(p.get(['services', 'cloudflared', 'command']) as Scalar, 'tunnel --no-autoupdate run --url http://localhost:8080');
    expect(p.toString()).toBe(COMPOSE.replace('command: tunnel --no-autoupdate run\n    networks: [front]\n', 'command: tunnel --no-autoupdate run --url http://localhost:8080\n    network_mode: "service:mcp-proxy"\n'));
  });

  it('replaces a list by a map in place, keeping comments of the items', () => {
    const src = 'tunnel_domain: x.tunnel.anthropic.com\n# routes below\nroutes:\n  - mcp: http://10.0.0.1:8080   # main\n  - wiki: http://10.0.0.2:3000\nupstream:\n  allowed_ips: [10.0.0.0/8]\n';
    const p = new YamlPatch(src);
    const routes = p.get(['routes']);
    if (!isSeq(routes)) throw new Error('no seq');
    const map = mapOf([]);
    for (const item of routes.items) if (isMap(item)) map.items.push(item.items[0]!);
    p.replaceValue(p.pairOf(p.doc.contents as never, 'routes')!, map);
    const out = p.toString();
    expect(out).toBe('tunnel_domain: x.tunnel.anthropic.com\n# routes below\nroutes:\n  mcp: http://10.0.0.1:8080 # main\n  wiki: http://10.0.0.2:3000\nupstream:\n  allowed_ips: [10.0.0.0/8]\n');
    expect(parse(out).routes).toEqual({ mcp: 'http://10.0.0.1:8080', wiki: 'http://10.0.0.2:3000' });
  });

  it('appends to and removes from block and flow lists in the style they are written', () => {
    const block = new YamlPatch('upstream:\n  allowed_ips:\n  - 0.0.0.0/0 # TODO\n  - 10.0.0.0/8\nlog_level: info\n');
    const seq = block.get(['upstream', 'allowed_ips']);
    if (!isSeq(seq)) throw new Error('no seq');
    const added = new Scalar('203.0.113.7/32');
    added.comment = ' api.example.com';
    block.appendItems(seq, [added]);
    block.removeItem(seq, seq.items[0] as Scalar);
    expect(block.toString()).toBe('upstream:\n  allowed_ips:\n  - 10.0.0.0/8\n  - 203.0.113.7/32 # api.example.com\nlog_level: info\n');

    const flow = new YamlPatch('upstream:\n  allowed_ips: [10.0.0.0/8]   # narrow\n');
    const fseq = flow.get(['upstream', 'allowed_ips']);
    if (!isSeq(fseq)) throw new Error('no seq');
    flow.appendItems(fseq, [new Scalar('192.168.0.0/16')]);
    expect(flow.toString()).toBe('upstream:\n  allowed_ips: [10.0.0.0/8, 192.168.0.0/16]   # narrow\n');
  });

  it('keeps CRLF line endings and a last line without a newline', () => {
    const p = new YamlPatch('a: 1\r\nb:\r\n  - x\r\n  - y');
    const seq = p.get(['b']);
    if (!isSeq(seq)) throw new Error('no seq');
    p.appendItems(seq, [new Scalar('z')]);
    expect(p.toString()).toBe('a: 1\r\nb:\r\n  - x\r\n  - y\r\n  - z\r\n');
  });

  it('returns the text unchanged when nothing was edited, and refuses what is not YAML', () => {
    const src = 'a:   1 # odd spacing\n';
    const p = new YamlPatch(src);
    p.setIn(['a'], 1);
    expect(p.changed).toBe(false);
    expect(p.toString()).toBe(src);
    expect(() => new YamlPatch('a: [1, 2\n')).toThrow(/not valid YAML/);
  });
});
