#!/usr/bin/env node
// The rbd-explain executable: only process wiring; everything else is in the library.
import { main } from './cli/main.js';

main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env })
  .then((code) => { process.exitCode = code; })
  .catch((err: unknown) => {
    process.stderr.write(`rbd-explain: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  });
