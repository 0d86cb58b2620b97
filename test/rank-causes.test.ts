// rankCauses on hand-built rule hits: exact candidates and confidences for combined evidence,
// normalisation, ties (article triage order), explainsAway and fallback rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CauseId } from '../src/causes.js';
import { rankCauses } from '../src/classify/engine.js';
import type { Rule } from '../src/classify/rule-types.js';

/** A rule that only carries what rankCauses reads. */
function rule(id: string, causes: Partial<Record<CauseId, number>>, extra: { fallback?: true; explainsAway?: readonly CauseId[] } = {}): Rule {
  return {
    id, causes, when: {}, ...extra,
    explanation: { symptom: 's', cause: 'c', fix: 'f' }, refs: [], samples: { match: [], noMatch: [] },
  };
}

test('no rule: no candidate', () => {
  assert.equal(rankCauses([]), []);
});

test('one rule: its weight is the confidence (below 1, nothing to normalise)', () => {
  assert.equal(rankCauses([rule('r', { 'keyring-missing': 0.9 })]), [{ cause: 'keyring-missing', confidence: 0.9 }]);
});

test('two rules for one cause add up like independent signals: 1 - (1 - 0.5)(1 - 0.6) = 0.8', () => {
  assert.equal(rankCauses([rule('a', { 'image-not-found': 0.5 }), rule('b', { 'image-not-found': 0.6 })]), [{ cause: 'image-not-found', confidence: 0.8 }]);
});

test('several causes above a total of 1 are normalised into shares, strongest first', () => {
  // scores 0.9 and 0.6, total 1.5: 0.6 and 0.4
  assert.equal(
    rankCauses([rule('a', { 'caps-insufficient': 0.6 }), rule('b', { 'client-mismatch': 0.9 })]),
    [{ cause: 'client-mismatch', confidence: 0.6 }, { cause: 'caps-insufficient', confidence: 0.4 }],
  );
  // A total below 1 is left as it is.
  assert.equal(
    rankCauses([rule('a', { 'caps-insufficient': 0.3, 'image-not-found': 0.5 })]),
    [{ cause: 'image-not-found', confidence: 0.5 }, { cause: 'caps-insufficient', confidence: 0.3 }],
  );
});

test('ties go to the triage order whatever order the rules came in', () => {
  // triage ranks: mon-unreachable 1, config-split 2, keyring-missing 3, client-mismatch 4, key-stale 5, caps-insufficient 7
  const tie = [rule('k', { 'caps-insufficient': 0.8 }), rule('c', { 'keyring-missing': 0.8 }), rule('m', { 'mon-unreachable': 0.8 }), rule('s', { 'config-split': 0.8 })];
  const expected = [
    { cause: 'mon-unreachable', confidence: 0.25 }, { cause: 'config-split', confidence: 0.25 },
    { cause: 'keyring-missing', confidence: 0.25 }, { cause: 'caps-insufficient', confidence: 0.25 },
  ];
  assert.equal(rankCauses(tie), expected);
  assert.equal(rankCauses([...tie].reverse()), expected);
  // One rule naming both causes of a tie: same order.
  assert.equal(rankCauses([rule('x', { 'key-stale': 0.5, 'client-mismatch': 0.5 })]), [{ cause: 'client-mismatch', confidence: 0.5 }, { cause: 'key-stale', confidence: 0.5 }]);
});

test('explainsAway: other rules\' evidence for an explained cause counts a fifth', () => {
  // mon-unreachable from `timeout` weighs 0.8 * 0.2 = 0.16; scores 0.9 and 0.16, total 1.06.
  const rules = [rule('timeout', { 'mon-unreachable': 0.8 }), rule('no-cephx', { 'keyring-missing': 0.9 }, { explainsAway: ['mon-unreachable'] })];
  assert.equal(rankCauses(rules), [{ cause: 'keyring-missing', confidence: 0.85 }, { cause: 'mon-unreachable', confidence: 0.15 }]);
  // Without the explaining rule the timeout counts in full.
  assert.equal(rankCauses([rules[0] as Rule]), [{ cause: 'mon-unreachable', confidence: 0.8 }]);
  // A rule does not explain away its own evidence.
  assert.equal(
    rankCauses([rule('self', { 'keyring-missing': 0.6, 'mon-unreachable': 0.4 }, { explainsAway: ['mon-unreachable'] })]),
    [{ cause: 'keyring-missing', confidence: 0.6 }, { cause: 'mon-unreachable', confidence: 0.4 }],
  );
});

test('fallback rules are ignored when a specific rule matched, and count when alone', () => {
  const fallback = rule('generic', { unknown: 0.3, 'image-busy': 0.2 }, { fallback: true });
  const specific = rule('specific', { 'image-not-found': 0.7 });
  assert.equal(rankCauses([fallback, specific]), [{ cause: 'image-not-found', confidence: 0.7 }]);
  assert.equal(rankCauses([fallback]), [{ cause: 'unknown', confidence: 0.3 }, { cause: 'image-busy', confidence: 0.2 }]);
});

test('causes whose share rounds to zero are dropped', () => {
  assert.equal(rankCauses([rule('a', { 'image-busy': 0.9, 'krbd-features': 0.004, 'node-drift': 0 })]), [{ cause: 'image-busy', confidence: 0.9 }]);
});

test.run();
