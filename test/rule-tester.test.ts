// Runs the RuleTester table (test/rule-table.ts) through extraction, the rule engine and diagnose(),
// and asserts the exact outcome of each case. Every rule must have a case.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../src/classify/rules.js';
import { isFailure, matchRules } from '../src/classify/engine.js';
import { extractMessage } from '../src/extract/extract.js';
import { diagnose } from '../src/classify/diagnose.js';
import type { CommandValues } from '../src/classify/commands.js';
import { RULE_CASES } from './rule-table.js';

const NO_VALUES: CommandValues = {
  conf: null, clientId: null, keyring: null, pool: null, image: null, snapshot: null, monHosts: null,
  storage: null, upid: null, taskLog: null, vmid: null,
};

function outcome(lines: readonly string[]) {
  const observed = lines.map((line) => {
    const x = extractMessage(line);
    return { x, rules: matchRules(x), failure: isFailure(x), fromTaskLog: false };
  });
  const rules = [...new Map(observed.flatMap((o) => o.rules).map((r) => [r.id, r])).values()];
  const d = diagnose({ lines: observed, rules, values: NO_VALUES });
  return {
    top: d.top.cause,
    candidates: d.candidates.map((c) => c.cause),
    discriminator: d.discriminator?.id ?? null,
    deciding: d.decidingLine,
    matched: rules.map((r) => r.id),
  };
}

for (const c of RULE_CASES) {
  test(`rule table: ${c.rule}`, () => {
    const rule = RULES.find((r) => r.id === c.rule);
    assert.ok(rule, `no rule ${c.rule}`);
    const lines = c.lines ?? [rule.samples.match[0]!];
    const got = outcome(lines);
    assert.equal(got, { top: c.top, candidates: c.candidates, discriminator: c.discriminator, deciding: c.deciding, matched: c.matched });
    assert.ok(got.matched.includes(c.rule), `${c.rule} did not match its own case`);
  });
}

test('every rule has a case in the table', () => {
  const covered = new Set(RULE_CASES.map((c) => c.rule));
  assert.equal(RULES.map((r) => r.id).filter((id) => !covered.has(id)), []);
});

test.run();
