/** The shape of a classification rule. Rules are data; the engine only evaluates conditions. */
import type { CauseId } from '../causes.js';
import type { Phase } from '../types.js';
import type { LayerKind } from '../extract/payload.js';
import type { CommandTemplate } from './commands.js';

/** What a line must show for a rule to apply. Every listed condition must hold. */
export interface RuleCondition {
  /** The line has at least one of these message shapes (see src/extract/shapes.ts). */
  readonly shapes?: readonly string[];
  /** The errno is one of these. */
  readonly errno?: readonly number[];
  /** The line carries no errno. */
  readonly noErrno?: true;
  /** The phase is one of these. */
  readonly phases?: readonly Phase[];
  /** The line names no phase (neither its message, its wrappers nor its words). */
  readonly noPhase?: true;
  /** The client asked for this auth method (`none` = PVE's fallback when the keyring file is missing). */
  readonly auth?: 'none';
  /** `handle_auth_bad_method`: the methods the client supports include cephx (2) or not. */
  readonly clientSupportsCephx?: boolean;
  /** The line is wrapped in one of these layers. */
  readonly layers?: readonly LayerKind[];
}

/** One rule of the table. */
export interface Rule {
  /** Stable id, kebab-case. */
  readonly id: string;
  /** Causes this evidence supports, with a weight 0..1 each. */
  readonly causes: Partial<Record<CauseId, number>>;
  readonly when: RuleCondition;
  /** Applies only when no other rule matched the line. */
  readonly fallback?: true;
  /**
   * Causes whose evidence from other rules this rule explains away: e.g. a client that offered
   * no cephx also ends in a timeout, which is not a monitor problem then.
   */
  readonly explainsAway?: readonly CauseId[];
  /** In our own words: what is seen, why it happens, what fixes it. */
  readonly explanation: { readonly symptom: string; readonly cause: string; readonly fix: string };
  /** Commands this evidence calls for before the cause's own (shown when the rule decides the incident). */
  readonly commands?: readonly CommandTemplate[];
  /** Article sections (`article: Task 6`). */
  readonly refs: readonly string[];
  /** Messages (the part after the journal prefix) that must match, and near misses that must not. */
  readonly samples: { readonly match: readonly string[]; readonly noMatch: readonly string[] };
}
