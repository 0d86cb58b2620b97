#!/usr/bin/env node
// Reference floor for a Node process: read FILE in 1 MiB chunks and count the lines that contain
// "rbd" with Buffer.indexOf (no decoding, no per-line allocation). Prints the count like grep -c.
import { openSync, readSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/baseline-scan.js FILE');
  process.exit(2);
}
const needle = Buffer.from('rbd');
const fd = openSync(file, 'r');
const buf = Buffer.allocUnsafe(1 << 20);
let carry = 0; // bytes of an unfinished line kept at the start of buf
let count = 0;
for (;;) {
  const n = readSync(fd, buf, carry, buf.length - carry, null);
  const end = carry + n;
  if (n === 0) {
    if (end > 0 && buf.subarray(0, end).indexOf(needle) >= 0) count++;
    break;
  }
  let pos = 0;
  for (;;) {
    const hit = buf.indexOf(needle, pos);
    if (hit < 0 || hit >= end) break;
    const nl = buf.indexOf(10, hit);
    if (nl < 0 || nl >= end) {
      pos = hit; // line continues in the next chunk
      break;
    }
    count++;
    pos = nl + 1;
  }
  // keep the unfinished last line (from the last newline before `end`)
  const lastNl = buf.lastIndexOf(10, end - 1);
  const keepFrom = Math.max(lastNl + 1, Math.min(pos, end));
  carry = end - keepFrom;
  if (carry === buf.length) throw new Error('line longer than 1 MiB');
  buf.copy(buf, 0, keepFrom, end);
}
console.log(count);
