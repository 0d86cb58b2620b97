/**
 * Real-cluster suite (`npm run test:ceph`). Starts the two clusters once, re-runs every scenario
 * for real and, per scenario:
 *
 * - `shape`: fails when the real message changed shape against the committed fixture
 *   (fixtures/real/<id>/capture.json), after normalising volatile parts (timestamps, thread ids,
 *   pointers, fsids, ports, nonces, client ids, tids, …) — same exit code, same set of lines;
 * - `cause`: renders the fresh capture the Proxmox way into a temp dir and classifies each
 *   rendering with the library (dist/src/index.js); what each rendering must show is the policy
 *   in test/helpers/expectation.ts (shared with the unit test over the committed fixtures).
 *
 * Every process the harness started is stopped in `after`, and on exit/signals (cluster.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnalysisResult, InputFormat } from '../../src/types.js';
import { ensurePackages } from './cluster.js';
import { FIXTURE_ROOT } from './capture.js';
import { normalise, runScenario, startWorld, stopWorld, type World } from './runner.js';
import { SCENARIOS } from './scenarios.js';
import { render, type Capture, type Rendering } from './wrap.js';
import { judge, type RenderingKind } from '../helpers/expectation.js';

interface Lib {
  analyzeFiles(paths: readonly string[], options?: { inputFormat?: InputFormat; year?: number }): Promise<AnalysisResult>;
}

const t0 = Date.now();
const log = (m: string): void => console.log(`[ceph +${Math.round((Date.now() - t0) / 1000)}s] ${m}`);
let world: World | undefined;
let lib: Lib | null = null;
let libError = '';
const renderRoot = mkdtempSync(join(tmpdir(), 'rbdx-render-'));
const fresh = new Map<string, { capture: Capture; rendering: Rendering; dir: string }>();
const mismatches: string[] = [];
const notes: string[] = [];

test.before(async () => {
  await ensurePackages(log);
  try {
    // Resolved at run time so this suite compiles whether or not the library is built yet.
    const spec = '../../src/index.js';
    lib = (await import(spec)) as Lib;
  } catch (e) {
    libError = `library not loadable (dist/src/index.js): ${String(e)}`;
  }
  world = await startWorld(log);
});

test.after(async () => {
  await stopWorld(world);
  if (process.env.RBD_EXPLAIN_KEEP_RENDER === '1') log(`renderings kept in ${renderRoot}`);
  else rmSync(renderRoot, { recursive: true, force: true });
  if (notes.length > 0) log(`notes (passing, but more than one incident):\n  ${notes.join('\n  ')}`);
  if (mismatches.length > 0) log(`classification mismatches:\n  ${mismatches.join('\n  ')}`);
  log('all processes stopped');
});

function committed(id: string): Capture | null {
  const p = join(FIXTURE_ROOT, id, 'capture.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Capture) : null;
}

/** Sorted set of normalised lines: the message shapes, independent of log-flush interleaving. */
function shapeOf(stderr: string): string[] {
  return [...new Set(normalise(stderr))].sort();
}

function writeRendering(dir: string, r: Rendering): void {
  for (const f of [r.cli, r.taskLog, r.short, r.shortIso, r.json]) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
}

/** Inputs to classify for one scenario, relative to its dir. */
type Check = { name: string; kind: RenderingKind; files: string[]; format?: InputFormat };

function checks(r: Rendering): Check[] {
  return [
    { name: 'cli', kind: 'cli', files: [r.cli.path], format: 'cli' },
    { name: 'tasklog', kind: 'tasklog', files: [r.taskLog.path] },
    { name: 'tasklog+short', kind: 'tasklog+journal', files: [r.taskLog.path, r.short.path] },
    { name: 'tasklog+short-iso', kind: 'tasklog+journal', files: [r.taskLog.path, r.shortIso.path] },
    { name: 'tasklog+json', kind: 'tasklog+journal', files: [r.taskLog.path, r.json.path] },
    { name: 'short', kind: 'journal', files: [r.short.path] },
    { name: 'short-iso', kind: 'journal', files: [r.shortIso.path] },
    { name: 'json', kind: 'journal', files: [r.json.path] },
  ];
}

for (const s of SCENARIOS) {
  test(`shape: ${s.id}`, async () => {
    if (!world) throw new Error('clusters not started');
    const c = await runScenario(world, s);
    const r = render(s, c);
    const dir = join(renderRoot, s.id);
    writeRendering(dir, r);
    fresh.set(s.id, { capture: c, rendering: r, dir });
    log(`${s.id}: exit ${c.exitCode} in ${c.durationMs} ms — ${r.taskError ?? 'OK'}`);
    const old = committed(s.id);
    assert.ok(old, `no committed fixture fixtures/real/${s.id}: run node dist/test/ceph/capture.js ${s.id}`);
    assert.is(c.exitCode, old.exitCode, `exit code changed for ${s.id}`);
    assert.equal(shapeOf(c.stderr), shapeOf(old.stderr), `real message shape changed for ${s.id}`);
  });

  test(`cause: ${s.id}`, async () => {
    const f = fresh.get(s.id);
    assert.ok(f, `no fresh capture for ${s.id} (the shape test failed to run it)`);
    assert.ok(lib, libError);
    const year = new Date(f.capture.startedAt).getUTCFullYear();
    const problems: string[] = [];
    for (const ch of checks(f.rendering)) {
      const opts = ch.format === undefined ? { year } : { year, inputFormat: ch.format };
      const res = await lib.analyzeFiles(ch.files.map((p) => join(f.dir, p)), opts);
      const got = res.incidents.map((i) => i.cause);
      // Same policy as the unit test over the committed fixtures (test/helpers/expectation.ts).
      const problem = judge({ id: s.id, cause: s.cause, tool: s.tool }, ch.kind, res.incidents);
      if (problem === null && new Set(got).size > 1) notes.push(`${s.id} ${ch.name}: incidents [${got.join(', ')}]`);
      if (problem !== null) {
        const first = res.incidents[0];
        const detail = first ? ` (first: errno ${first.errno}, phase ${first.phase}, rules ${first.rules.join(',')})` : '';
        problems.push(`${ch.name}: ${problem}${detail}`);
      }
    }
    for (const p of problems) mismatches.push(`${s.id} ${p}`);
    assert.equal(problems, [], `classification of ${s.id}`);
  });
}

test.run();
