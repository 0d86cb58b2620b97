/**
 * Config attachment (`--with-config`): the doctor checks this node's config (or collected
 * trees), and its findings are joined to the incidents they bear on (src/correlate/attach-config.ts).
 */
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeInputsFromRoots, runDoctor, runMultiNodeDoctor, parsePoolList, parseStorageCfg } from '../doctor/index.js';
import type { DoctorReport, NodeInput } from '../doctor/types.js';
import { attachConfig } from '../correlate/attach-config.js';
import type { AnalysisResult } from '../types.js';

/** `DIR` (one node) or `NODE=DIR` (several, compared with each other); none means this node at `/`. */
export function nodeInputs(roots: readonly string[]): NodeInput[] {
  return nodeInputsFromRoots(roots);
}

/** Runs the doctor on the roots (`pools`: a file with `ceph osd pool ls` output). */
export function doctorReport(roots: readonly string[], pools?: string): DoctorReport {
  const inputs = nodeInputs(roots);
  const options = pools ? { pools: parsePoolList(readFileSync(pools, 'utf8')) } : {};
  return inputs.length > 1 ? runMultiNodeDoctor(inputs, options) : runDoctor(inputs[0] ?? { node: hostname(), root: '/' }, options);
}

/** Storage id → pool for every rbd storage in the roots' storage.cfg (unreadable files are skipped). */
export function storagePools(roots: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { root } of nodeInputs(roots)) {
    try {
      for (const s of parseStorageCfg(readFileSync(join(root, 'etc/pve/storage.cfg'), 'utf8')).storages) out.set(s.id, s.pool);
    } catch { /* the doctor reports missing files itself */ }
  }
  return out;
}

/** The result with the doctor's findings attached to the incidents they explain (confirmed causes promoted). */
export function withConfig(result: AnalysisResult, roots: readonly string[] = []): AnalysisResult {
  const report = doctorReport(roots);
  return { ...result, incidents: attachConfig(result.incidents, report.findings, nodeInputs(roots).length === 1, storagePools(roots)) };
}
