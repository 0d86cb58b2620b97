// tsc does not copy the generated grammar bundles (plain .js) into dist/; do it here.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

mkdirSync('dist/grammars', { recursive: true });
for (const name of readdirSync('grammars')) {
  if (name.endsWith('.ohm-bundle.js')) copyFileSync(`grammars/${name}`, `dist/grammars/${name}`);
}

// The bin runs through its shebang (`env -S node <flags>`): make the built file executable.
import { chmodSync } from 'node:fs';
chmodSync('dist/src/cli.js', 0o755);
