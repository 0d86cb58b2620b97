/**
 * What each wrapper layer means, in one table: whether whatever it wraps is an error, whether it is
 * an `rbd` command Proxmox ran (its exit code is then the errno), which phase and operation it implies.
 * The engine, the extraction and the rules read this table; add a wrapper kind here and in
 * grammars/payload.ohm.
 */
import type { LayerKind } from './payload.js';
import type { Phase } from '../types.js';

/** Facts about one kind of wrapper. */
export interface WrapperInfo {
  /** Proxmox prints this wrapper only around an error: the wrapped text is a failure. */
  readonly wrapsError: boolean;
  /** The wrapper reports an `rbd` command Proxmox ran: a bare `exit code N` is errno N. */
  readonly rbdCommand: boolean;
  /** Its detail names the image (and snapshot) the command worked on. */
  readonly namesImage: boolean;
  /** Phase implied by the wrapper alone. */
  readonly phase: Phase | null;
  /** Operation shown for the incident (`rbd map`). */
  readonly operation: string | null;
}

const PLAIN: WrapperInfo = { wrapsError: false, rbdCommand: false, namesImage: false, phase: null, operation: null };

/** Every layer kind of the Payload grammar, with its facts. */
export const WRAPPERS: Readonly<Record<LayerKind, WrapperInfo>> = {
  'task-error': PLAIN,
  'task-start': PLAIN,
  'task-end': PLAIN,
  'start-failed': PLAIN,
  'command-failed': PLAIN,
  'rbd-query': { wrapsError: true, rbdCommand: true, namesImage: false, phase: null, operation: 'rbd query' },
  // Phase and operation come from the subcommand in its detail (PHASE_BY_RBD_OPERATION).
  'rbd-mutating': { wrapsError: true, rbdCommand: true, namesImage: true, phase: null, operation: null },
  'map-failed': { wrapsError: true, rbdCommand: true, namesImage: true, phase: 'map', operation: 'rbd map' },
  'unmap-failed': { wrapsError: true, rbdCommand: true, namesImage: true, phase: 'map', operation: 'rbd unmap' },
  'blockdev-add-failed': { ...PLAIN, wrapsError: true },
  'drive-add-failed': { ...PLAIN, wrapsError: true },
  'qmp-failed': PLAIN,
  'backup-failed': PLAIN,
  'copy-failed': PLAIN,
  'cfs-lock': { ...PLAIN, wrapsError: true, phase: 'lock' },
  qemu: PLAIN,
  'remote-node': PLAIN,
  'qemu-relay': PLAIN,
  stamp: PLAIN,
  level: PLAIN,
  'ceph-log': PLAIN,
  'errno-bracket': PLAIN,
  'image-transfer-failed': PLAIN,
  'status-update-failed': PLAIN,
  'backup-job-failed': PLAIN,
  'migration-aborted': PLAIN,
  'remote-start-failed': PLAIN,
};

/** Layer kinds with a given fact, for rule conditions (`layers: RBD_COMMAND_LAYERS`). */
export function layerKindsWhere(fact: 'wrapsError' | 'rbdCommand' | 'namesImage'): readonly LayerKind[] {
  return (Object.keys(WRAPPERS) as LayerKind[]).filter((kind) => WRAPPERS[kind][fact]);
}

/** The wrappers that report an `rbd` command Proxmox ran. */
export const RBD_COMMAND_LAYERS: readonly LayerKind[] = layerKindsWhere('rbdCommand');
