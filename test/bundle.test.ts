// The bin is an esbuild bundle of the CLI (scripts/bundle.js). What our modules find next to
// themselves at run time (the WebAssembly scanner, the read worker, the grammar bundles) must be
// there next to the chunks too, and the bundle must give the same report as the modules it was
// built from, in one thread and with worker threads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const BIN_DIR = 'dist/src/bin';

test('every file the chunks open relative to themselves exists next to them', () => {
  const chunks = readdirSync(BIN_DIR).filter((f) => f.endsWith('.js'));
  assert.ok(chunks.includes('cli.js') && chunks.includes('read-worker.js'), 'entries');
  const wanted = new Set<string>();
  for (const chunk of chunks) {
    const text = readFileSync(join(BIN_DIR, chunk), 'utf8');
    for (const m of text.matchAll(/new URL\("([^"]+)",\s*import\.meta\.url\)/g)) wanted.add(m[1]!);
    for (const m of text.matchAll(/"(\.\.\/\.\.\/grammars\/[^"]+)"/g)) wanted.add(m[1]!);
  }
  assert.ok([...wanted].some((p) => p.endsWith('.wasm')) && [...wanted].some((p) => p.includes('read-worker')), `references found: ${[...wanted].join(', ')}`);
  for (const path of wanted) assert.ok(existsSync(resolve(BIN_DIR, path)), `${path} is missing next to the bundle`);
});

test('the bundle reports what the modules report, in one thread and with workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-bundle-'));
  try {
    const inputs = ['examples/task10-short.log', 'fixtures/real/caps-other-pool--qemu-drive/journal.short.log'];
    const files = inputs.map((p, i) => { const copy = join(dir, `input-${i}.log`); copyFileSync(p, copy); return copy; });
    const run = (entry: string, jobs: string): string => {
      const res = spawnSync(process.execPath, [entry, '--format', 'json', '--year', '2024', '--jobs', jobs, ...files], { encoding: 'utf8' });
      assert.ok(res.status === 0 || res.status === 1, res.stderr);
      return res.stdout;
    };
    const modules = run('dist/src/cli.js', '1');
    assert.is(run(join(BIN_DIR, 'cli.js'), '1'), modules);
    assert.is(run(join(BIN_DIR, 'cli.js'), '2'), modules);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
