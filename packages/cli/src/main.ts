import { main } from './program';

/** The entry point of the `lupaus` command (bin/lupaus.js runs it through tsx). */

// Output piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
