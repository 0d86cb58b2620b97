// Journal files written here and now by the real systemd-journal-remote (compact and regular,
// zstd and uncompressed, keyed and Jenkins hash; a four-host collector), with the real journalctl
// as the oracle: the reader's entries equal `journalctl --file X -o export`, analysing a file
// equals analysing that export stream, and `--journal-dir` needs no journalctl. The lz4 and xz
// files (which Debian 12's writer cannot make) are the committed ones, checked against this
// machine's journalctl. Skipped, saying why, where the tools are missing (installed in CI).
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalFileReader } from '../src/sources/journal-file/reader.js';
import { analyze } from '../src/pipeline/analyze.js';
import { journalctlArgs } from '../src/sources/journalctl.js';
import type { AnalysisResult } from '../src/types.js';
import { flatEntry, gunzipFixture, incidentsWithoutSources, parseExport } from './helpers/journal-file.js';
import { journalTools, testWith } from './helpers/journal-tools.js';
import { runCli } from './helpers/cli.js';

interface Maker {
  modesStream(): Buffer;
  fleetStreams(): Promise<{ all: Buffer; byHost: Record<string, Buffer> }>;
  writeJournal(remote: string, path: string, input: Buffer, env?: Record<string, string>, args?: string[]): void;
  journalctlExport(path: string, journalctl?: string): Buffer;
}
const maker = await import('../../bench/make-journal-fixtures.js' as string) as Maker;
const tools = journalTools();
const real = testWith(tools);

const VARIANTS: readonly { name: string; env: Record<string, string>; args: string[] }[] = [
  { name: 'compact-zstd', env: { SYSTEMD_JOURNAL_COMPACT: '1' }, args: [] },
  { name: 'regular-zstd', env: { SYSTEMD_JOURNAL_COMPACT: '0' }, args: [] },
  { name: 'compact-none', env: { SYSTEMD_JOURNAL_COMPACT: '1' }, args: ['--compress=no'] },
  { name: 'regular-zstd-jenkins', env: { SYSTEMD_JOURNAL_COMPACT: '0', SYSTEMD_JOURNAL_KEYED_HASH: '0' }, args: [] },
];

function entriesOf(path: string): ReturnType<typeof flatEntry>[] {
  const reader = JournalFileReader.open(path);
  try { return [...reader.entries()].map(flatEntry); } finally { reader.close(); }
}

real('fresh files in every mode: entries = journalctl --file -o export; analysis = analysis of that export', async () => {
  if ('missing' in tools) throw new Error('unreachable: registered with test.skip when the tools are missing');
  const dir = mkdtempSync(join(tmpdir(), 'rbd-jreal-'));
  try {
    const input = maker.modesStream();
    for (const v of VARIANTS) {
      const path = join(dir, `${v.name}.journal`);
      maker.writeJournal(tools.remote, path, input, v.env, v.args);
      const oracle = maker.journalctlExport(path, tools.journalctl);
      const expected = parseExport(oracle);
      assert.equal(entriesOf(path), expected, v.name);
      const native: AnalysisResult = await analyze({ files: [path] });
      const exported = await analyze({ chunks: [oracle] });
      assert.ok(native.incidents.length >= 10, v.name);
      assert.equal(incidentsWithoutSources(native), incidentsWithoutSources(exported), v.name);
      assert.equal([native.errors, native.warnings], [[], []], v.name);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

real('committed lz4/xz/zstd files: entries = this machine\'s journalctl --file -o export', () => {
  if ('missing' in tools) throw new Error('unreachable: registered with test.skip when the tools are missing');
  const dir = mkdtempSync(join(tmpdir(), 'rbd-jreal-'));
  try {
    for (const f of readdirSync('fixtures/journal/modes').filter((n) => n.endsWith('.journal.gz'))) {
      const path = join(dir, f.replace('.gz', ''));
      writeFileSync(path, gunzipFixture(`fixtures/journal/modes/${f}`));
      assert.equal(entriesOf(path), parseExport(maker.journalctlExport(path, tools.journalctl)), f);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

real('--journal-dir on a fresh 4-host collector: no journalctl on PATH, per-node incidents and node drift, as journalctl --directory gives', async () => {
  if ('missing' in tools) throw new Error('unreachable: registered with test.skip when the tools are missing');
  const dir = mkdtempSync(join(tmpdir(), 'rbd-jremote-'));
  try {
    const { byHost } = await maker.fleetStreams();
    for (const [host, stream] of Object.entries(byHost)) maker.writeJournal(tools.remote, join(dir, `remote-${host}.journal`), stream);
    const run = await runCli(['--journal-dir', dir, '--tasks-dir', join(dir, 'none'), '--since', '2000-01-01', '--format', 'json'], null, { PATH: '/nonexistent' });
    assert.is(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout) as AnalysisResult;
    assert.equal(doc.inputs.map((i) => [i.source, i.format]), [[dir, 'journal-file']]);
    const drift = doc.incidents.find((i) => i.cause === 'node-drift');
    assert.ok(drift && drift.badNodes.includes('pve3') && drift.goodNodes.includes('pve1'), doc.incidents.map((i) => i.cause).join());
    assert.ok(doc.incidents.some((i) => i.node === 'pve4'));
    // The same selection through journalctl itself.
    const viaJournalctl = spawnSync(tools.journalctl, journalctlArgs({ since: '2000-01-01', extra: [`--directory=${dir}`] }), { maxBuffer: 1 << 28 });
    assert.is(viaJournalctl.status, 0, viaJournalctl.stderr?.toString());
    const piped = await runCli(['--format', 'json'], viaJournalctl.stdout.toString('utf8'));
    assert.equal(incidentsWithoutSources(doc), incidentsWithoutSources(JSON.parse(piped.stdout) as AnalysisResult));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
