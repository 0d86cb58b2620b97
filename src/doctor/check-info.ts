/**
 * What a check's findings mean beyond their cause id. Most findings explain a failure and are
 * headlined with their cause's title; a few are risks that do not make RBD access fail (a keyring
 * readable by other users still works): they get a headline of their own and never confirm a
 * cause for an incident (`--with-config`).
 */
import type { CheckId } from './types.js';

/** How one check's findings are headlined and whether they can confirm their cause. */
export interface CheckInfo {
  /** Headline used instead of the cause's title. */
  readonly title: string;
  /** False when the finding is a risk, not an explanation of a failure. */
  readonly confirmsCause: boolean;
}

/** Checks whose findings are not explanations of a failure. Others: the cause's title, and they confirm. */
export const CHECK_INFO: Readonly<Partial<Record<CheckId, CheckInfo>>> = {
  'keyring-permissions': { title: 'Keyring readable by users other than root', confirmsCause: false },
};

/** True when findings of `check` may confirm their cause on an incident. */
export function confirmsCause(check: CheckId): boolean {
  return CHECK_INFO[check]?.confirmsCause ?? true;
}
