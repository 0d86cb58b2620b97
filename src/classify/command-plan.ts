/**
 * Which commands an incident gets, in order: a table of steps read by diagnose(). Data only;
 * the templates themselves live in commands.ts (per cause) and discriminators.ts.
 */
import type { CauseId } from '../causes.js';
import type { CommandTemplate, CommandValues } from './commands.js';

/** Where a step takes its templates from. */
export type CommandSource =
  /** Fixed templates. */
  | { readonly kind: 'templates'; readonly templates: readonly CommandTemplate[] }
  /** The commands of the discriminator that applies, if any. */
  | { readonly kind: 'discriminator' }
  /** The commands of the rule that decided the incident, if it has any. */
  | { readonly kind: 'deciding-rule' }
  /** Every command of the top cause. */
  | { readonly kind: 'top-cause' }
  /** The first read-only command of each of the next `count` candidates. */
  | { readonly kind: 'runner-up-checks'; readonly count: number }
  /** Every command of one cause. */
  | { readonly kind: 'cause'; readonly cause: CauseId };

/** One step of the plan. */
export interface CommandStep {
  readonly id: string;
  readonly from: CommandSource;
  /** Only when the log gave these values. */
  readonly needs?: readonly (keyof CommandValues)[];
  /** Not for these top causes. */
  readonly exceptCauses?: readonly CauseId[];
  /** Not when the incident's evidence already includes the Proxmox task log. */
  readonly unlessTaskLogRead?: true;
  /** Why the step is there. */
  readonly why: string;
}

/** Reproducing the open with the failing identity. */
export const REPRODUCE: CommandTemplate = {
  purpose: 'Reproduce the open with the same conf, client and keyring as the failing process',
  template: 'rbd {confOpt}info {pool}/{image} {authOpts}',
  changesCluster: false,
};

export const COMMAND_PLAN: readonly CommandStep[] = [
  {
    id: 'reproduce', from: { kind: 'templates', templates: [REPRODUCE] }, needs: ['pool', 'image'], exceptCauses: ['mon-unreachable'],
    why: 'The same open with the same identity shows whether the failure is still there (useless while the monitors are unreachable).',
  },
  { id: 'discriminator', from: { kind: 'discriminator' }, why: 'Close candidates: the command that separates them comes first.' },
  { id: 'deciding-rule', from: { kind: 'deciding-rule' }, why: 'What the deciding message itself calls for (a storage that does not exist: its storage.cfg entry).' },
  { id: 'top-cause', from: { kind: 'top-cause' }, why: 'Confirm and fix the leading cause.' },
  { id: 'runner-up-checks', from: { kind: 'runner-up-checks', count: 2 }, why: 'One read-only check for each of the next candidates.' },
  {
    id: 'read-task-log', from: { kind: 'cause', cause: 'unknown' }, needs: ['taskLog'], exceptCauses: ['unknown'], unlessTaskLogRead: true,
    why: 'QEMU\'s own message is often only in the task log; pointless once the task log was read.',
  },
];
