// Classifies every real capture (fixtures/real, made by `npm run test:ceph`) without a cluster.
// What a rendering can prove decides what is asserted:
// - the raw stderr (cli.log) and QEMU task logs carry the client's own words: the cause must be the top one,
//   except where the cluster's answer is identical for several causes (below);
// - Proxmox keeps only the last line of `rbd` queries, and the journal of a VM start only says that QEMU
//   exited: there the expected cause must be among the candidates, or (VM starts) the incident says `unknown`
//   and points at the task log;
// - the journal and the task log read together name the cause again (joined by UPID and task PID).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles } from '../src/analyze.js';
import type { Incident } from '../src/types.js';

const ROOT = 'fixtures/real';

/** A stale key, a key for another client name and a conf pointing at another cluster get the same refusal. */
const SAME_ANSWER = new Set(['key-stale', 'client-mismatch']);
const SAME_ANSWER_SCENARIOS = /^config-split-other-cluster--/;

interface Expected {
  readonly cause: string | null;
  readonly tool: string;
  readonly fields?: Record<string, string | number | null>;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

const scenarios = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => statSync(join(ROOT, d)).isDirectory()).sort() : [];

test('there are real fixtures to classify', () => {
  assert.ok(scenarios.length >= 20, `only ${scenarios.length} scenarios under ${ROOT}`);
});

for (const scenario of scenarios) {
  const dir = join(ROOT, scenario);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const taskLogs = filesBelow(join(dir, 'tasks'));
  const journals = ['journal.short.log', 'journal.short-iso.log', 'journal.json.log'].map((f) => join(dir, f)).filter(existsSync);
  const renderings = [join(dir, 'cli.log'), ...taskLogs, ...journals].filter(existsSync);
  const isQemu = expected.tool.startsWith('qemu');
  const ambiguous = (expected.cause !== null && SAME_ANSWER.has(expected.cause)) || SAME_ANSWER_SCENARIOS.test(scenario);

  test(`${scenario}: every rendering`, async () => {
    for (const file of renderings) {
      const result = await analyzeFiles([file]);
      const label = `${scenario} ${file.slice(dir.length + 1)}`;
      assert.is(result.errors.length, 0, label);
      if (expected.cause === null) {
        assert.is(result.incidents.length, 0, `${label}: a success case must give no incident`);
        continue;
      }
      const top = result.incidents[0] as Incident | undefined;
      assert.ok(top, `${label}: no incident`);
      const isJournal = journals.includes(file);
      const isRawOrQemuTask = file.endsWith('cli.log') || (isQemu && taskLogs.includes(file));
      if (isJournal && isQemu) {
        assert.is(top.cause, 'unknown', `${label}: the journal alone cannot know; got ${top.cause}`);
        assert.ok(top.upid, `${label}: the incident names the task`);
        assert.ok(top.commands.some((c) => c.command.startsWith('cat /var/log/pve/tasks/')), `${label}: points at the task log`);
      } else if (isRawOrQemuTask && !ambiguous) {
        assert.is(top.cause, expected.cause, `${label}: candidates ${top.candidates.map((c) => `${c.cause}:${c.confidence}`).join(',')}`);
      } else {
        assert.ok(top.candidates.some((c) => c.cause === expected.cause), `${label}: ${expected.cause} not among ${top.candidates.map((c) => c.cause).join(',')}`);
      }
      if (isRawOrQemuTask && expected.tool !== 'rbd-cli') {
        for (const field of ['pool', 'image'] as const) {
          const want = expected.fields?.[field];
          if (typeof want === 'string' && top[field] !== null) assert.is(top[field], want, `${label}: ${field}`);
        }
      }
    }
  });

  if (isQemu && expected.cause !== null && journals[0] && taskLogs[0]) {
    test(`${scenario}: journal + task log joined by UPID name the cause`, async () => {
      const result = await analyzeFiles([journals[0] as string, ...taskLogs]);
      const joined = result.incidents.filter((i) => i.evidence.some((e) => e.source === journals[0]) && i.evidence.some((e) => taskLogs.includes(e.source)));
      assert.is(joined.length, 1, `one incident cites both the journal and the task log (${result.incidents.length} incidents)`);
      const [incident] = joined;
      if (ambiguous) assert.ok(incident?.candidates.some((c) => c.cause === expected.cause));
      else assert.is(incident?.cause, expected.cause);
    });
  }
}

test.run();
