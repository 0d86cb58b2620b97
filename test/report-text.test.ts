// The text report as a person reads it (issue 14 items 3, 4, 7): every line fits the width
// (80 when stdout is not a terminal), prose is wrapped at words, failure lines come before context,
// the line that decided the cause is always there with the error at its end, one zone per report,
// events counted apart from lines, refs to the project's own pages, folded VMs on a line or two.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, analyzeFiles, analyzeText } from '../src/pipeline/analyze.js';
import { expandInputs } from '../src/pipeline/expand-inputs.js';
import type { AnalysisResult } from '../src/types.js';
import { fleetTable, formatText, formatIncident, type ReportIncident } from '../src/report/text.js';
import { formatJson } from '../src/report/json.js';
import { compactIds, layoutCommand, shortenMiddle, terminalWidth, wrapText } from '../src/report/layout.js';
import { ZoneNormalizer } from '../src/report/times.js';
import { decisiveIndex, selectEvidence } from '../src/report/evidence.js';
import { CAUSE_IDS } from '../src/causes.js';
import type { Incident } from '../src/types.js';
import { runCli } from './helpers/cli.js';
import { TASK_UPID, renderTaskLog } from './helpers/render.js';

const TASK10 = 'examples/task10-short.log';
const BUNDLE = 'fixtures/fleet/bundle';

/** A bundle or file list analysed as the CLI does (directories expanded, fleet grouping). */
async function analyzeArgs(args: readonly string[]): Promise<AnalysisResult> {
  const { sources } = await expandInputs(args);
  return analyze({ sources }, { grouping: 'auto', year: 2025 });
}

/** The report with wrapped lines joined, for matching text that may span lines. */
function flat(text: string): string {
  return text.replace(/\n\s+/g, ' ');
}

/** Columns a line takes (code points; the report uses no wide characters). */
function columns(line: string): number {
  return [...line].length;
}

function assertFits(text: string, width: number, what: string): void {
  const long = text.split('\n').filter((l) => columns(l) > width);
  assert.equal(long, [], `${what}: lines over ${width} columns`);
}

/** The evidence section of the first incident block: the lines after `evidence` up to `run`. */
function evidenceSection(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^ {3}evidence\b/.test(l));
  const end = lines.findIndex((l, k) => k > start && /^ {3}(run|docs)\b/.test(l));
  return lines.slice(start + 1, end);
}

// Hand-written task log (after message catalog §3: QEMU's `-drive` error as PVE's task log shows it).
const KVM_DRIVE = 'kvm: -drive file=rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf:id=pve:keyring=/etc/pve/priv/ceph/ceph-vm.keyring,if=none,id=drive-scsi0,format=raw,cache=none,aio=io_uring,detect-zeroes=on: error connecting: Permission denied';

function kvmTaskLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-report-'));
  const file = join(dir, TASK_UPID);
  writeFileSync(file, renderTaskLog({ ident: 'task', message: KVM_DRIVE }) + renderTaskLog({ ident: 'task', message: 'TASK ERROR: start failed: QEMU exited with code 1' }));
  return file;
}

test('npm run example: fits 80 columns, the deciding line is shown first and whole', async () => {
  const run = await runCli(['--year', '2025', TASK10]);
  assert.is(run.code, 1);
  assertFits(run.stdout, 80, 'example');
  const evidence = evidenceSection(run.stdout);
  assert.match(evidence[0] ?? '', /^ {3}> examples\/task10-short\.log:3/);
  const proof = evidence.slice(1).join(' ').replace(/\s+/g, ' ');
  assert.match(proof, /TASK ERROR: start failed: error opening 'rbd:vmdata\/vm-101-disk-0': \(13\) Permission denied/);
});

test('--evidence 2 keeps failure lines before context lines', async () => {
  const run = await runCli(['--year', '2025', '--evidence', '2', TASK10]);
  const evidence = evidenceSection(run.stdout).join('\n');
  assert.match(evidence, /TASK ERROR/);
  assert.match(evidence, /… 1 more line/);
  const result = await analyzeFiles([TASK10], { year: 2025 });
  const [incident] = result.incidents;
  assert.ok(incident);
  const shown = selectEvidence(incident, 2).lines;
  const roles = shown.map((l) => l.evidence.role);
  assert.is(roles[0], 'failure', roles.join());
  // Even --evidence 0 shows the line that decided.
  assert.is(selectEvidence(incident, 0).lines.length, 1);
});

test('a long kvm -drive line keeps its start and the error at its end', async () => {
  const run = await runCli([kvmTaskLog()]);
  assertFits(run.stdout, 80, 'task log');
  assert.match(flat(run.stdout), /> \S+ kvm: -drive file=rbd:/);
  assert.match(flat(run.stdout), /error connecting: Permission denied/);
  assert.ok(shortenMiddle(KVM_DRIVE, 70).endsWith(': error connecting: Permission denied'), shortenMiddle(KVM_DRIVE, 70));
  assert.ok(shortenMiddle(KVM_DRIVE, 70).startsWith('kvm: -drive '));
  assert.is(columns(shortenMiddle(KVM_DRIVE, 70)), 70);
  assert.is(shortenMiddle('short', 70), 'short');
});

test('bundle: handle_auth_bad_method decided keyring-missing and is shown, not hidden behind "more"', async () => {
  const run = await runCli([BUNDLE]);
  assertFits(run.stdout, 80, 'bundle');
  const block = run.stdout.slice(run.stdout.indexOf('keyring-missing ('));
  const evidence = evidenceSection(block);
  assert.match(evidence[0] ?? '', /^ {3}> fixtures\/fleet\/bundle\/pve3\/tasks\//, evidence.join('\n'));
  assert.match(evidence.slice(1).join(' '), /handle_auth_bad_method|only support \[1\]/);
  const result = await analyzeArgs([BUNDLE]);
  const keyring = result.incidents.find((i) => i.cause === 'keyring-missing');
  assert.ok(keyring);
  assert.match(keyring.evidence[decisiveIndex(keyring)]?.text ?? '', /handle_auth_bad_method/);
});

test('a decisive mark from the correlator wins over the report\'s own guess', async () => {
  const result = await analyzeFiles([TASK10], { year: 2025 });
  const [incident] = result.incidents;
  assert.ok(incident);
  const marked: Incident = { ...incident, evidence: incident.evidence.map((e, k) => ({ ...e, ...(k === 0 ? { decisive: true } : {}) })) };
  assert.is(decisiveIndex(marked), 0);
  assert.is(decisiveIndex(incident), incident.evidence.findIndex((e) => e.text.startsWith('TASK ERROR')));
});

test('prose is wrapped at words to the width, never mid-word; a terminal gets its own width', async () => {
  const result = await analyzeArgs([BUNDLE]);
  for (const width of [80, 60, 120]) {
    const text = formatText(result, { width });
    assertFits(text, width, `width ${width}`);
    const flat = text.replace(/\s+/g, ' ');
    for (const incident of result.incidents) {
      for (const sentence of [incident.explanation.cause, incident.explanation.fix]) {
        assert.ok(flat.includes(sentence.replace(/\s+/g, ' ')), `${width}: "${sentence}" not whole`);
      }
    }
  }
  assert.equal(wrapText('aaa bbb ccc', 9, ''), ['aaa bbb', 'ccc']);
  assert.is(terminalWidth({ isTTY: true, columns: 132 }), 132);
  assert.is(terminalWidth({ isTTY: false, columns: 132 }), 80);
  assert.is(terminalWidth({}), 80);
});

/** What the shell reads from laid-out lines: ` \` + newline is a space, `\` + newline inside a word is nothing. */
function shellJoin(lines: readonly string[]): string {
  return lines.join('\n').replace(/ \\\n\s*/g, ' ').replace(/\\\n/g, '');
}

test('commands are broken only where the shell joins them back, options keep their values', async () => {
  const result = await analyzeArgs([TASK10, BUNDLE]);
  for (const incident of result.incidents) {
    for (const c of incident.commands) {
      const laid = layoutCommand(c.command, 80, '   $ ', '       ');
      assert.is(shellJoin(laid).slice(5), c.command.replace(/\s+/g, ' '), laid.join('\n'));
      for (const line of laid) assert.not.match(line, /(?:^|\s)--?[a-z-]+ \\$/, `option parted from its value: ${line}`);
    }
  }
  const upidPath = `/var/log/pve/tasks/6/${TASK_UPID}`;
  const laid = layoutCommand(`cat ${upidPath}`, 80, '   $ ', '       ');
  assertFits(laid.join('\n'), 80, 'task log path');
  assert.is(shellJoin(laid), `   $ cat ${upidPath}`);
});

test('one zone per report: UTC task-log times are shown in the journal\'s offset, text and JSON', async () => {
  const result = await analyzeArgs([BUNDLE]);
  const text = formatText(result);
  assert.not.match(text, /\d\d:\d\d:\d\dZ|\.000Z/);
  const json = JSON.parse(formatJson(result)) as { incidents: Incident[] };
  for (const i of json.incidents) {
    for (const t of [i.firstSeen, i.lastSeen, ...i.evidence.map((e) => e.time)]) if (t !== null) assert.match(t, /\+01:00$/, `${i.cause}: ${t}`);
  }
  const zone = new ZoneNormalizer(['2025-01-14T10:05:00+01:00', '2025-07-14T10:05:00+02:00']);
  assert.is(zone.normalize('2025-01-14T09:05:02.000Z'), '2025-01-14T10:05:02.000+01:00');
  assert.is(zone.normalize('2025-07-14T09:05:02Z'), '2025-07-14T11:05:02+02:00');
  assert.is(new ZoneNormalizer([]).normalize('2025-01-14T09:05:02Z'), '2025-01-14T09:05:02Z');
});

test('"seen" counts failed starts apart from error lines', async () => {
  const result = await analyzeArgs([BUNDLE]);
  const text = formatText(result);
  const block = text.slice(text.indexOf('keyring-missing ('));
  assert.match(block, /seen {3}(at least )?2 failed starts, 10 error lines/);
  const example = formatText(await analyzeFiles([TASK10], { year: 2025 }));
  assert.match(example, /seen {3}1 failed start, 1 error line\b/);
});

test('refs point at the project\'s own page for the cause, the article section stays as a source', async () => {
  for (const cause of CAUSE_IDS) {
    const page = `docs/causes/${cause}.md`;
    assert.ok(existsSync(page), page);
    const body = readFileSync(page, 'utf8');
    for (const heading of ['## What it is', '## How it shows in the logs', '## How to confirm', '## How to fix']) assert.ok(body.includes(heading), `${page}: ${heading}`);
    assert.match(body, /^Source: /m, page);
    assert.not.match(body, /shared\/reference|\.\.\/shared/, page);
  }
  const result = await analyzeArgs([TASK10, BUNDLE]);
  for (const i of result.incidents) {
    assert.is(i.refs[0], `docs/causes/${i.cause}.md`, i.refs.join());
    assert.ok(i.refs.some((r) => r.startsWith('article: ')), i.refs.join());
  }
  const text = formatText(result);
  assert.match(text, /docs {3}docs\/causes\/client-mismatch\.md/);
});

test('the task log is not suggested once read, nor with placeholders when no task is known', async () => {
  const fromTaskLog = await analyzeFiles([kvmTaskLog()]);
  for (const i of fromTaskLog.incidents) assert.not.ok(i.commands.some((c) => c.command.startsWith('cat /var/log/pve/tasks/')), i.commands.map((c) => c.command).join('\n'));
  const journalOnly = await analyzeFiles([TASK10], { year: 2025 });
  assert.ok(journalOnly.incidents[0]?.commands.some((c) => c.command.startsWith('cat /var/log/pve/tasks/6/UPID:pve3:')));
  const bare = await analyzeText('rbd: error opening image vm-9-disk-0: (2) No such file or directory\n');
  for (const i of bare.incidents) for (const c of i.commands) assert.not.match(c.command, /<UPID>|<D>/);
});

function fakeIncident(base: Incident, k: number): ReportIncident {
  return { ...base, id: `inc-${k}`, vmid: 100 + k, upid: null };
}

test('a folded incident lists its VMs on at most two lines; many incidents are capped', async () => {
  const result = await analyzeFiles([TASK10], { year: 2025 });
  const [base] = result.incidents;
  assert.ok(base);
  const vmids = [...Array.from({ length: 250 }, (_, k) => 101 + k), ...Array.from({ length: 50 }, (_, k) => 400 + 2 * k)];
  const folded: ReportIncident = { ...base, vmid: null, upid: null, vmids, count: 600 };
  const block = formatIncident(folded, 1);
  assertFits(block, 80, 'folded');
  const vmLines = block.split('\n').filter((l, k, all) => /^ {3}VMs /.test(l) || (k > 0 && /^ {3}VMs /.test(all[k - 1] ?? '') && /^ {10}\S/.test(l)));
  assert.ok(vmLines.length >= 1 && vmLines.length <= 2, vmLines.join('\n'));
  assert.match(vmLines[0] ?? '', /300 VMs: 101-350, 400, 402/);
  assert.match(vmLines.join(' '), /… and \d+ more/);
  assert.match(block, /seen {3}at least 300 failures|seen {3}300 failures/);
  assert.equal(compactIds([3, 1, 2, 7, 9, 8, 20]), ['1-3', '7-9', '20']);

  const many = { ...result, incidents: Array.from({ length: 300 }, (_, k) => fakeIncident(base, k)) };
  const text = formatText(many);
  assertFits(text, 80, '300 incidents');
  assert.ok(text.split('\n').length < 600, `${text.split('\n').length} lines`);
  assert.match(text, /… 270 more incidents \(see --format json\)/);
  assert.match(text, /Also found:\n {3}11\. client-mismatch · pve3 · vmdata · VM 110/);
});

test('the per-node table keeps to the width when many causes are seen', async () => {
  const result = await analyzeFiles([TASK10], { year: 2025 });
  const [base] = result.incidents;
  assert.ok(base);
  const causes = ['mon-unreachable', 'keyring-missing', 'client-mismatch', 'key-stale', 'caps-insufficient', 'config-split', 'image-not-found'] as const;
  const incidents = causes.map((cause, k) => ({ ...base, id: `i${k}`, cause, node: k % 2 === 0 ? 'pve1' : 'pve2' }));
  const table = fleetTable(incidents, 80);
  assert.ok(table);
  assertFits(table, 80, 'table');
  assert.match(flat(table), /pve1: caps-insufficient 1, .*mon-unreachable 1 +pve2: config-split 1/);
  assert.match(fleetTable(incidents.slice(0, 2), 80) ?? '', /node +keyring-missing +mon-unreachable/);
});

test('through the real bin on a 120-column terminal: the report uses the width; piped, 80', () => {
  const bin = 'dist/src/bin/cli.js';
  const piped = spawnSync(process.execPath, [bin, '--no-color', '--year', '2025', TASK10], { encoding: 'utf8' });
  assertFits(piped.stdout, 80, 'piped');
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (script.status !== 0) {
    console.log('  TTY width test SKIPPED: no script(1) (util-linux) to give the bin a terminal');
    return;
  }
  const tty = spawnSync('script', ['-qc', `stty cols 120 rows 40; ${process.execPath} ${bin} --no-color --year 2025 ${TASK10}`, '/dev/null'], { encoding: 'utf8' });
  const lines = tty.stdout.replace(/\r/g, '').split('\n');
  assertFits(lines.join('\n'), 120, 'tty');
  assert.ok(lines.some((l) => columns(l) > 80), 'a 120-column terminal gets lines past 80');
  assert.ok(lines.some((l) => /^ {3}seen {3}1 failed start, 1 error line · .* · errno 13/.test(l)), lines.join('\n'));
});

test.run();
