/**
 * Catalog fixtures: every format string of the message catalog (ids as in docs/message-catalog.md)
 * has a hand-written instance in fixtures/catalog/messages.json. Each entry is checked
 * (a) through extractMessage and (b) rendered as journal short, short-iso (both zone
 * styles), json, export (text and binary MESSAGE) — or as a task log file — through the
 * whole pipeline. Entries marked `knownGap` are library gaps: their checks still run, the
 * failures are listed instead of failing, and the last test checks that the marked entries are
 * exactly the failing ones (a gap that starts passing or a new failure fails the suite).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, analyzeFiles, analyzeText, extractMessage, formatJson, formatText } from '../src/index.js';
import type { AnalysisResult, Incident } from '../src/index.js';
import { HOST, TASK_UPID, renderExport, renderJson, renderShort, renderShortIso, renderTaskLog, type RenderTarget } from './helpers/render.js';

interface Expect {
  readonly shapes?: readonly string[];
  readonly errno?: number | null;
  readonly phase?: string | null;
  readonly pool?: string;
  readonly namespace?: string;
  readonly image?: string;
  readonly snapshot?: string;
  readonly conf?: string;
  readonly clientId?: string;
  readonly keyring?: string;
  readonly monHosts?: readonly string[];
  readonly upid?: string;
  readonly vmid?: number;
  readonly storage?: string;
  readonly framing?: string;
}

interface Entry {
  readonly id: string;
  readonly variant: string;
  readonly ident: string;
  readonly message: string;
  readonly expect: Expect;
  /** Not an error: task framing, a success marker, or an info/progress line. */
  readonly marker?: 'framing' | 'success' | 'info';
  /**
   * `false`: an error, but not an RBD failure on its own (quorum, pmxcfs, UPID parsing, HA state, …).
   * It must parse into the right fields, and no incident may rest on it alone.
   */
  readonly incident?: false;
  readonly host?: string;
  /** An inline secret the message carries; it must never leave the library. */
  readonly secret?: string;
  readonly knownGap?: string;
}

const ENTRIES = JSON.parse(readFileSync(new URL('../../fixtures/catalog/messages.json', import.meta.url), 'utf8')) as Entry[];

const TARGET_FIELDS = ['pool', 'namespace', 'image', 'snapshot', 'conf', 'clientId', 'keyring'] as const;
/** Incident fields compared with the entry (besides node). */
const INCIDENT_FIELDS = ['pool', 'image', 'clientId', 'keyring', 'conf', 'errno'] as const;

const show = (v: unknown): string => JSON.stringify(v);

/** (a) What extractMessage reads from the bare message. Absent fields must read as null. */
function checkExtraction(e: Entry): string[] {
  const out: string[] = [];
  const x = extractMessage(e.message);
  const want = e.expect;
  const target = x.target;
  const cmp = (name: string, got: unknown, expected: unknown): void => {
    if (show(got) !== show(expected)) out.push(`extract ${name}: expected ${show(expected)}, got ${show(got)}`);
  };
  for (const shape of want.shapes ?? []) {
    if (!x.shapes.includes(shape)) out.push(`extract shapes: expected to include ${show(shape)}, got ${show(x.shapes)}`);
  }
  cmp('errno', x.errno, want.errno ?? null);
  if (want.phase !== undefined) cmp('phase', x.phase, want.phase);
  for (const f of TARGET_FIELDS) cmp(f, target?.[f] ?? null, want[f] ?? null);
  cmp('monHosts', target?.monHosts ?? null, want.monHosts ?? null);
  cmp('upid', x.upid?.text ?? null, want.upid ?? null);
  cmp('vmid', x.vmid, want.vmid ?? null);
  cmp('storage', x.storage, want.storage ?? null);
  cmp('framing', x.framing, want.framing ?? null);
  if (e.secret && JSON.stringify(x).includes(e.secret)) out.push('extract: the inline key appears in the extraction');
  return out;
}

/** (b) What the whole pipeline makes of one rendering. */
function checkResult(e: Entry, rendering: string, result: AnalysisResult, node: string): string[] {
  const out: string[] = [];
  const tag = `${rendering}:`;
  if (result.errors.length > 0) out.push(`${tag} input errors ${show(result.errors)}`);
  if (e.secret && JSON.stringify(result).includes(e.secret)) out.push(`${tag} the inline key appears in the result`);
  const text = e.message.trimEnd();
  const holds = (i: Incident): boolean => i.evidence.some((ev) => ev.text.trimEnd() === text || (e.secret !== undefined && ev.text.includes('<redacted>')));
  if (e.marker || e.incident === false) {
    const what = e.marker ? `${e.marker} marker` : 'line marked "incident": false';
    const alone = result.incidents.filter((i) => holds(i) && i.evidence.length === 1);
    if (alone.length > 0) out.push(`${tag} a ${what} is the only evidence of incident ${alone.map((i) => i.cause).join(', ')}`);
    return out;
  }
  const incident = result.incidents.find(holds);
  if (!incident) {
    out.push(`${tag} no incident holds the line as evidence (incidents: ${result.incidents.length})`);
    return out;
  }
  if (incident.node !== node) out.push(`${tag} incident node: expected ${show(node)}, got ${show(incident.node)}`);
  for (const f of INCIDENT_FIELDS) {
    const want = e.expect[f];
    if (want !== undefined && show(incident[f]) !== show(want)) out.push(`${tag} incident ${f}: expected ${show(want)}, got ${show(incident[f])}`);
  }
  return out;
}

const OPTIONS = { year: 2025 } as const;
let taskRoot: string | null = null;
let taskSeq = 0;

async function runTaskLog(e: Entry): Promise<string[]> {
  taskRoot ??= await mkdtemp(join(tmpdir(), 'rbd-explain-catalog-'));
  const dir = join(taskRoot, String(taskSeq++));
  await mkdir(dir);
  const path = join(dir, TASK_UPID);
  await writeFile(path, renderTaskLog(e));
  return checkResult(e, 'tasklog', await analyzeFiles([path], OPTIONS), e.host ?? HOST);
}

async function runJournal(e: Entry): Promise<string[]> {
  const t: RenderTarget = { ident: e.ident, message: e.message, priority: e.marker ? 6 : 3, ...(e.host ? { host: e.host } : {}) };
  const node = e.host ?? HOST;
  const out: string[] = [];
  out.push(...checkResult(e, 'short', await analyzeText(renderShort(t), OPTIONS), node));
  out.push(...checkResult(e, 'short-iso', await analyzeText(renderShortIso(t), OPTIONS), node));
  out.push(...checkResult(e, 'short-iso(+01:00)', await analyzeText(renderShortIso(t, true), OPTIONS), node));
  out.push(...checkResult(e, 'json', await analyzeText(renderJson(t), OPTIONS), node));
  const exported = renderExport(t);
  out.push(...checkResult(e, 'export', await analyze({ chunks: [exported], source: 'export' }, OPTIONS), node));
  out.push(...checkResult(e, 'export(binary MESSAGE)', await analyze({ chunks: [renderExport(t, true)], source: 'export' }, OPTIONS), node));
  return out;
}

/** What every entry's checks found, by `id variant`; filled by the per-entry tests. */
const outcomes = new Map<string, { entry: Entry; failures: string[] }>();
const keyOf = (e: Entry): string => `${e.id} ${e.variant}`;

test('fixtures: ids, variants and shape of every entry', () => {
  assert.ok(ENTRIES.length > 300, `only ${ENTRIES.length} entries`);
  const keys = new Set<string>();
  for (const e of ENTRIES) {
    const key = `${e.id} ${e.variant}`;
    assert.not.ok(keys.has(key), `duplicate ${key}`);
    keys.add(key);
    assert.match(e.id, /^(?:PS|PC|PCL|GC|QS|RA|PM|PH|QE|CL|RB|LR|KR|CY|EX)-(?:\d\d[bc]?|old|[A-F])$/, key);
    assert.ok(e.message.length > 0 && typeof e.ident === 'string', key);
    assert.ok(e.incident === undefined || (e.incident === false && e.marker === undefined), `${key}: "incident" is only ever false, and not with a marker`);
  }
  // Every catalog family is present.
  for (const family of ['PS', 'PC', 'PCL', 'GC', 'QS', 'RA', 'PM', 'PH', 'QE', 'CL', 'RB', 'LR', 'KR', 'CY']) {
    assert.ok(ENTRIES.some((e) => e.id.startsWith(`${family}-`)), family);
  }
  // QEMU messages come as -drive, -blockdev and qemu-img renderings.
  assert.ok(ENTRIES.some((e) => e.message.startsWith('kvm: -drive file=rbd:')));
  assert.ok(ENTRIES.some((e) => e.message.startsWith('kvm: -blockdev {')));
  assert.ok(ENTRIES.some((e) => e.message.startsWith("qemu-img: Could not open 'rbd:")));
  assert.ok(ENTRIES.some((e) => e.secret !== undefined && e.message.includes(`key=${e.secret}`)));
});

for (const e of ENTRIES) {
  test(`${e.id} ${e.variant}${e.knownGap ? ' [knownGap]' : ''}`, async () => {
    const failures = [...checkExtraction(e), ...(e.ident === 'task' ? await runTaskLog(e) : await runJournal(e))];
    outcomes.set(keyOf(e), { entry: e, failures });
    if (e.knownGap) {
      assert.ok(failures.length > 0, `${e.id} ${e.variant} is marked knownGap (${e.knownGap}) but passes now: remove the mark`);
      return;
    }
    assert.equal(failures, [], `${e.id} ${e.variant}: ${e.message}\n  ${failures.join('\n  ')}`);
  });
}

// Not subject to knownGap: an inline secret must never leave the library, in any rendering.
test('inline key= secrets never appear in results, reports or parsed lines', async () => {
  const secrets = ENTRIES.filter((e) => e.secret !== undefined);
  assert.ok(secrets.length > 0);
  for (const e of secrets) {
    const key = e.secret as string;
    const t: RenderTarget = { ident: e.ident, message: e.message };
    const results = [
      await analyzeText(renderShort(t), OPTIONS),
      await analyzeText(renderShortIso(t), OPTIONS),
      await analyzeText(renderJson(t), OPTIONS),
      await analyze({ chunks: [renderExport(t)], source: 'export' }, OPTIONS),
      await analyze({ chunks: [renderExport(t, true)], source: 'export' }, OPTIONS),
    ];
    for (const result of results) {
      assert.ok(result.incidents.length > 0, `${e.id} ${e.variant}: no incident`);
      assert.not.ok(JSON.stringify(result).includes(key), `${e.id} ${e.variant}: key in result`);
      assert.not.ok(formatJson(result).includes(key), `${e.id} ${e.variant}: key in JSON report`);
      assert.not.ok(formatText(result).includes(key), `${e.id} ${e.variant}: key in text report`);
      assert.ok(result.incidents.some((i) => i.evidence.some((ev) => ev.text.includes('key=<redacted>'))), `${e.id} ${e.variant}: evidence not redacted in place`);
    }
  }
});

test('export: several entries, blank line between them, text and binary MESSAGE mixed', async () => {
  const picks = ENTRIES.filter((e) => !e.marker && e.incident !== false && !e.knownGap && e.ident !== 'task' && e.expect.image !== undefined).slice(0, 6);
  assert.ok(picks.length >= 3);
  const hosts = picks.map((_, i) => `pve${i + 1}`);
  const stream = Buffer.concat(picks.map((e, i) => renderExport({ ident: e.ident, message: e.message, host: hosts[i] as string }, i % 2 === 1, i)));
  const result = await analyze({ chunks: [stream], source: 'export' }, OPTIONS);
  assert.equal(result.errors, []);
  picks.forEach((e, i) => {
    const incident = result.incidents.find((inc) => inc.evidence.some((ev) => ev.text === e.message));
    assert.ok(incident, `${e.id} ${e.variant} not found`);
    assert.is(incident?.node, hosts[i]);
    assert.is(incident?.image, e.expect.image);
  });
});

test('knownGap marks are exactly the entries that fail today', async () => {
  if (taskRoot) await rm(taskRoot, { recursive: true, force: true });
  // Every entry ran its checks (a test that stopped early would leave a hole here).
  assert.equal([...outcomes.keys()].sort(), ENTRIES.map(keyOf).sort());
  const failing = [...outcomes.values()].filter((o) => o.failures.length > 0);
  const marked = ENTRIES.filter((e) => e.knownGap !== undefined);
  for (const e of marked) assert.ok(e.knownGap?.trim(), `${keyOf(e)}: a knownGap mark says why`);
  // A gap that starts passing and a new failure both break this.
  assert.equal(failing.map((o) => keyOf(o.entry)).sort(), marked.map(keyOf).sort(), 'entries failing today vs entries marked knownGap');
  if (failing.length > 0) {
    const lines = failing.map(({ entry, failures }) => `- ${keyOf(entry)}: ${entry.knownGap}\n    ${entry.message}\n    ${failures.join('\n    ')}`);
    console.log(`\n${failing.length} catalog entries are known library gaps:\n${lines.join('\n')}\n`);
  }
});

test.run();
