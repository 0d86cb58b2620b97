/** `rbd-explain doctor`: checks a node's own Ceph/Proxmox config (or collected trees). */
import type { Writable } from 'node:stream';
import { formatDoctorText, doctorToJson, doctorToNdjson, doctorExitCode } from '../doctor/index.js';
import type { Severity } from '../doctor/types.js';
import { doctorReport } from '../pipeline/with-config.js';

/** Parsed `doctor` arguments. */
export interface DoctorArgs {
  readonly root: readonly string[];
  readonly pools?: string | undefined;
  readonly format: 'text' | 'json' | 'ndjson';
  readonly 'fail-on': Severity;
}

/** Prints the report; returns the exit code (0 clean, 1 findings at or above --fail-on). */
export function runDoctorCommand(args: DoctorArgs, stdout: Writable): number {
  const report = doctorReport(args.root, args.pools);
  if (args.format === 'json') stdout.write(`${JSON.stringify(doctorToJson(report), null, 2)}\n`);
  else if (args.format === 'ndjson') stdout.write(doctorToNdjson(report));
  else stdout.write(formatDoctorText(report));
  return doctorExitCode(report, args['fail-on']);
}
