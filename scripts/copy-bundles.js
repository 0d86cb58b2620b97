// tsc does not copy the generated grammar bundles (plain .js) into dist/; do it here.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

mkdirSync('dist/grammars', { recursive: true });
for (const name of readdirSync('grammars')) {
  if (name.endsWith('.ohm-bundle.js')) copyFileSync(`grammars/${name}`, `dist/grammars/${name}`);
}
