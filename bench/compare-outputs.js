#!/usr/bin/env node
// Byte-for-byte comparison of the JSON report of two builds on the same inputs (issue 15: output
// identical to the build before a speed change). Both builds run in this one process, each with its
// own module graph; every input is analysed alone, as `rbd-explain --format json FILE` would.
//
//   node bench/compare-outputs.js /tmp/old-build/dist dist              fixtures/ and bench/data/*.log
//   node bench/compare-outputs.js OLD NEW file1 file2 …                 only these inputs
//
// Exit 0 when every output is identical, 1 when one differs (each difference is listed).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldDist, newDist, ...given] = process.argv.slice(2);
if (!oldDist || !newDist) {
  console.error('usage: node bench/compare-outputs.js OLD_DIST NEW_DIST [inputs…]');
  process.exit(2);
}
const INPUT = /\.(?:log|json|txt|ndjson|case)$/;

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    const p = join(dir, name);
    if (entry.isDirectory()) walk(p, out);
    else if (!entry.isFile()) continue; // symlinks of the doctor fixtures point into a fake root
    else if (INPUT.test(name) && !name.endsWith('.cli-output.json') && !name.endsWith('.meta.json')) out.push(p);
  }
  return out;
}

async function load(dist) {
  const base = pathToFileURL(resolve(dist) + '/').href;
  const { analyzeFiles } = await import(new URL('src/index.js', base).href);
  const { formatJson } = await import(new URL('src/report/json.js', base).href);
  return async (file) => {
    try { return formatJson(await analyzeFiles([file], { workers: 1 })); } catch (err) { return `threw: ${err.message}`; }
  };
}

const inputs = given.length ? given : [...walk('fixtures'), ...walk('bench/data').filter((f) => f.endsWith('.log'))];
const [before, after] = [await load(oldDist), await load(newDist)];
let differ = 0;
for (const file of inputs) {
  const [a, b] = [await before(file), await after(file)];
  if (a !== b) {
    differ++;
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    console.log(`DIFFERS ${file} at byte ${i}: ${JSON.stringify(a.slice(Math.max(0, i - 60), i + 60))} vs ${JSON.stringify(b.slice(Math.max(0, i - 60), i + 60))}`);
  }
}
console.log(`${inputs.length} inputs, ${inputs.length - differ} identical, ${differ} differ`);
process.exit(differ ? 1 : 0);
