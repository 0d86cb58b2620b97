// docs/message-catalog.md stays true to the code: every shape of the registry and every wrapper
// layer kind has its row, the page names no shape or layer that does not
// exist, each shape row carries the shape's phase, and every catalog id cited in src/ is on the page.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SHAPES } from '../src/extract/shapes.js';
import { WRAPPERS } from '../src/extract/wrappers.js';
import type { LayerKind } from '../src/extract/payload.js';

const DOC = readFileSync('docs/message-catalog.md', 'utf8');
const ID = /^(?:CL|CY|RA|LR|QE|RB|KR|PS|PC|PCL|GC|QS|PM|PH|AR|OC)-(?:\d\d[a-c]?|old|xx)$/;

/** The cells of every table row of the page, without the header and separator rows. */
function rows(): string[][] {
  return DOC.split('\n')
    .filter((line) => line.startsWith('| ') && !/^\|[-| ]+\|$/.test(line))
    // `\|` inside a cell is an escaped pipe, not a column border.
    .map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()))
    .filter((cells) => cells[0] !== 'id' && cells[0] !== 'layer kind');
}

const unquote = (cell: string): string => cell.replace(/^`|`$/g, '');

/** Shape rows: id | format | source | phase | shape. */
const shapeRows = rows().filter((cells) => cells.length === 5 && cells[4]?.startsWith('`')).map((c) => ({ ids: c[0] as string, phase: c[3] as string, shape: unquote(c[4] as string) }));
/** Layer rows: layer kind | format | id | phase | source. */
const layerRows = rows().filter((cells) => cells[0]?.startsWith('`') && !cells[0].includes('.') && cells.length === 5)
  .map((c) => ({ kind: unquote(c[0] as string), ids: c[2] as string, phase: (c[3] as string).split(' ')[0] as string }));

test('the page parses into shape rows and layer rows', () => {
  assert.ok(shapeRows.length >= 100, `${shapeRows.length} shape rows`);
  assert.ok(layerRows.length >= 20, `${layerRows.length} layer rows`);
});

test('every shape (wrapper-bound ones included) has exactly one row with its phase', () => {
  const phases = new Map<string, string | null>(SHAPES.map((s) => [s.id, s.phase]));
  assert.ok(SHAPES.some((s) => s.wrappedBy !== undefined), 'the registry holds the wrapper-bound timeout shapes');
  const documented = shapeRows.map((r) => r.shape);
  assert.equal([...documented].sort(), [...phases.keys()].sort(), 'shape rows vs shapes in the code');
  for (const row of shapeRows) assert.is(row.phase, phases.get(row.shape) ?? '—', `phase of ${row.shape}`);
});

test('the page names no shape that does not exist', () => {
  const known = new Set(SHAPES.map((s) => s.id));
  const named = [...DOC.matchAll(/`((?:ceph|radosperl|librbd|qemu|pve|rbd|kernel)\.[a-z][a-z0-9-]*)`/g)].map((m) => m[1] as string);
  assert.ok(named.length > 0);
  assert.equal(named.filter((id) => !known.has(id)), []);
});

test('every wrapper layer kind has exactly one row with its phase, and no row names an unknown kind', () => {
  const kinds = Object.keys(WRAPPERS);
  assert.equal(layerRows.map((r) => r.kind).sort(), [...kinds].sort());
  for (const row of layerRows) assert.is(row.phase, WRAPPERS[row.kind as LayerKind].phase ?? '—', `phase of ${row.kind}`);
});

test('every row carries catalog ids', () => {
  for (const row of [...shapeRows, ...layerRows]) {
    if (row.ids === '—') continue; // a wrapper not located in source says so in its source cell
    for (const id of row.ids.split(/,\s*/)) {
      const single = id.replace(/….*$/, '');
      assert.match(single, ID, `${'shape' in row ? row.shape : row.kind}: ${row.ids}`);
    }
  }
});

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

test('catalog ids cited in src/ are on the page; nothing points at the shared reference', () => {
  const sources = filesBelow('src').filter((f) => f.endsWith('.ts'));
  const cited = new Set(sources.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\b((?:CL|CY|RA|LR|QE|RB|KR|PS|PC|PCL|GC|QS|PM|PH)-(?:\d\d[a-c]?|old))\b/g)].map((m) => m[1] as string)));
  assert.ok(cited.size > 0);
  const onPage = new Set([...DOC.matchAll(/\b([A-Z]{2,3}-(?:\d\d[a-c]?|old))\b/g)].map((m) => m[1] as string));
  assert.equal([...cited].filter((id) => !onPage.has(id)).sort(), []);
  for (const file of [...sources, 'docs/message-catalog.md']) {
    assert.not.match(readFileSync(file, 'utf8'), /shared\/reference|\.\.\/shared/, file);
  }
});

test.run();
