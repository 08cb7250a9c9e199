// The spawner: a small node process that starts log commands for the gather (spawner.ts), so that the fork
// of each one is paid here and not on the main thread. Node's spawn blocks its thread until the child has
// exec'd, and the fork costs more the more memory the process holds: measured on Node 20 on 2 cores,
// 4.5 ms a spawn at 54 MB of RSS, 11.6 ms at 254 MB. This process stays small.
//
// Requests arrive on stdin, one JSON object per line: { id, file, args, cwd, env }. For each, it opens two
// connections to the gather's Unix socket (argv[2]), each starting with a 5-byte header (the id, big-endian,
// then 1 for stdout or 2 for stderr), and starts the command with them as its stdout and stderr, in its
// own process group, stdin /dev/null. The gather reads the output straight from the socket; it kills the
// group itself (it knows the pid). Answers go to stdout, one JSON object per line:
// { id, pid } once started, { id, code, signal } when it exits, { id, error, message } if it could not start.
// It exits when its stdin closes (the gather is gone), removing the socket's folder. It writes nothing else
// and never uses a shell.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { basename, dirname } from 'node:path';
import { createInterface } from 'node:readline';

const socketPath = process.argv[2];
process.stdout.on('error', () => process.exit(0)); // the gather is gone
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** One connection to the gather, announced as `stream` of command `id`. */
function open(id, stream) {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    socket.once('error', reject);
    socket.once('connect', () => {
      const head = Buffer.alloc(5);
      head.writeUInt32BE(id, 0);
      head[4] = stream;
      socket.write(head, (err) => (err ? reject(err) : resolve(socket)));
    });
  });
}

const firstLine = (err) => String(err?.message ?? err).split('\n')[0];

async function start(request) {
  const { id, file, args, cwd, env } = request;
  let out;
  let err;
  try {
    [out, err] = await Promise.all([open(id, 1), open(id, 2)]);
  } catch (e) {
    out?.destroy();
    err?.destroy();
    send({ id, error: 'ECONNREFUSED', message: `could not reach the gather: ${firstLine(e)}` });
    return;
  }
  let child;
  try {
    child = spawn(file, args, { cwd, env, stdio: ['ignore', out, err], detached: true, windowsHide: true });
  } catch (e) {
    send({ id, error: e?.code ?? 'EINVAL', message: firstLine(e) });
    return;
  } finally {
    // The child holds its own copies; the gather sees the end of the output when the last holder closes.
    out.destroy();
    err.destroy();
  }
  if (child.pid === undefined) {
    child.once('error', (e) => send({ id, error: e?.code ?? 'ESPAWN', message: firstLine(e) }));
    return;
  }
  send({ id, pid: child.pid });
  child.once('exit', (code, signal) => send({ id, code, signal }));
  child.on('error', () => {}); // a failed kill of a child that is gone: nothing to say
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return;
  }
  if (!Number.isInteger(request?.id) || typeof request.file !== 'string' || !Array.isArray(request.args)) return;
  void start(request);
});
// The gather is gone (even killed with SIGKILL, which runs none of its handlers): its socket folder goes too.
lines.on('close', () => {
  const folder = dirname(socketPath);
  if (basename(folder).startsWith('mtt-spawn-')) rmSync(folder, { recursive: true, force: true });
  process.exit(0);
});
