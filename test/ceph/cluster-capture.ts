/**
 * Regenerates fixtures/cluster/ from a live three-monitor cluster (issue 17):
 *
 *   npm run build && node dist/test/ceph/cluster-capture.js [scenario-id-substring …]
 *
 * Layout of fixtures/cluster/<id>/ (see its README.md): the failing node's rendering in pve3/,
 * the working node's in pve1/ (key-recreated only), the monitors' real log lines in mon/, and
 * capture.json / expected.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages } from './cluster.js';
import { CLUSTER_SCENARIOS, monJournalJson, monJournalShort, renderRun, runClusterScenario, stagedOf, startClusterWorld, type ClusterRun, type ClusterWorld } from './cluster-events.js';
import type { Rendering } from './wrap.js';

/** fixtures/cluster relative to the compiled file (dist/test/ceph → repo root). */
export const CLUSTER_FIXTURE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/cluster');

function put(dir: string, path: string, text: string): void {
  if (text.length === 0) return;
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

function putRendering(dir: string, node: string, r: Rendering): void {
  for (const f of [r.taskLog, r.short, r.json]) put(dir, join(node, f.path), f.text);
}

/** Files of one run below `dir` (also used by the real-cluster suite for fresh runs). */
export function writeClusterRun(dir: string, run: ClusterRun): { bad: Rendering; good: Rendering | null } {
  rmSync(dir, { recursive: true, force: true });
  const staged = stagedOf(run.failing);
  const rendered = renderRun(run, staged);
  putRendering(dir, 'pve3', rendered.bad);
  if (rendered.good) putRendering(dir, 'pve1', rendered.good);
  put(dir, 'cli.log', run.failing.stderr);
  put(dir, 'mon/ceph.audit.log', run.auditLog);
  put(dir, 'mon/ceph.log', run.clusterLog);
  put(dir, 'mon/journal.ceph-mon.short.log', monJournalShort(run.monLogs));
  put(dir, 'mon/journal.ceph-mon.json.log', monJournalJson(run.monLogs));
  const s = run.scenario;
  put(dir, 'capture.json', `${JSON.stringify({ failing: run.failing, good: run.good }, null, 2)}\n`);
  put(dir, 'expected.json', `${JSON.stringify({
    scenario: s.id, title: s.title, cause: s.cause, event: s.event, confirmedBy: s.confirmedBy, minConfidence: 0.9,
    node: 'pve3', ...staged, upid: rendered.bad.upid, taskError: rendered.bad.taskError,
    real: 'cli.log and mon/ceph.audit.log, mon/ceph.log (verbatim, key material redacted); mon/journal.* carry the real log lines of the three monitors (mon.a on pve1, mon.b on pve2, mon.c on pve4) after a rendered journal prefix; pve3/ and pve1/ are the Proxmox wrapper of test/ceph/wrap.ts around the real QEMU error',
  }, null, 2)}\n`);
  return rendered;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const picked = CLUSTER_SCENARIOS.filter((s) => filters.length === 0 || filters.some((f) => s.id.includes(f)));
  const log = (m: string): void => console.log(`[cluster-capture] ${m}`);
  const t0 = Date.now();
  await ensurePackages(log);
  let world: ClusterWorld | undefined;
  try {
    world = await startClusterWorld(log);
    for (const s of picked) {
      const run = await runClusterScenario(world, s);
      const r = writeClusterRun(join(CLUSTER_FIXTURE_ROOT, s.id), run);
      log(`${s.id}: exit ${run.failing.exitCode} — ${r.bad.taskError ?? 'OK'}; audit ${run.auditLog.split('\n').length - 1} lines, cluster ${run.clusterLog.split('\n').length - 1}`);
    }
  } finally {
    await world?.c.stop();
  }
  log(`done: ${picked.length} scenarios in ${Math.round((Date.now() - t0) / 1000)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
