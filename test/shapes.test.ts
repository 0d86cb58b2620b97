// The shape registry's search aid: an unanchored shape is tried only on text that holds its required
// literal, so the literal must be in every text the shape matches.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { SHAPES, requiredLiteral, matchShapes } from '../src/extract/shapes.js';
import { parsePayload } from '../src/extract/payload.js';

test('requiredLiteral: the longest plain run outside groups, none under a top-level alternation', () => {
  assert.is(requiredLiteral('^(\\S+) not found, authentication is disabled'), ' not found, authentication is disabled');
  assert.is(requiredLiteral('^trying to acquire lock\\.\\.\\. ?failed'), 'trying to acquire lock...');
  assert.is(requiredLiteral('^abc|^defgh'), null);
  assert.is(requiredLiteral('^(?:a|b) is locked \\((\\w+)\\)'), ' is locked (');
  assert.is(requiredLiteral('^x{2,3}yz[abc]+'), null, 'runs under 4 characters are no literal');
  assert.is(requiredLiteral('^error openings? pool'), 'error opening', 'a quantified last character is not required');
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

test.run();
