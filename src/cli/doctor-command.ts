/** `rbd-explain doctor`: checks a node's own Ceph/Proxmox config (or collected trees). */
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { nodeInputsFromRoots, runDoctor, runMultiNodeDoctor, formatDoctorText, doctorToJson, doctorToNdjson, doctorExitCode, parsePoolList, parseStorageCfg } from '../doctor/index.js';
import type { DoctorReport, NodeInput, Severity } from '../doctor/types.js';

/** Parsed `doctor` arguments. */
export interface DoctorArgs {
  readonly root: readonly string[];
  readonly pools?: string | undefined;
  readonly format: 'text' | 'json' | 'ndjson';
  readonly 'fail-on': Severity;
}

/** `--root DIR` (one node) or `--root NODE=DIR` (several, compared with each other). */
export function nodeInputs(roots: readonly string[]): NodeInput[] {
  return nodeInputsFromRoots(roots);
}

/** Runs the doctor for the CLI's arguments. */
export function doctorReport(args: Pick<DoctorArgs, 'root' | 'pools'>): DoctorReport {
  const inputs = nodeInputs(args.root);
  const options = args.pools ? { pools: parsePoolList(readFileSync(args.pools, 'utf8')) } : {};
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

/** Prints the report; returns the exit code (0 clean, 1 findings at or above --fail-on). */
export function runDoctorCommand(args: DoctorArgs, stdout: Writable): number {
  const report = doctorReport(args);
  if (args.format === 'json') stdout.write(`${JSON.stringify(doctorToJson(report), null, 2)}\n`);
  else if (args.format === 'ndjson') stdout.write(doctorToNdjson(report));
  else stdout.write(formatDoctorText(report));
  return doctorExitCode(report, args['fail-on']);
}
