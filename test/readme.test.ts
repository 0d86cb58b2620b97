// Every command of the README's "Set up" and "Using it" blocks, run as written through the real bin
// (`rbd-explain` on PATH). The paths they name (/var/log/syslog, /var/log/pve/tasks, /bundle) are
// rewritten to copies of the fixtures in a temporary folder; `journalctl` reads a journal made from
// the fleet bundle, re-timed to the last hours. A README command without a runner here fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN } from './helpers/cli.js';
import { JOURNALCTL, journalExport, writeJournal } from './helpers/journal.js';

const README = readFileSync('README.md', 'utf8');

/** The commands of the ```sh blocks of a README section (comments and blank lines dropped). */
function commandsOf(heading: string): string[] {
  const start = README.indexOf(`\n## ${heading}`);
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l.length > 0);
}

const root = mkdtempSync(join(tmpdir(), 'rbdx-readme-'));
const binDir = join(root, 'bin');
const journalDir = join(root, 'journal');
mkdirSync(binDir);
mkdirSync(journalDir);
// rbd-explain on PATH, as `npm install -g` or the package's .bin would put it.
writeFileSync(join(binDir, 'rbd-explain'), `#!/bin/sh\nexec '${process.execPath}' '${resolve(BIN)}' "$@"\n`);
chmodSync(join(binDir, 'rbd-explain'), 0o755);
// The README's paths, filled with fixtures.
const TASK = 'fixtures/fleet/bundle/pve3/tasks';
const taskFile = readdirSync(join(TASK, '0'))[0] as string;
mkdirSync(join(root, 'var/log/pve'), { recursive: true });
cpSync(TASK, join(root, 'var/log/pve/tasks'), { recursive: true });
// syslog: the example (its task names a pool, so `probe --from` has an identity); a rotation: pve3's journal.
writeFileSync(join(root, 'var/log/syslog'), readFileSync('examples/task10-short.log'));
writeFileSync(join(root, 'var/log/syslog.1.gz'), gzipSync(readFileSync('fixtures/fleet/bundle/pve3/journal.log')));
cpSync('fixtures/fleet/bundle', join(root, 'bundle'), { recursive: true });
// A monitor node's cluster logs (real lines of fixtures/cluster).
cpSync('fixtures/cluster/pool-renamed/mon/ceph.audit.log', join(root, 'var/log/ceph/ceph.audit.log'));
cpSync('fixtures/cluster/pool-renamed/mon/ceph.log', join(root, 'var/log/ceph/ceph.log'));
/** The README's paths → the copies (one pass, so a rewritten path is not rewritten again). */
const README_PATHS = /\/var\/log\/pve\/tasks\/7\/UPID:pve1:…|\/var\/log\/|--root (pve\d)=\/bundle\/(pve\d)|\/bundle\b/g;
function localPaths(command: string): string {
  return command.replace(README_PATHS, (found, node?: string, dir?: string) => {
    if (found.startsWith('/var/log/pve/tasks/7/')) return join(root, 'var/log/pve/tasks/0', taskFile);
    if (found === '/var/log/') return join(root, 'var/log/');
    if (node && dir) return `--root ${node}=fixtures/doctor/three-nodes/${dir}`;
    return join(root, 'bundle');
  });
}
// journalctl on PATH reads the test journal (live mode finds it on PATH too).
const journalError = JOURNALCTL ? writeJournal(journalDir, journalExport('fixtures/fleet/bundle/pve3/journal.log', Date.now() - 3_600_000 - Date.parse('2025-01-14T11:00:00+01:00')).text) : 'no journalctl';
if (JOURNALCTL) {
  writeFileSync(join(binDir, 'journalctl'), `#!/bin/sh\nexec '${JOURNALCTL}' --directory='${journalDir}' "$@"\n`);
  chmodSync(join(binDir, 'journalctl'), 0o755);
}
const env = { ...process.env, PATH: `${binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, NO_COLOR: '1' };

function shell(command: string, options: { tty?: boolean; timeoutSeconds?: number } = {}): { code: number | null; stdout: string; stderr: string } {
  let line = localPaths(command);
  // Live mode needs a terminal on stdin (no file, no pipe): `script` gives one.
  if (options.tty) line = `script -qec ${JSON.stringify(line)} /dev/null < /dev/null`;
  if (options.timeoutSeconds) line = `timeout -s INT ${options.timeoutSeconds} sh -c ${JSON.stringify(line)}`;
  const res = spawnSync('sh', ['-c', line], { encoding: 'utf8', env, input: '' });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function assertRan(command: string, run: { code: number | null; stdout: string; stderr: string }, codes: readonly number[]): void {
  assert.ok(codes.includes(run.code ?? -1), `${command}: exit ${run.code}\n${run.stderr}`);
  assert.not.match(run.stderr, /internal error|\n\s+at |Run rbd-explain --help/, `${command}: ${run.stderr}`);
}

const LIVE_WHY = !JOURNALCTL ? 'no journalctl' : journalError ? `no test journal (${journalError.trim()})` : !existsSync('/usr/bin/script') ? 'no script(1) for a terminal' : null;
const PROBE_WHY = existsSync('/etc/pve/ceph.conf') || existsSync('/etc/ceph/ceph.conf') ? 'a ceph.conf here: the probe would talk to a real cluster' : null;

type Runner = { readonly why: string | null; readonly run: (command: string) => void };
const expectIncidents = (command: string): void => assertRan(command, shell(command), [1]);
const live: Runner = { why: LIVE_WHY, run: (c) => assertRan(c, shell(c, { tty: true }), [1]) };

/** How each README command is run and what it must give. */
const RUNNERS: Readonly<Record<string, Runner>> = {
  'npm ci && npm run example': { why: process.env['RBD_EXPLAIN_QUICK'] ? 'the quick loop (--unit) leaves out the fresh-checkout install and build; npm test runs it' : null, run: (c) => {
    // In a copy of this checkout, with npm's cache only (no network).
    const copy = join(root, 'checkout');
    const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], { encoding: 'utf8' }).stdout.split('\n').filter((f) => f && existsSync(f));
    for (const f of files) cpSync(f, join(copy, f), { recursive: true });
    const res = spawnSync('sh', ['-c', c], { cwd: copy, encoding: 'utf8', env: { ...env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' } });
    assert.is(res.status, 0, res.stderr);
    assert.match(res.stdout, /1\. client-mismatch/);
  } },
  'npm ci && npm test': { why: 'it is this test suite', run: () => undefined },
  'node scripts/run-tests.js --unit': { why: 'it is this test suite', run: () => undefined },
  'journalctl -u pvedaemon -u pvestatd -S -1d | rbd-explain': { why: LIVE_WHY, run: expectIncidents },
  'journalctl -o json -u pvedaemon | rbd-explain --format ndjson': { why: LIVE_WHY, run: (c) => {
    const run = shell(c);
    assertRan(c, run, [1]);
    assert.ok(run.stdout.trim().split('\n').every((l) => (JSON.parse(l) as { cause?: string }).cause), run.stdout);
  } },
  "rbd-explain /var/log/syslog '/var/log/syslog.*.gz'": { why: null, run: expectIncidents },
  'rbd-explain /var/log/pve/tasks/7/UPID:pve1:…': { why: null, run: expectIncidents },
  'rbd-explain /var/log/pve/tasks': { why: null, run: expectIncidents },
  'rbd-explain': live,
  'rbd-explain --since -2d --node pve3': live,
  'rbd-explain /bundle': { why: null, run: expectIncidents },
  'journalctl -f -o json | rbd-explain --follow --format ndjson': { why: LIVE_WHY, run: (c) => {
    // Endless by design: stopped after a few seconds; the incidents of the last entries are out by then.
    const run = shell(c, { timeoutSeconds: 8 });
    assert.not.match(run.stderr, /internal error|\n\s+at |Run rbd-explain --help/, run.stderr);
    assert.ok(run.stdout.trim().split('\n').some((l) => l.startsWith('{"id"')), `${c}: ${run.stdout.slice(0, 300)}\n${run.stderr}`);
  } },
  'rbd-explain --with-config /var/log/syslog': { why: null, run: expectIncidents },
  'rbd-explain /bundle /var/log/ceph/ceph.audit.log /var/log/ceph/ceph.log': { why: null, run: expectIncidents },
  'rbd-explain --cluster-events /bundle': { why: null, run: expectIncidents },
  'rbd-explain doctor': { why: null, run: (c) => {
    // This machine is no Proxmox node: any verdict, but a report and no usage error.
    const run = shell(c);
    assertRan(c, run, [0, 1, 2]);
    assert.ok(run.stdout.length > 0, run.stderr);
  } },
  'rbd-explain doctor --root pve1=/bundle/pve1 --root pve2=/bundle/pve2': { why: null, run: (c) => assertRan(c, shell(c), [0, 1]) },
  'rbd-explain probe --from /var/log/syslog': { why: PROBE_WHY, run: (c) => {
    const run = shell(c);
    assertRan(c, run, [0, 1, 2]);
    assert.match(run.stdout, /probe|verdict|command/i, run.stderr);
  } },
};

const commands = [...commandsOf('Set up'), ...commandsOf('Using it')];

test('every README command has a runner here', () => {
  assert.ok(commands.length >= 15, commands.join('\n'));
  assert.equal(commands.filter((c) => !(c in RUNNERS)), []);
});

for (const command of commands) {
  const runner = RUNNERS[command];
  if (!runner) continue;
  if (runner.why) {
    console.log(`  README command SKIPPED: ${command} (${runner.why})`);
    test.skip(`README: ${command}`, () => undefined);
    continue;
  }
  test(`README: ${command}`, () => runner.run(command));
}

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
