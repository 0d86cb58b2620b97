#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=20
// The rbd-explain executable: only process wiring; everything else is in the library.
// A small young generation and a slow-growing old one keep peak memory nearly flat on long
// inputs (V8 otherwise lets garbage pile up to several times the live data before a full
// collection; docs/benchmark.md). The flags must be on node's command line, hence the shebang.
import { main } from './cli/main.js';

// A reader that went away (`rbd-explain … | head -1`) ends the run quietly, as for grep:
// nobody reads the rest. 141 is the status a shell shows for a process ended by SIGPIPE.
const EXIT_BROKEN_PIPE = 141;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
    throw err;
  });
}

main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env })
  .then((code) => { process.exitCode = code; })
  .catch((err: unknown) => {
    process.stderr.write(`rbd-explain: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  });
