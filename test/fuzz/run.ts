// `npm run fuzz`: every target of test/fuzz/harness.ts for many inputs. Prints the seed, and per
// target the inputs run, the time and any failure with the one command that replays it.
//
//   node dist/test/fuzz/run.js [--runs N] [--seed S] [--target a,b] [--path P]
//   (defaults: 1,000,000 runs per target, a seed from the clock, every target)
import { parseArgs } from 'node:util';
import { loadCorpus } from './corpus.js';
import { TARGETS, goodLines } from './harness.js';

const USAGE = 'usage: node dist/test/fuzz/run.js [--runs N] [--seed S] [--target a,b] [--path P] [--chunk N]';
function parseOptions() {
  try {
    return parseArgs({
      options: {
        runs: { type: 'string', default: '1000000' },
        seed: { type: 'string' },
        target: { type: 'string' },
        path: { type: 'string' },
        chunk: { type: 'string', default: '10000' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return process.exit(2);
  }
}
const values = parseOptions();
if (values.help) { console.log(`${USAGE}\ntargets: ${TARGETS.map((t) => t.name).join(', ')}`); process.exit(0); }
const runs = Number(values.runs);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const chunk = Number(values.chunk);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || !Number.isInteger(chunk) || chunk < 1) {
  console.error(USAGE);
  process.exit(2);
}
// In the order asked for (cheap targets first, say), else in TARGETS order.
const targets = values.target ? values.target.split(',').map((name) => TARGETS.find((t) => t.name === name)) : [...TARGETS];
if (targets.length === 0 || targets.some((t) => t === undefined)) { console.error(`no such target; targets: ${TARGETS.map((t) => t.name).join(', ')}`); process.exit(2); }

const corpus = loadCorpus();
const good = await goodLines(corpus);
console.log(`fuzz: seed ${seed}, ${runs} inputs per target, ${targets.length} target(s), corpus ${corpus.length} lines (${good.length} good lines)`);
let failed = 0;
for (const target of targets as typeof TARGETS) {
  if (values.path) {
    const r = await target.run(corpus, good, 1, seed, values.path);
    console.log(r.failure ? `${target.name}: FAILED\n  ${r.failure}` : `${target.name}: replayed, passes`);
    if (r.failure) failed += 1;
    continue;
  }
  // In chunks of `chunk` inputs, each from its own seed (seed + k), so progress shows and a failure
  // replays from the chunk's seed without the inputs before it.
  let done = 0;
  let ms = 0;
  for (let k = 0; done < runs; k++) {
    const n = Math.min(chunk, runs - done);
    const r = await target.run(corpus, good, n, seed + k, undefined);
    done += r.runs;
    ms += r.ms;
    if (r.failure) {
      console.log(`${target.name}: FAILED after ${done} inputs (chunk seed ${seed + k})\n  ${r.failure.replace(`--seed ${seed + k}`, `--seed ${seed + k}`)}`);
      failed += 1;
      break;
    }
    if (k % 10 === 9 || done >= runs) console.log(`${target.name}: ${done} inputs, ${(ms / 1000).toFixed(1)} s, 0 failures`);
  }
}
console.log(`fuzz: ${failed === 0 ? 'no failures' : `${failed} target(s) failed`} (seed ${seed})`);
process.exitCode = failed === 0 ? 0 : 1;
