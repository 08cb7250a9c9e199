// A server of the test's own on a loopback port the kernel picks; its close is pushed onto the caller's cleanups.
import type { Server } from 'node:net';

export function listenOnLoopback(server: Server, cleanups: (() => Promise<void> | void)[]): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
      resolve((server.address() as { port: number }).port);
    });
  });
}
