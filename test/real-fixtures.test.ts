// Classifies every real capture (fixtures/real, made by `npm run test:ceph`) without a cluster.
// What each rendering must show is the shared policy in helpers/expectation.ts; the journal and the
// task log read together must also land in one incident (joined by UPID and task PID).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles } from '../src/pipeline/analyze.js';
import { judge, indistinguishable, type RenderingKind } from './helpers/expectation.js';

const ROOT = 'fixtures/real';

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
  const facts = { id: scenario, cause: expected.cause, tool: expected.tool };
  const kindOf = (file: string): RenderingKind => (file.endsWith('cli.log') ? 'cli' : taskLogs.includes(file) ? 'tasklog' : 'journal');

  test(`${scenario}: every rendering`, async () => {
    for (const file of renderings) {
      const result = await analyzeFiles([file]);
      const label = `${scenario} ${file.slice(dir.length + 1)}`;
      assert.is(result.errors.length, 0, label);
      const problem = judge(facts, kindOf(file), result.incidents);
      assert.is(problem, null, `${label}: ${problem ?? ''}`);
      const top = result.incidents[0];
      if (top && expected.cause !== null && (kindOf(file) === 'cli' || (isQemu && kindOf(file) === 'tasklog')) && expected.tool !== 'rbd') {
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
      assert.is(judge(facts, 'tasklog+journal', joined), null);
      if (!indistinguishable(facts)) assert.is(joined[0]?.cause, expected.cause);
    });
  }
}

test.run();
