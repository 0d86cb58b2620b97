#!/usr/bin/env -S node --max-semi-space-size=2
// The rbd-explain executable: only process wiring; everything else is in the library.
// A small young generation keeps peak memory flat on long inputs at no cost in speed
// (docs/benchmark.md); the flag must be on node's command line, hence the shebang.
import { main } from './cli/main.js';

main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env })
  .then((code) => { process.exitCode = code; })
  .catch((err: unknown) => {
    process.stderr.write(`rbd-explain: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  });
