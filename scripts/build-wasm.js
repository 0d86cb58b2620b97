// Assembles the WebAssembly text sources (src/**/*.wat) into dist/ next to their compiled .js.
// wabt (a devDependency) is the reference assembler; the .wasm is a build product, not source.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import wabtInit from 'wabt';

const SOURCES = ['src/sources/needle-scan.wat'];
const wabt = await wabtInit();
for (const source of SOURCES) {
  const module = wabt.parseWat(source, readFileSync(source, 'utf8'), { simd: true });
  module.validate();
  const target = `dist/${source.replace(/\.wat$/, '.wasm')}`;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, module.toBinary({}).buffer);
  module.destroy();
}
