#!/usr/bin/env node
// (Re)writes fixtures/journal/: binary journal files written by the real systemd-journal-remote
// from export streams, in every mode and compression, gzip'd (a fresh journal file is mostly its
// zero-filled hash table), each with journalctl's own `-o export` rendering as the oracle.
// How the inputs are made and which systemd wrote what: fixtures/journal/README.md.
//
//   node bench/make-journal-fixtures.js [--remote PATH] [--remote-new PATH --libdir DIR]
//
// --remote      systemd-journal-remote of Debian 12 (252: zstd or none, compact or regular)
// --remote-new  a systemd-journal-remote ≥ 253, which honours SYSTEMD_JOURNAL_COMPRESS=LZ4|XZ
// --libdir      its libsystemd-shared directory (LD_LIBRARY_PATH), when it is not installed
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { generate } from './generate.js';
import { exportEntry, jsonLineFields } from './lib/export.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'fixtures/journal');

/** Task-log lines of a tasks directory replayed as the task worker's journal lines (UPID pid), from `base` µs on. */
function replayTasks(tasksDir, common, base, mono) {
  const out = [];
  let step = 1;
  for (const sub of existsSync(tasksDir) ? readdirSync(tasksDir).filter((d) => /^[0-9A-F]$/.test(d)).sort() : []) {
    for (const task of readdirSync(join(tasksDir, sub)).sort()) {
      const parts = task.split(':');
      const pid = String(parseInt(parts[2] ?? '0', 16));
      const start = parseInt(parts[4] ?? '0', 16) * 1e6;
      for (const line of readFileSync(join(tasksDir, sub, task), 'utf8').split('\n').filter(Boolean)) {
        const t = (start > 0 ? start : base) + step;
        out.push({ __REALTIME_TIMESTAMP: String(t), __MONOTONIC_TIMESTAMP: String(mono + step++), ...common, PRIORITY: '3', SYSLOG_PID: pid, _PID: pid, MESSAGE: line });
      }
    }
  }
  return out;
}

const byTime = (a, b) => Number(a.__REALTIME_TIMESTAMP) - Number(b.__REALTIME_TIMESTAMP);
const worker = (bootId, host) => ({ _BOOT_ID: bootId, _HOSTNAME: host, _TRANSPORT: 'syslog', _SYSTEMD_UNIT: 'pvedaemon.service', SYSLOG_IDENTIFIER: 'pvedaemon' });

/**
 * The "modes" stream: the real-cluster fixtures' journal entries; each scenario's task-log lines
 * replayed as the task worker's journal lines (they hold the long `kvm: -blockdev …` lines that
 * journald compresses); each scenario's rbd/qemu-img stderr as one multi-line (binary) MESSAGE;
 * a binary field on every 10th entry and one MESSAGE that is not UTF-8 (hand-written).
 */
export function modesStream() {
  const entries = [];
  const realDir = join(root, 'fixtures/real');
  for (const scenario of readdirSync(realDir).sort()) {
    const dir = join(realDir, scenario);
    if (!existsSync(join(dir, 'journal.json.log'))) continue;
    const journal = readFileSync(join(dir, 'journal.json.log'), 'utf8').split('\n').filter(Boolean).map(jsonLineFields);
    entries.push(...journal);
    const first = journal[0];
    if (!first) continue;
    const base = Number(first.__REALTIME_TIMESTAMP);
    const mono = Number(first.__MONOTONIC_TIMESTAMP);
    entries.push(...replayTasks(join(dir, 'tasks'), worker(first._BOOT_ID, first._HOSTNAME), base, mono));
    const cli = readFileSync(join(dir, 'cli.log'), 'utf8').replace(/\n+$/, '');
    entries.push({ __REALTIME_TIMESTAMP: String(base + 999), __MONOTONIC_TIMESTAMP: String(mono + 999), ...worker(first._BOOT_ID, first._HOSTNAME),
      SYSLOG_IDENTIFIER: 'rbd', _SYSTEMD_UNIT: 'session-1.scope', _TRANSPORT: 'stdout', PRIORITY: '3', MESSAGE: cli });
  }
  entries.sort(byTime);
  entries.forEach((e, i) => {
    if (i % 10 === 0) e.RBD_EXPLAIN_BYTES = Buffer.from([0, 1, 2, 10, 13, 255, 61, 0x41]);
  });
  const last = entries[entries.length - 1];
  entries.push({
    ...last, __REALTIME_TIMESTAMP: String(Number(last.__REALTIME_TIMESTAMP) + 1), __MONOTONIC_TIMESTAMP: String(Number(last.__MONOTONIC_TIMESTAMP) + 1),
    MESSAGE: Buffer.concat([Buffer.from('rbd: error opening image vm-101-disk-0 '), Buffer.from([0xff, 0xfe]), Buffer.from(': (2) No such file or directory')]),
  });
  return Buffer.concat(entries.map(exportEntry));
}

/** The hand-written three-node bundle (fixtures/fleet/bundle): journal lines and replayed task logs, per host. */
export function bundleEntries() {
  const dir = join(root, 'fixtures/fleet/bundle');
  const out = [];
  for (const host of readdirSync(dir).sort()) {
    const boot = createHash('md5').update(host).digest('hex');
    let mono = 1_000_000;
    for (const line of readFileSync(join(dir, host, 'journal.log'), 'utf8').split('\n').filter(Boolean)) {
      const m = /^(\S+) (\S+) ([\w-]+)\[(\d+)\]: (.*)$/.exec(line);
      if (!m) continue;
      const us = Date.parse(m[1].replace(/(\d\d)(\d\d)$/, '$1:$2')) * 1000;
      mono += 1000;
      out.push({ __REALTIME_TIMESTAMP: String(us), __MONOTONIC_TIMESTAMP: String(mono), _BOOT_ID: boot, _HOSTNAME: m[2], _TRANSPORT: 'syslog', PRIORITY: '6',
        SYSLOG_IDENTIFIER: m[3], SYSLOG_PID: m[4], _PID: m[4], _SYSTEMD_UNIT: m[3] === 'pvedaemon' ? 'pvedaemon.service' : 'pve-cluster.service', MESSAGE: m[5] });
    }
    out.push(...replayTasks(join(dir, host, 'tasks'), worker(boot, host), 0, mono + 100_000));
  }
  return out;
}

/**
 * The fleet: the three-node bundle (node drift: pve3 fails where pve1 works) plus the node pve4 of
 * bench/generate.js (seeded), one export stream per host and all of them together (time order).
 */
export async function fleetStreams() {
  let text = '';
  await generate({ lines: 2400, nodes: 4, format: 'json', seed: 7, failureRate: 0.02, candidateRate: 0.05 }, (c) => { text += c; });
  // pve1-3 are the bundle's; the generator's other nodes would add failures that hide the drift.
  const pve4 = text.split('\n').filter(Boolean).map(jsonLineFields).filter((f) => f._HOSTNAME === 'pve4');
  const all = [...pve4, ...bundleEntries()].sort(byTime);
  const hosts = [...new Set(all.map((f) => f._HOSTNAME))].sort();
  return {
    all: Buffer.concat(all.map(exportEntry)),
    byHost: Object.fromEntries(hosts.map((h) => [h, Buffer.concat(all.filter((f) => f._HOSTNAME === h).map(exportEntry))])),
  };
}

/** The variants: file stem, which tool, environment, extra arguments. */
const VARIANTS = [
  { name: 'compact-zstd', tool: 'remote', env: { SYSTEMD_JOURNAL_COMPACT: '1' }, args: [] },
  { name: 'regular-zstd', tool: 'remote', env: { SYSTEMD_JOURNAL_COMPACT: '0' }, args: [] },
  { name: 'compact-none', tool: 'remote', env: { SYSTEMD_JOURNAL_COMPACT: '1' }, args: ['--compress=no'] },
  { name: 'regular-none-jenkins', tool: 'remote', env: { SYSTEMD_JOURNAL_COMPACT: '0', SYSTEMD_JOURNAL_KEYED_HASH: '0' }, args: ['--compress=no'] },
  { name: 'compact-lz4', tool: 'remote-new', env: { SYSTEMD_JOURNAL_COMPACT: '1', SYSTEMD_JOURNAL_COMPRESS: 'LZ4' }, args: [] },
  { name: 'regular-lz4', tool: 'remote-new', env: { SYSTEMD_JOURNAL_COMPACT: '0', SYSTEMD_JOURNAL_COMPRESS: 'LZ4' }, args: [] },
  { name: 'compact-xz', tool: 'remote-new', env: { SYSTEMD_JOURNAL_COMPACT: '1', SYSTEMD_JOURNAL_COMPRESS: 'XZ' }, args: [] },
  { name: 'regular-xz', tool: 'remote-new', env: { SYSTEMD_JOURNAL_COMPACT: '0', SYSTEMD_JOURNAL_COMPRESS: 'XZ' }, args: [] },
];

/** Writes `input` (export format) into a new journal file at `path` with systemd-journal-remote. */
export function writeJournal(remote, path, input, env = {}, args = [], libdir = null) {
  const run = spawnSync(remote, [`--output=${path}`, ...args, '-'], {
    input,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, ...(libdir ? { LD_LIBRARY_PATH: libdir } : {}) },
    encoding: 'buffer',
  });
  if (run.status !== 0) throw new Error(`${remote} failed: ${run.stderr.toString()}`);
}

/** journalctl's export rendering of a journal file (the oracle). */
export function journalctlExport(path, journalctl = 'journalctl') {
  const run = spawnSync(journalctl, [`--file=${path}`, '-o', 'export', '--no-pager'], { encoding: 'buffer', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`journalctl --file=${path} failed: ${run.stderr.toString()}`);
  return run.stdout;
}

async function main() {
  const { values } = parseArgs({ options: { remote: { type: 'string' }, 'remote-new': { type: 'string' }, libdir: { type: 'string' } } });
  const tools = { remote: values.remote ?? '/lib/systemd/systemd-journal-remote', 'remote-new': values['remote-new'] ?? null };
  mkdirSync(join(out, 'modes'), { recursive: true });
  mkdirSync(join(out, 'fleet'), { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'journal-fixtures-'));
  try {
    const modes = modesStream();
    writeFileSync(join(out, 'modes.export.gz'), gzipSync(modes, { level: 9 }));
    for (const v of VARIANTS) {
      const tool = tools[v.tool];
      if (!tool) { console.log(`skipped ${v.name}: no --${v.tool}`); continue; }
      const file = join(tmp, `${v.name}.journal`);
      writeJournal(tool, file, modes, v.env, v.args, v.tool === 'remote-new' ? values.libdir ?? null : null);
      writeFileSync(join(out, 'modes', `${v.name}.journal.gz`), gzipSync(readFileSync(file), { level: 9 }));
      writeFileSync(join(out, 'modes', `${v.name}.oracle.export.gz`), gzipSync(journalctlExport(file), { level: 9 }));
      console.log(`wrote modes/${v.name}`);
    }
    const fleet = await fleetStreams();
    for (const [host, stream] of Object.entries(fleet.byHost)) {
      const file = join(tmp, `remote-${host}.journal`);
      writeJournal(tools.remote, file, stream);
      writeFileSync(join(out, 'fleet', `remote-${host}.journal.gz`), gzipSync(readFileSync(file), { level: 9 }));
      writeFileSync(join(out, 'fleet', `remote-${host}.oracle.export.gz`), gzipSync(journalctlExport(file), { level: 9 }));
      console.log(`wrote fleet/remote-${host}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
