// The wizard's entry, loaded by dynamic import from src/cli.ts so that diagnose, scan and --help never load
// React. It renders, waits for the wizard to quit and returns the exit code: the CLI stays the one owner of exit.
import React from 'react';
import { render } from 'ink';
import { EventEmitter } from 'node:events';
import { constants as osConstants } from 'node:os';
import type { Io } from '../io.js';
import type { TriageOptions } from '../options.js';
import type { Style } from '../report/style.js';
import { Wizard } from './Wizard.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { StyleContext } from './paint.js';
import { lazyServices } from '../wizard/services.js';

const FATAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function runWizard(opts: TriageOptions, io: Io, style: Style, start: { watch?: boolean; forMs?: number } = {}): Promise<number> {
  // The pipeline (gather, checks, fixes) loads after the first frame: the menu does not wait for it.
  const services = lazyServices(() => import('./services.js').then((m) => m.makeServices(opts, io)));
  const signals = new EventEmitter();
  // Every fatal signal takes the Ctrl-C path (a running fix stops and puts its files back), then exits 128+n.
  const onSignal = (sig: NodeJS.Signals) => {
    if (sig === 'SIGHUP') for (const stream of [io.stdout, io.stderr]) stream.on('error', () => {}); // the terminal is gone
    signals.emit('interrupt', 128 + (osConstants.signals[sig] ?? 0));
  };
  for (const sig of FATAL_SIGNALS) process.on(sig, onSignal);
  let code = 0;
  const size = { columns: io.stdout.columns ?? 80, rows: io.stdout.rows ?? 24 };
  const facts = { ...(opts.tunnelDomain ? { tunnelDomain: opts.tunnelDomain } : {}), ...(opts.ca ? { caFile: opts.ca } : {}), ...(opts.audience ? { audience: opts.audience } : {}) };
  let app: ReturnType<typeof render> | undefined;
  const onCrash = () => {
    code = 2;
    setImmediate(() => app?.unmount());
  };
  try {
    app = render(
      <StyleContext.Provider value={style}>
        <ErrorBoundary onCrash={onCrash}>
          <Wizard init={{ origin: opts.fromBundle ? 'bundle' : opts.demo ? 'demo' : 'live', size, ...(opts.symptom ? { symptom: opts.symptom } : {}), ...(start.watch ? { watch: start.forMs !== undefined ? { forMs: start.forMs } : {} } : {}), facts }} services={services} onExit={(c) => (code = c)} signals={signals} />
        </ErrorBoundary>
      </StyleContext.Provider>,
      { stdout: io.stdout as NodeJS.WriteStream, stdin: io.stdin as NodeJS.ReadStream, stderr: io.stderr as NodeJS.WriteStream, exitOnCtrlC: false, patchConsole: false },
    );
    await app.waitUntilExit();
  } finally {
    for (const sig of FATAL_SIGNALS) process.off(sig, onSignal);
    await services.dispose();
  }
  return code;
}
