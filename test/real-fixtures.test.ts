// Classifies every real capture (fixtures/real, made by `npm run test:ceph`) without a cluster.
// What each rendering must show is the shared policy in helpers/expectation.ts; the journal and the
// task log read together must also land in one incident (joined by UPID and task PID). Every
// field of expected.json is checked on the leading incident of every rendering, rbd scenarios
// included: exactly where the rendering prints the value, and never contradicted where it does not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles } from '../src/pipeline/analyze.js';
import { judge, indistinguishable, type RenderingKind } from './helpers/expectation.js';

const ROOT = 'fixtures/real';

/** The fields of expected.json: what the scenario set up. */
type Field = 'node' | 'pool' | 'image' | 'clientId' | 'keyring' | 'conf' | 'errno' | 'phase';
type Value = string | number | null;

/** One known mismatch: `field` of `scenario` in each of `renderings` reads `actual`. */
interface KnownFailure {
  readonly scenario: string;
  readonly field: Field;
  readonly renderings: readonly string[];
  readonly actual: Value;
  readonly kind: 'classifier' | 'expectation';
  readonly note: string;
}

interface Expected {
  readonly cause: string | null;
  readonly tool: string;
  readonly fields: Record<Field, Value>;
}

/**
 * Field mismatches of today, each with the value the library gives: `classifier` marks a fault in
 * the library, `expectation` a value in expected.json (written by test/ceph/capture.ts) that the
 * real output contradicts. The lead fixes them. A listed case that starts passing or gives
 * another value fails the last test: update the list with the fix.
 */
const KNOWN_FAILURES: readonly KnownFailure[] = [
  {
    scenario: 'busy-stale-lock--rbd-snap-create', field: 'errno', renderings: ['cli.log', 'tasklog'], actual: 30, kind: 'classifier',
    note: 'the last line (rbd: failed to create snapshot: (30) Read-only file system) wins over the lock lines that explain it (failed to blocklist lock owner / failed to acquire exclusive lock: (13))',
  },
  {
    scenario: 'busy-stale-lock--rbd-snap-create', field: 'phase', renderings: ['cli.log', 'tasklog'], actual: 'snapshot', kind: 'classifier',
    note: 'same lines: the snapshot step is reported, not the lock it could not take',
  },
  {
    scenario: 'busy-blocklisted--rbd-snap-create', field: 'phase', renderings: ['journal.short.log', 'journal.short-iso.log', 'journal.json.log'], actual: 'snapshot', kind: 'classifier',
    note: "the journal line `rbd snapshot '…' error: … librbd::ImageState: … failed to open image: (108)` takes the phase of the wrapper; the task log, with the same last line, says open",
  },
  {
    scenario: 'caps-readonly--rbd-snap-create', field: 'phase', renderings: ['tasklog', 'journal.short.log', 'journal.short-iso.log', 'journal.json.log'], actual: 'snapshot', kind: 'classifier',
    note: 'same as above with (1): `librbd::ImageState: … failed to open image` is an open failure, reported as snapshot',
  },
  {
    scenario: 'busy-watchers--rbd-rm', field: 'phase', renderings: ['cli.log', 'tasklog', 'journal.short.log', 'journal.short-iso.log', 'journal.json.log'], actual: 'lock', kind: 'classifier',
    note: 'the shape rbd.watchers carries phase lock; the scenario (rbd rm) expects remove. Decide which one the contract means',
  },
  {
    scenario: 'keyring-missing-fallback--qemu-blockdev', field: 'errno', renderings: ['cli.log', 'tasklog'], actual: 110, kind: 'expectation',
    note: 'expected 13, but the real client times out (110, Connection timed out), as fixtures/real/README.md item 2 records; test/ceph/scenarios.ts still says 13',
  },
  {
    scenario: 'keyring-missing-fallback--qemu-drive', field: 'errno', renderings: ['cli.log', 'tasklog'], actual: 110, kind: 'expectation',
    note: 'as keyring-missing-fallback--qemu-blockdev',
  },
  {
    scenario: 'keyring-missing-fallback--rbd-ls', field: 'errno', renderings: ['cli.log', 'tasklog', 'journal.short.log', 'journal.short-iso.log', 'journal.json.log'], actual: 110, kind: 'expectation',
    note: 'as keyring-missing-fallback--qemu-blockdev: rbd prints `listing images failed: (110) Connection timed out`',
  },
  {
    scenario: 'caps-readonly--rbd-create', field: 'image', renderings: ['tasklog', 'journal.short.log', 'journal.short-iso.log', 'journal.json.log'], actual: 'vm-101-disk-1', kind: 'expectation',
    note: "capture.ts expects no image for rbd create, but Proxmox's `rbd create 'vm-101-disk-1' error:` names the image being created",
  },
  {
    scenario: 'keyring-missing-path--rbd-create', field: 'image', renderings: ['tasklog', 'journal.short.log', 'journal.short-iso.log', 'journal.json.log'], actual: 'vm-101-disk-1', kind: 'expectation',
    note: 'as caps-readonly--rbd-create',
  },
];

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

const escape = (v: string): string => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `v` as a whole word: not glued to letters, digits, dots or dashes. */
const word = (v: string): RegExp => new RegExp(`(?<![\\w.-])${escape(v)}(?![\\w-]|\\.\\w)`);
/** glibc texts of the errnos the scenarios expect (QEMU prints the text without the number). */
const STRERROR: Readonly<Record<number, string>> = {
  1: 'Operation not permitted', 2: 'No such file or directory', 13: 'Permission denied', 16: 'Device or resource busy',
  108: 'Cannot send after transport endpoint shutdown', 110: 'Connection timed out',
};

/** True when the rendering's text prints `value` as that field (the phase is never printed). */
function printed(field: Field, value: string | number, text: string): boolean {
  switch (field) {
    case 'node': case 'pool': case 'image': return word(String(value)).test(text);
    case 'clientId': return [`id=${value}`, `"user":"${value}"`, `client.${value}`].some((form) => word(form).test(text));
    case 'keyring': case 'conf': return text.includes(String(value));
    case 'errno': {
      const strerror = STRERROR[value as number];
      if (strerror === undefined) throw new Error(`add the glibc text of errno ${value} to STRERROR`);
      return text.includes(`(${value})`) || text.includes(strerror);
    }
    case 'phase': return false;
  }
}

const scenarios = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => statSync(join(ROOT, d)).isDirectory()).sort() : [];
/** Field mismatches found so far, `<scenario> <rendering> <field>` → what the library gave. */
const mismatches = new Map<string, { expected: Value; actual: Value }>();

test('there are real fixtures to classify, rbd and QEMU alike', () => {
  assert.ok(scenarios.length >= 20, `only ${scenarios.length} scenarios under ${ROOT}`);
  assert.ok(scenarios.filter((s) => s.includes('--rbd-')).length >= 15, 'rbd scenarios');
});

for (const scenario of scenarios) {
  const dir = join(ROOT, scenario);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const taskLogs = filesBelow(join(dir, 'tasks'));
  const journals = ['journal.short.log', 'journal.short-iso.log', 'journal.json.log'].map((f) => join(dir, f)).filter(existsSync);
  const renderings = [join(dir, 'cli.log'), ...taskLogs, ...journals].filter(existsSync);
  const isQemu = expected.tool.startsWith('qemu');
  const facts = { id: scenario, cause: expected.cause, tool: expected.tool };
  const kindOf = (file: string): RenderingKind => (file.endsWith('cli.log') ? 'cli' : taskLogs.includes(file) ? 'tasklog' : 'journal');
  const nameOf = (file: string): string => (taskLogs.includes(file) ? 'tasklog' : file.slice(dir.length + 1));

  test(`${scenario}: every rendering, every expected field`, async () => {
    assert.equal(Object.keys(expected.fields).sort(), ['clientId', 'conf', 'errno', 'image', 'keyring', 'node', 'phase', 'pool']);
    const unexpected: string[] = [];
    for (const file of renderings) {
      const result = await analyzeFiles([file]);
      const label = `${scenario} ${nameOf(file)}`;
      assert.is(result.errors.length, 0, label);
      const problem = judge(facts, kindOf(file), result.incidents);
      assert.is(problem, null, `${label}: ${problem ?? ''}`);
      const top = result.incidents[0];
      if (!top) continue; // a success scenario (judge checked that there is no incident)
      const text = readFileSync(file, 'utf8');
      // The client's own words (raw stderr, QEMU's line in the task log) decide the phase.
      const ownWords = kindOf(file) === 'cli' || (isQemu && kindOf(file) === 'tasklog');
      for (const field of Object.keys(expected.fields) as Field[]) {
        const want = expected.fields[field];
        const got = top[field] as Value;
        const exact = want === null || (field === 'phase' ? ownWords : printed(field, want, text));
        const ok = exact ? got === want : got === null || got === want;
        if (ok) continue;
        const key = `${label} ${field}`;
        mismatches.set(key, { expected: want, actual: got });
        const known = KNOWN_FAILURES.find((k) => k.scenario === scenario && k.field === field && k.renderings.includes(nameOf(file)));
        if (!known || known.actual !== got) unexpected.push(`${key}: expected ${JSON.stringify(want)}${exact ? '' : ' or null'}, got ${JSON.stringify(got)}`);
      }
    }
    assert.equal(unexpected, [], unexpected.join('\n'));
  });

  if (isQemu && expected.cause !== null && journals[0] && taskLogs[0]) {
    test(`${scenario}: journal + task log joined by UPID name the cause`, async () => {
      const result = await analyzeFiles([journals[0] as string, ...taskLogs]);
      const joined = result.incidents.filter((i) => i.evidence.some((e) => e.source === journals[0]) && i.evidence.some((e) => taskLogs.includes(e.source)));
      assert.is(joined.length, 1, `one incident cites both the journal and the task log (${result.incidents.length} incidents)`);
      assert.is(judge(facts, 'tasklog+journal', joined), null);
      if (!indistinguishable(facts)) assert.is(joined[0]?.cause, expected.cause);
    });
  }
}

test('KNOWN_FAILURES lists exactly the field mismatches of today', () => {
  const listed = KNOWN_FAILURES.flatMap((k) => k.renderings.map((r) => ({ key: `${k.scenario} ${r} ${k.field}`, actual: k.actual })));
  const stale = listed.filter((k) => !mismatches.has(k.key) || mismatches.get(k.key)?.actual !== k.actual);
  assert.equal(stale.map((k) => k.key), [], 'these known failures pass now or give another value: update KNOWN_FAILURES');
  assert.equal([...mismatches.keys()].sort(), listed.map((k) => k.key).sort());
});

test.run();
