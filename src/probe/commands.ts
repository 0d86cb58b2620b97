/** The read-only commands the probe runs, built with the failing process's conf, id and keyring. */
import { shellQuote } from '../doctor/finding.js';
import type { CephProgram, ProbeTarget, StepName } from './types.js';

/** A planned step: which tool, which arguments. */
export interface PlannedCommand {
  readonly name: StepName;
  readonly program: CephProgram;
  readonly args: readonly string[];
}

/** `--conf … --id … --keyring …` as the failing process used them. */
export function identityArgs(target: ProbeTarget): string[] {
  return [
    ...(target.conf === null ? [] : ['--conf', target.conf]),
    '--id', target.clientId,
    ...(target.keyring === null ? [] : ['--keyring', target.keyring]),
  ];
}

/** `pool[/namespace]`. */
export function poolSpec(target: ProbeTarget): string {
  return target.namespace ? `${target.pool}/${target.namespace}` : target.pool;
}

/** `pool[/namespace]/image`, or null without an image. */
export function imageSpec(target: ProbeTarget): string | null {
  return target.image === null ? null : `${poolSpec(target)}/${target.image}`;
}

/** True when the operation names an image that does not exist yet (so it is not opened). */
export function namesNewImage(target: ProbeTarget): boolean {
  return target.operation === 'create' || target.operation === 'clone';
}

/** The core steps in triage order: cluster identity first, then list, then open. */
export function plannedCommands(target: ProbeTarget, connectTimeoutSeconds: number): PlannedCommand[] {
  const id = identityArgs(target);
  const ceph = [...id, '--connect-timeout', String(connectTimeoutSeconds)];
  const image = namesNewImage(target) ? null : imageSpec(target);
  return [
    { name: 'ceph-fsid', program: 'ceph', args: [...ceph, 'fsid'] },
    { name: 'ceph-status', program: 'ceph', args: [...ceph, '-s'] },
    { name: 'rbd-ls', program: 'rbd', args: [...id, 'ls', poolSpec(target)] },
    ...(image === null ? [] : [
      { name: 'rbd-info', program: 'rbd', args: [...id, 'info', image] } as const,
      { name: 'rbd-snap-ls', program: 'rbd', args: [...id, 'snap', 'ls', image] } as const,
    ]),
  ];
}

/** The command line a person would type. */
export function displayCommand(program: CephProgram, args: readonly string[]): string {
  return [program, ...args.map(shellQuote)].join(' ');
}

/** Follow-up commands, run only when the core steps call for them. All read-only. */
export const followUp = {
  /** Watchers of the image. */
  status: (target: ProbeTarget, image: string): PlannedCommand => ({ name: 'rbd-status', program: 'rbd', args: [...identityArgs(target), 'status', '--format', 'json', image] }),
  /** Lock owners of the image. */
  lockLs: (target: ProbeTarget, image: string): PlannedCommand => ({ name: 'rbd-lock-ls', program: 'rbd', args: [...identityArgs(target), 'lock', 'ls', '--format', 'json', image] }),
  blocklistLs: (target: ProbeTarget, timeoutSeconds: number): PlannedCommand => ({ name: 'blocklist-ls', program: 'ceph', args: [...identityArgs(target), '--connect-timeout', String(timeoutSeconds), 'osd', 'blocklist', 'ls'] }),
  poolLs: (target: ProbeTarget, timeoutSeconds: number): PlannedCommand => ({ name: 'pool-ls', program: 'ceph', args: [...identityArgs(target), '--connect-timeout', String(timeoutSeconds), 'osd', 'pool', 'ls'] }),
  /** `rbd ls` of another pool, to find the image there. */
  lsOther: (target: ProbeTarget, pool: string): PlannedCommand => ({ name: 'rbd-ls-other', program: 'rbd', args: [...identityArgs(target), 'ls', pool] }),
  /** `ceph fsid` with the same identity through another conf. */
  compareFsid: (target: ProbeTarget, conf: string, timeoutSeconds: number): PlannedCommand => ({ name: 'compare-fsid', program: 'ceph', args: [...identityArgs({ ...target, conf }), '--connect-timeout', String(timeoutSeconds), 'fsid'] }),
};
