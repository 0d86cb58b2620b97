// The shape registry's search aid: an unanchored shape is tried only on text that holds its required
// literal, so the literal must be in every text the shape matches.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { SHAPES, requiredLiteral, requiredLiterals, matchShapes } from '../src/extract/shapes.js';
import { parsePayload } from '../src/extract/payload.js';
import { loadCorpus } from './helpers/wild.js';

test('requiredLiteral: the longest plain run outside groups, none under a top-level alternation', () => {
  assert.is(requiredLiteral('^(\\S+) not found, authentication is disabled'), ' not found, authentication is disabled');
  assert.is(requiredLiteral('^trying to acquire lock\\.\\.\\. ?failed'), 'trying to acquire lock...');
  assert.is(requiredLiteral('^abc|^defgh'), null);
  assert.is(requiredLiteral('^(?:a|b) is locked \\((\\w+)\\)'), ' is locked (');
  assert.is(requiredLiteral('^x{2,3}yz[abc]+'), null, 'runs under 4 characters are no literal');
  assert.is(requiredLiteral('^error openings? pool'), 'error opening', 'a quantified last character is not required');
});

test('requiredLiterals: one literal per top-level alternative, through a leading group, else none', () => {
  assert.equal(requiredLiterals('^abcd x|^efgh (\\d+)'), ['abcd x', 'efgh ']);
  assert.equal(requiredLiterals('^(?:can\'t open|parse_file: cannot open) (\\S+)|^Errors while parsing'), ["can't open", 'parse_file: cannot open', 'Errors while parsing']);
  assert.equal(requiredLiterals('^(?:volume (\\S+) already exists|target \'([^\']+)\' already exists)'), [' already exists', "' already exists"]);
  assert.equal(requiredLiterals('^abcd x|^ef'), null, 'an alternative without a literal');
  assert.equal(requiredLiterals('^(?:abcd|efgh)?xy'), null, 'a quantified group is not required');
  assert.equal(requiredLiterals('^[|(]abcde|^(?:x\\|yyyy)zzzz'), ['abcde', 'zzzz'], 'bars and parentheses in classes and escapes do not split');
  assert.equal(requiredLiterals('^single literal here'), ['single literal here']);
});

test('every catalog message a shape matches holds that shape\'s required literal', () => {
  const messages = JSON.parse(readFileSync(new URL('../../fixtures/catalog/messages.json', import.meta.url), 'utf8')) as { message: string }[];
  let checked = 0;
  for (const { message } of messages) {
    const body = parsePayload(message)?.body ?? message;
    for (const text of [message, body]) {
      for (const hit of matchShapes(text)) {
        const literal = hit.shape.pattern.flags.includes('i') ? null : requiredLiteral(hit.shape.pattern.source);
        if (literal === null) continue;
        checked += 1;
        assert.ok(text.includes(literal), `${hit.shape.id}: "${literal}" not in ${text}`);
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} matches checked`);
  assert.ok(SHAPES.length > 100);
});

test('every catalog and wild line a shape matches after any separator holds one of its required literals', () => {
  const { cases } = loadCorpus();
  const texts = [
    ...(JSON.parse(readFileSync(new URL('../../fixtures/catalog/messages.json', import.meta.url), 'utf8')) as { message: string }[]).map((m) => m.message),
    ...cases.flatMap((c) => c.text.split('\n')),
  ];
  // An unanchored shape is the anchored pattern tried after each separator (the `^` it loosens);
  // the anchored patterns, run on each such suffix, check the literals independently of the gate.
  const SEPARATOR = /[\s:\][|>"'(=,]/;
  let checked = 0;
  for (const text of texts) {
    for (let at = 0; at < Math.min(text.length, 4096); at++) {
      if (at > 0 && !SEPARATOR.test(text.charAt(at - 1))) continue;
      for (const hit of matchShapes(text.slice(at))) {
        if (hit.shape.pattern.flags.includes('i')) continue;
        const literals = requiredLiterals(hit.shape.pattern.source);
        if (literals === null) continue;
        checked += 1;
        assert.ok(literals.some((l) => text.includes(l)), `${hit.shape.id}: none of ${JSON.stringify(literals)} in ${text}`);
      }
    }
  }
  assert.ok(checked > 200, `only ${checked} matches checked`);
});

test.run();
