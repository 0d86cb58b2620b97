/**
 * Real-cluster suite (`npm run test:ceph`). Starts the two clusters once, re-runs every scenario
 * for real and, per scenario:
 *
 * - `shape`: fails when the real message changed shape against the committed fixture
 *   (fixtures/real/<id>/capture.json), after normalising volatile parts (timestamps, thread ids,
 *   pointers, fsids, ports, nonces, client ids, tids, …) — same exit code, same set of lines;
 * - `cause`: renders the fresh capture the Proxmox way into a temp dir and classifies each
 *   rendering with the library (dist/src/index.js); fails when the cause differs from the
 *   scenario's expected cause (or, for success scenarios, when any incident is reported).
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
import { SCENARIOS, type Scenario } from './scenarios.js';
import { render, type Capture, type Rendering } from './wrap.js';

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
function checks(s: Scenario, r: Rendering): Array<{ name: string; files: string[]; format?: InputFormat }> {
  const list: Array<{ name: string; files: string[]; format?: InputFormat }> = [
    { name: 'cli', files: [r.cli.path], format: 'cli' },
    { name: 'tasklog', files: [r.taskLog.path] },
    { name: 'tasklog+short', files: [r.taskLog.path, r.short.path] },
    { name: 'tasklog+short-iso', files: [r.taskLog.path, r.shortIso.path] },
    { name: 'tasklog+json', files: [r.taskLog.path, r.json.path] },
  ];
  // A failed VM start leaves only `start failed: QEMU exited with code 1` in the journal: the
  // evidence is in the task log, so the journal alone is checked only for rbd calls.
  if (s.pve.kind !== 'vmstart') {
    list.push({ name: 'short', files: [r.short.path] }, { name: 'short-iso', files: [r.shortIso.path] }, { name: 'json', files: [r.json.path] });
  }
  return list;
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
    for (const ch of checks(s, f.rendering)) {
      const opts = ch.format === undefined ? { year } : { year, inputFormat: ch.format };
      const res = await lib.analyzeFiles(ch.files.map((p) => join(f.dir, p)), opts);
      const got = res.incidents.map((i) => i.cause);
      // The best-ranked incident must carry the expected cause; further incidents may only repeat
      // it or be `unknown` (those are noted, not failed). Success scenarios must give no incident.
      const best = [...res.incidents].sort((x, y) => y.confidence - x.confidence)[0];
      const ok = s.cause === null ? got.length === 0 : best?.cause === s.cause && got.every((g) => g === s.cause || g === 'unknown');
      if (ok && got.some((g) => g !== s.cause)) notes.push(`${s.id} ${ch.name}: extra incidents [${got.join(', ')}]`);
      if (!ok) {
        const first = best;
        const detail = first ? ` (first: errno ${first.errno}, phase ${first.phase}, rules ${first.rules.join(',')})` : '';
        problems.push(`${ch.name}: expected ${s.cause ?? 'no incident'}, got [${got.join(', ') || 'no incident'}]${detail}`);
      }
    }
    for (const p of problems) mismatches.push(`${s.id} ${p}`);
    assert.equal(problems, [], `classification of ${s.id}`);
  });
}

test.run();
