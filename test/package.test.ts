// The package as a consumer gets it: `npm pack`, the tarball installed into a new project (offline,
// from npm's cache), its bin run on the bundled example, the library imported, `--version` ours
// (yargs guessed it from the project's package.json once installed in node_modules).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INPUT_FORMATS } from '../src/types.js';

/** The repository to pack (another checkout's, to show the test failing before a change). */
const REPO = resolve(process.env['RBD_EXPLAIN_REPO'] ?? '.');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ours = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

function sh(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, [...args], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
}

test('npm pack → install in a new project → bin, library and --version work there', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-consumer-'));
  try {
    const pack = sh(NPM, ['pack', '--json', '--pack-destination', dir], REPO);
    assert.is(pack.status, 0, pack.stderr);
    const [packed] = JSON.parse(pack.stdout) as { filename: string; integrity: string; files: { path: string }[] }[];
    const files = packed?.files.map((f) => f.path) ?? [];
    assert.ok(files.includes('LICENSE'), 'LICENSE is shipped');
    assert.ok(files.includes('dist/src/bin/cli.js') && files.includes('dist/src/bin/needle-scan.wasm') && files.includes('dist/src/bin/read-worker.js') && files.includes('dist/src/index.d.ts'));
    assert.equal(files.filter((f) => f.startsWith('dist/test/') || f.startsWith('test/')), [], 'tests are not shipped');

    // A lockfile made from ours (the production entries) lets `npm ci --offline` install from
    // npm's cache, as CI does right after its own `npm ci`: no registry metadata is needed.
    const project = join(dir, 'consumer');
    mkdirSync(project);
    const spec = `file:../${packed?.filename ?? ''}`;
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; dependencies?: Record<string, string> }> };
    const root = lock.packages[''] ?? {};
    const production = Object.fromEntries(Object.entries(lock.packages).filter(([key, entry]) => key.startsWith('node_modules/') && !entry.dev));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '9.9.9', private: true, type: 'module', dependencies: { 'rbd-explain': spec } }));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify({
      name: 'consumer', version: '9.9.9', lockfileVersion: 3, requires: true,
      packages: {
        '': { name: 'consumer', version: '9.9.9', dependencies: { 'rbd-explain': spec } },
        'node_modules/rbd-explain': { version: ours, resolved: spec, integrity: packed?.integrity, license: 'MIT', dependencies: root.dependencies, bin: { 'rbd-explain': 'dist/src/bin/cli.js' }, engines: { node: '>=20.19' } },
        ...production,
      },
    }, null, 2));
    const install = sh(NPM, ['ci', '--offline', '--no-audit', '--no-fund'], project);
    assert.is(install.status, 0, install.stderr);

    const bin = join(project, 'node_modules', '.bin', 'rbd-explain');
    const example = join(REPO, 'examples/task10-short.log');
    const run = sh(bin, ['--year', '2024', example], project);
    assert.is(run.status, 1, run.stderr);
    assert.match(run.stdout, /1\. client-mismatch/);
    const version = sh(bin, ['--version'], project);
    assert.is(version.stdout, `${ours}\n`, 'the installed bin prints its own version, not the project\'s');

    const script = `import * as lib from 'rbd-explain';
const result = await lib.analyzeFiles([${JSON.stringify(example)}], { year: 2024 });
console.log(JSON.stringify({ cause: result.incidents[0]?.cause, main: 'main' in lib, formats: lib.INPUT_FORMATS.length }));`;
    const imported = sh(process.execPath, ['--input-type=module', '-e', script], project);
    assert.is(imported.status, 0, imported.stderr);
    assert.equal(JSON.parse(imported.stdout), { cause: 'client-mismatch', main: false, formats: INPUT_FORMATS.length });
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
