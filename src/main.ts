// The process entry (bundled as dist/cli.js): runs main and sets the exit code.
import { main } from './cli.js';
import { processIo } from './io.js';

// A closed pipe (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2), processIo());
