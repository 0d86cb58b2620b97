// The rule tester: every rule's samples must match (or not), and the table must stay
// complete: unique ids, valid causes, refs, explanations, and every cause id covered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../src/classify/rules.js';
import { matchRules } from '../src/classify/engine.js';
import { extractMessage } from '../src/extract/extract.js';
import { CAUSE_IDS, isCauseId } from '../src/causes.js';
import { SHAPES } from '../src/extract/shapes.js';
import { CROSS_NODE_RULES } from '../src/correlate/cross-node.js';

for (const rule of RULES) {
  test(`rule ${rule.id}: samples`, () => {
    assert.ok(rule.samples.match.length > 0, 'needs at least one matching sample');
    assert.ok(rule.samples.noMatch.length > 0, 'needs at least one near miss');
    for (const sample of rule.samples.match) {
      const ids = matchRules(extractMessage(sample)).map((r) => r.id);
      assert.ok(ids.includes(rule.id), `should match: ${sample}\n  matched instead: ${ids.join(', ') || 'nothing'}`);
    }
    for (const sample of rule.samples.noMatch) {
      const ids = matchRules(extractMessage(sample)).map((r) => r.id);
      assert.not.ok(ids.includes(rule.id), `should not match: ${sample}`);
    }
  });
}

test('rule ids are unique kebab-case', () => {
  const ids = RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
});

test('rules name real causes with weights in (0, 1]', () => {
  for (const rule of RULES) {
    const entries = Object.entries(rule.causes);
    assert.ok(entries.length > 0, rule.id);
    for (const [cause, weight] of entries) {
      assert.ok(isCauseId(cause), `${rule.id}: ${cause}`);
      assert.ok(weight > 0 && weight <= 1, `${rule.id}: weight ${weight}`);
    }
  }
});

test('rules explain themselves and cite the article correctly', () => {
  for (const rule of RULES) {
    for (const part of [rule.explanation.symptom, rule.explanation.cause, rule.explanation.fix]) {
      assert.ok(part.length > 10, `${rule.id}: explanation part too short`);
    }
    for (const ref of rule.refs) assert.match(ref, /^article: (?:Task \d+|Mistake \d|Triage \d|Checklist [ABC]|FAQ \d+|Mini-story \d|Client names)$/);
  }
});

test('rule conditions name only shapes that exist', () => {
  const shapeIds = new Set(SHAPES.map((s) => s.id));
  for (const rule of RULES) for (const s of rule.when.shapes ?? []) assert.ok(shapeIds.has(s), `${rule.id}: unknown shape ${s}`);
});

test('every cause id has a rule (line rules or cross-node rules)', () => {
  const covered = new Set([...RULES, ...CROSS_NODE_RULES].flatMap((r) => Object.keys(r.causes)));
  for (const cause of CAUSE_IDS) assert.ok(covered.has(cause), `no rule for ${cause}`);
});

test('rule ids name what they match, never a cause id', () => {
  for (const rule of RULES) assert.not.ok(isCauseId(rule.id), `${rule.id} reads as a cause id`);
});

test('shape ids are unique', () => {
  const ids = SHAPES.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length);
});

test.run();
