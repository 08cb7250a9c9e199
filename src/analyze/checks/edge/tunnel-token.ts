import type { Check, Observation } from '../../types.js';
import { evidence } from '../../evidence.js';

const VARIANTS: Record<string, string> = { quoted: 'quoted', 'unclosed-quote': 'unclosed-quote', whitespace: 'whitespace', truncated: 'truncated' };

// Gather judged the token where it found it (state.token); the value itself never enters the snapshot.
export const tunnelToken: Check = {
  id: 'edge.tunnel-token',
  layer: 'edge',
  title: 'a TUNNEL_TOKEN that decodes reaches cloudflared',
  needs: ['state:token'],
  emits: ['edge.token-missing', 'edge.token-malformed'],
  run(s) {
    const t = s.state.token;
    if (!t) return [];
    const where = t.line && t.file ? `${t.file}:${t.line}` : (t.source ?? t.file ?? 'unknown');
    const ev = evidence(t.file ?? t.source ?? 'TUNNEL_TOKEN', `TUNNEL_TOKEN from ${t.source ?? 'unknown'}${t.detail ? `: ${t.detail}` : ''}`, t.line ? { line: t.line } : {});
    const data = { source: t.source, file: t.file, line: t.line, problem: t.problem, fromShell: t.fromShell ?? false, tokenFile: s.files['data/tunnel-token'] ? 'data/tunnel-token' : undefined };
    if (!t.present) {
      const running = (s.state.containers ?? []).some((c) => c.service === 'cloudflared' && c.state === 'running');
      const lookedIn = t.lookedIn?.length ? `looked in ${t.lookedIn.join(', ')}` : undefined;
      const obs: Observation = {
        id: 'edge.token-missing',
        variant: t.problem === 'empty' ? 'empty' : 'unset',
        vars: { where: t.problem === 'empty' ? (t.detail ?? where) : (t.source ?? where) },
        evidence: [ev, ...(lookedIn ? [evidence(t.file ?? 'TUNNEL_TOKEN', lookedIn)] : [])],
        data,
      };
      // A running cloudflared got its token when it started; the next `up` from a fresh shell will not.
      if (running && t.fromShell) {
        obs.severity = 'warning';
        obs.evidence.push(evidence('docker compose ps', 'cloudflared is running: it kept the token it was started with; the next `docker compose up` from this shell starts it without one'));
      }
      return [obs];
    }
    if (!t.problem) return [];
    const variant = VARIANTS[t.problem] ?? 'decode';
    const quotedInEnvFile = (t.problem === 'quoted' || t.problem === 'unclosed-quote') && t.file !== undefined && !/ya?ml$/.test(t.file);
    return [{
      id: 'edge.token-malformed',
      variant,
      vars: { where: variant === 'decode' ? where : `${where}: ${t.detail ?? t.problem}`, problem: t.detail ?? t.problem },
      evidence: [ev],
      data,
      ...(t.problem === 'quoted' || t.problem === 'unclosed-quote' || t.problem === 'whitespace' ? { fixes: quotedInEnvFile || t.problem === 'whitespace' ? ['env-token-unquote', 'export-tunnel-token'] : ['export-tunnel-token'] } : { fixes: ['export-tunnel-token'] }),
    }];
  },
};
