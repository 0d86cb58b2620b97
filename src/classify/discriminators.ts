/**
 * Discriminators: when two causes are close, the one sentence and the commands that tell them
 * apart. Data only; the first entry whose condition holds is used. Texts in our own words
 * (article: Triage, "ls works but info fails ⇒ caps").
 */
import type { CauseId } from '../causes.js';
import type { CommandTemplate } from './commands.js';

/** One way to separate the leading candidates. */
export interface Discriminator {
  /** Stable id, shown in the JSON `discriminator` field's source rule and in tests. */
  readonly id: string;
  /** Applies when, among the top three candidates, there is a cause of each of these sets (empty: always). */
  readonly eachOf: readonly (readonly CauseId[])[];
  /** What to do, for a person. `{first}` and `{second}` are the two leading causes. */
  readonly text: string;
  /** Commands that carry it out, run before the top cause's own commands. */
  readonly commands: readonly CommandTemplate[];
}

/** Runner-up within this share of the top candidate's confidence: too close to call. */
export const CLOSE_CALL = 0.5;

export const DISCRIMINATORS: readonly Discriminator[] = [
  {
    id: 'auth-vs-caps',
    eachOf: [['caps-insufficient'], ['client-mismatch', 'key-stale', 'keyring-missing']],
    text: 'Run rbd ls, then rbd info, with the same identity: ls failing too means auth (client name, key, keyring); only info failing means caps.',
    commands: [{
      purpose: 'Separate auth from caps: if ls fails too it is auth (client name, key, keyring); if only info fails it is caps',
      template: 'rbd {confOpt}-p {pool} ls {authOpts} && rbd {confOpt}info {pool}/{image} {authOpts}',
      changesCluster: false,
    }],
  },
  {
    id: 'first-check-of-each',
    eachOf: [],
    text: 'Tell {first} and {second} apart with the first command of each.',
    commands: [],
  },
];
