#!/usr/bin/env node
// Cost of hostile inputs (issue 13): each case is one `rbd-explain --format json FILE` process,
// timed with /usr/bin/time (elapsed, CPU, peak RSS) against the same process on a 1-line file.
// Targets: a 1 MiB needle-bearing line costs < 1 s of CPU, peak RSS < 400 MiB on any one input.
// Figures: docs/fuzzing.md ("Cost caps").
//
//   node bench/hostile.js            every case
//   node bench/hostile.js --json     figures as one JSON document
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist/src/bin/cli.js');
const dir = join(root, 'bench/data/hostile');
const TIME = '/usr/bin/time';
const asJson = process.argv.includes('--json');
if (!existsSync(TIME)) { console.error(`${TIME} is needed (apt-get install time)`); process.exit(2); }
mkdirSync(dir, { recursive: true });

const GOOD = 'Dec 26 10:50:15 pve3 pvedaemon[1032]: rbd error: rbd: listing images failed: (1) Operation not permitted\n';
const MIB = 1 << 20;
/** A needle-bearing line of about 1 MiB whose text is hard for the grammars (many `: ` and spaces). */
const hardLine = (k) => `Dec 26 10:50:1${k} pve${k} pvedaemon[1]: rbd error: ${['a b:c ', ': (', '-drive file=rbd:a/b:c=d ', 'UPID:pve:1:2:3:x:y:z: '][k % 4].repeat(MIB).slice(0, MIB - 200)}: (1) Operation not permitted\n`;

const cases = [
  ['baseline: 1 good line', () => GOOD, []],
  ['one 1 MiB needle line', () => hardLine(0) + GOOD, []],
  ['four distinct 1 MiB needle lines', () => [0, 1, 2, 3].map(hardLine).join('') + GOOD, []],
  ['a 64 MiB line, then a good line', (path) => {
    const fd = openSync(path, 'w');
    writeSync(fd, 'Dec 26 10:50:14 pve3 kernel: rbd ');
    const block = Buffer.alloc(MIB, 0x61);
    for (let i = 0; i < 64; i++) writeSync(fd, block);
    writeSync(fd, `\n${GOOD}`);
    closeSync(fd);
    return null;
  }, []],
  ['export: a 128 MiB text field', (path) => {
    const fd = openSync(path, 'w');
    writeSync(fd, '__REALTIME_TIMESTAMP=1766742615000000\nBIG=');
    const block = Buffer.alloc(MIB, 0x61);
    for (let i = 0; i < 128; i++) writeSync(fd, block);
    writeSync(fd, '\n_HOSTNAME=pve3\nMESSAGE=rbd error: rbd: listing images failed: (1) Operation not permitted\n\n');
    closeSync(fd);
    return null;
  }, ['--input-format', 'export']],
  ['export: /dev/zero', null, ['--input-format', 'export', '/dev/zero']],
];

const rows = [];
for (const [name, make, extra] of cases) {
  const args = [...extra];
  if (make) {
    const path = join(dir, `${rows.length}.log`);
    const text = make(path);
    if (text !== null) writeFileSync(path, text);
    args.push(path);
  }
  const run = spawnSync(TIME, ['-f', '%e %U %S %M', process.execPath, CLI, '--format', 'json', '--year', '2025', ...args], { encoding: 'utf8', maxBuffer: 256 * MIB, timeout: 600_000 });
  const last = run.stderr.trim().split('\n').pop() ?? '';
  const [elapsed, user, sys, rssKiB] = last.split(' ').map(Number);
  rows.push({ case: name, exit: run.status, elapsedS: elapsed, cpuS: Math.round((user + sys) * 100) / 100, peakRssMiB: Math.round(rssKiB / 1024) });
}
if (asJson) console.log(JSON.stringify(rows, null, 2));
else for (const r of rows) console.log(`${r.case.padEnd(36)} exit ${r.exit}  ${String(r.elapsedS).padStart(6)} s  cpu ${String(r.cpuS).padStart(6)} s  peak ${String(r.peakRssMiB).padStart(4)} MiB`);
