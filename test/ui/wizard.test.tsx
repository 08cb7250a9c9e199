// The Ink wizard rendered with ink-testing-library on the real pipeline (the built-in demo, a hand-made
// bundle). TOOLCHAIN's pattern: render, keys and waits inside act(); poll the frame until the text appears.
import { afterEach, describe, expect, it } from 'vitest';
import React, { act } from 'react';
import { render } from 'ink-testing-library';
import { Text } from 'ink';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Wizard } from '../../src/ui/Wizard.js';
import { ErrorBoundary } from '../../src/ui/ErrorBoundary.js';
import { StyleContext } from '../../src/ui/paint.js';
import { makeServices } from '../../src/ui/services.js';
import { defaultOptions, type TriageOptions } from '../../src/options.js';
import type { Io } from '../../src/io.js';
import type { WizardServices } from '../../src/wizard/services.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const PLAIN = { color: false, unicode: true };
const DOWN = '\u001b[B';
const ESC = '\u001b';

function quietIo(): Io {
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: process.cwd() };
}

interface Session {
  frame: () => string;
  press: (data: string) => Promise<void>;
  waitFor: (what: string | RegExp, timeoutMs?: number) => Promise<string>;
  exitCode: () => number | undefined;
  /** Polls (inside act) until the wizard has called onExit; its code. */
  exited: (timeoutMs?: number) => Promise<number>;
  cleanup: () => Promise<void>;
}

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.cleanup();
});

async function start(opts: Partial<TriageOptions>, origin: 'live' | 'demo' | 'bundle', size = { columns: 100, rows: 40 }, style = PLAIN): Promise<Session> {
  const services: WizardServices = makeServices(defaultOptions(opts), quietIo());
  let code: number | undefined;
  let r!: ReturnType<typeof render>;
  await act(async () => {
    r = render(
      <StyleContext.Provider value={style}>
        <Wizard init={{ origin, size }} services={services} onExit={(c) => (code = c)} />
      </StyleContext.Provider>,
    );
  });
  const frame = () => r.lastFrame() ?? '';
  const session: Session = {
    frame,
    press: async (data) => {
      await act(async () => {
        r.stdin.write(data);
      });
    },
    waitFor: async (what, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      const match = (f: string) => (typeof what === 'string' ? f.includes(what) : what.test(f));
      while (Date.now() < deadline) {
        if (match(frame())) return frame();
        await act(async () => {
          await new Promise((resolve) => setTimeout(resolve, 25));
        });
      }
      throw new Error(`timed out waiting for ${String(what)}; the frame was:\n${frame()}`);
    },
    exitCode: () => code,
    exited: async (timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (code === undefined && Date.now() < deadline) {
        await act(async () => {
          await new Promise((resolve) => setTimeout(resolve, 25));
        });
      }
      if (code === undefined) throw new Error(`the wizard did not exit; the frame was:\n${frame()}`);
      return code;
    },
    cleanup: async () => {
      await act(async () => r.unmount());
      await services.dispose();
    },
  };
  sessions.push(session);
  return session;
}

describe('the wizard on the demo', () => {
  it('draws the menu at once, then the header with what was found', async () => {
    const w = await start({ demo: true }, 'demo');
    expect(w.frame()).toContain('❯ Run every check (recommended)');
    expect(w.frame()).toContain('The proxy exits with cannot unmarshal !!seq into map[string]string');
    const header = await w.waitFor('Compose project');
    expect(header).toMatch(/Tunnel\s+abcd1234\.tunnel\.anthropic\.com/);
    expect(header).toMatch(/↑↓ move · enter run · 1-9 pick · q quit/);
  });

  it('falls back to ASCII without a UTF-8 locale', async () => {
    const w = await start({ demo: true }, 'demo', { columns: 100, rows: 40 }, { color: false, unicode: false });
    await w.waitFor('Compose project');
    expect(w.frame()).toContain('> Run every check (recommended)');
    expect(w.frame()).toContain('up/down move - enter run - 1-9 pick - q quit');
    await w.press('\r');
    const results = await w.waitFor(/Findings\s+\d+ errors?/);
    expect(results).toMatch(/\| . Claude \|->\| . tunnel edge \|->/);
    expect(results.split('\n').slice(-12).join('\n')).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('runs every check, draws the path, opens a finding, applies its fix, sees it verified, and quits with 1', async () => {
    const w = await start({ demo: true }, 'demo');
    await w.waitFor('Compose project');
    await w.press('\r');
    const results = await w.waitFor(/Findings\s+\d+ errors?/);
    expect(results).toMatch(/│ . Claude │─▶│/);
    expect(results).toMatch(/✗ ROUTING\s+`?routes`? is a YAML list/);
    // The cursor starts on the first error, not on an info line; move to the routes finding from there.
    const lines = results.split('\n').filter((l) => /^[ ❯] [✗!i✓] [A-Z]+ /.test(l));
    const cursor = lines.findIndex((l) => l.startsWith('❯'));
    expect(lines[cursor]).toMatch(/^❯ ✗ /);
    expect(lines.slice(0, cursor).some((l) => /^ ✗ /.test(l))).toBe(false);
    const index = lines.findIndex((l) => l.includes('YAML list'));
    for (let i = cursor; i < index; i++) await w.press(DOWN);
    await w.press('\r');
    const finding = await w.waitFor('What it means');
    expect(finding).toMatch(/Evidence\n\s+config\/mcp-proxy\.yaml:\d+ {2}routes:/);
    expect(finding).toMatch(/\(f\) Rewrite routes from a list to a map/);
    expect(finding).toMatch(/\(c\) copy the commands for a manual run/);
    await w.press('f');
    const plan = await w.waitFor('Run it? (y) yes (n) no');
    expect(plan).toMatch(/edit config\/mcp-proxy\.yaml/);
    expect(plan).toMatch(/\+ {2}mcp: http:\/\/10\.20\.0\.15:8080/);
    await w.press('y');
    const done = await w.waitFor(/Fixed:|Not fixed:|Cannot tell/, 30_000);
    expect(done).toMatch(/✓ Fixed: /);
    expect(done).toMatch(/done {4}edit config\/mcp-proxy\.yaml/);
    // The fixed finding is gone from the fresh results: Enter goes back to them, re-derived (counts and all).
    await w.press('\r');
    const after = await w.waitFor('Fixed this session');
    expect(after).toMatch(/✓ Fixed this session: `routes` is a YAML list; the proxy needs a map/);
    expect(after.split('\n').filter((l) => /^[ ❯] [✗!i✓] [A-Z]+ /.test(l)).some((l) => l.includes('YAML list'))).toBe(false);
    const count = (frame: string) => Number(/Findings\s+(\d+) errors?/.exec(frame)?.[1]);
    expect(count(after)).toBeLessThan(count(results));
    await w.press('q');
    // The demo has more errors than the routes one: the exit code says one remains.
    expect(await w.exited()).toBe(1);
  });
});

async function handMadeBundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtt-ui-bundle-'));
  await mkdir(join(dir, 'files/config'), { recursive: true });
  await writeFile(join(dir, 'files/docker-compose.yaml'), DOCUMENTED_COMPOSE);
  await writeFile(join(dir, 'files/config/mcp-proxy.yaml'), proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n'));
  return dir;
}

describe('the wizard on a bundle', () => {
  it('takes Down x3 + Enter in one chunk as the fourth item, and asks for the fact it needs', async () => {
    const dir = await handMadeBundle();
    try {
      const w = await start({ fromBundle: dir }, 'bundle');
      await w.waitFor('not run: reading a bundle');
      await w.press(`${DOWN}${DOWN}${DOWN}\r`);
      const asked = await w.waitFor('The tunnel domain shown on the tunnel\'s page in the Console');
      expect(asked).toContain('The proxy logs no route for host');
      expect(asked).toContain('Enter keeps the default: abcd1234.tunnel.anthropic.com');
      // q is text in the input; an answer pasted with its Enter in one chunk arrives whole.
      await w.press('q');
      await w.waitFor('> q');
      expect(w.exitCode()).toBeUndefined();
      await w.press('\u007f');
      await w.press('efgh5678.tunnel.anthropic.com\r');
      const results = await w.waitFor(/Findings\s+\d+ errors?/);
      expect(results).toContain('Checked: The proxy logs no route for host');
      // The answer is the tunnel's domain from now on (the header says so).
      expect(results).toContain('Compose project (from the bundle) · efgh5678.tunnel.anthropic.com');
      await w.press(ESC);
      await w.waitFor('What are you seeing?');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shows the findings and says why fixes cannot run on a bundle', async () => {
    const dir = await handMadeBundle();
    try {
      const w = await start({ fromBundle: dir }, 'bundle');
      await w.waitFor('not run: reading a bundle');
      await w.press('\r');
      const results = await w.waitFor(/Findings/);
      const lines = results.split('\n').filter((l) => /^[ ❯] [✗!i✓] [A-Z]+ /.test(l));
      const index = lines.findIndex((l) => l.includes('YAML list'));
      expect(index).toBeGreaterThanOrEqual(0);
      for (let i = 0; i < index; i++) await w.press(DOWN);
      await w.press('\r');
      const finding = await w.waitFor('What it means');
      expect(finding).toMatch(/Fixes cannot run on a bundle/);
      await w.press('f');
      await w.waitFor(/Fixes cannot run on a bundle: it is evidence copied from another host\. Run the wizard/);
      expect(w.frame()).not.toMatch(/Run it\?/);
      await w.press('c');
      const copied = await w.waitFor('Commands for a manual run');
      expect(copied).toMatch(/patch -p1 <<'MCP_TUNNEL_TRIAGE_PATCH'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the error boundary', () => {
  it('turns a render crash into one red line and reports it', async () => {
    const Boom = () => {
      throw new Error('boom\nsecond line');
    };
    let crashed: string | undefined;
    const original = console.error;
    console.error = () => {};
    let r!: ReturnType<typeof render>;
    try {
      await act(async () => {
        r = render(
          <ErrorBoundary onCrash={(m) => (crashed = m)}>
            <Text>ok</Text>
            <Boom />
          </ErrorBoundary>,
        );
      });
    } finally {
      console.error = original;
    }
    expect(crashed).toBe('boom');
    expect(r.lastFrame()).toBe('mcp-tunnel-triage: the wizard crashed: boom (re-run with --debug, or use `diagnose`)');
    await act(async () => r.unmount());
  });
});
