/**
 * The stable cause ids (see docs in README "Causes"). They are part of the public
 * contract: JSON output and the library API. Add new ones; never rename.
 */
export const CAUSE_IDS = [
  'mon-unreachable',
  'keyring-missing',
  'client-mismatch',
  'key-stale',
  'caps-insufficient',
  'config-split',
  'image-not-found',
  'node-drift',
  'image-busy',
  'krbd-features',
  'unknown',
] as const;

/** One of the stable cause ids. */
export type CauseId = (typeof CAUSE_IDS)[number];

/** What a person needs to know about a cause, independent of any log line. */
export interface CauseInfo {
  /** Short title for reports. */
  readonly title: string;
  /** Position in the article's triage order (monitors, keyring/identity, caps, …): lower is checked first. */
  readonly triageRank: number;
  /** Article sections that discuss it. */
  readonly refs: readonly string[];
}

/** Titles, triage order and article refs for every cause id. */
export const CAUSES: Readonly<Record<CauseId, CauseInfo>> = {
  'mon-unreachable': {
    title: 'Monitors unreachable from this node',
    triageRank: 1,
    refs: ['article: Triage 1', 'article: Task 1', 'article: Task 9', 'article: Mistake 4', 'article: FAQ 7'],
  },
  'config-split': {
    title: 'Process reads another ceph.conf / another cluster',
    triageRank: 2,
    refs: ['article: Task 8', 'article: Task 11', 'article: Task 12', 'article: Task 13', 'article: FAQ 2'],
  },
  'keyring-missing': {
    title: 'Keyring file missing or unreadable on this node',
    triageRank: 3,
    refs: ['article: Triage 2', 'article: Task 2', 'article: Task 3', 'article: Mistake 3'],
  },
  'client-mismatch': {
    title: 'Keyring is for another client name',
    triageRank: 4,
    refs: ['article: Task 4', 'article: Client names'],
  },
  'key-stale': {
    title: 'Key on this node is out of date (rotation not rolled out)',
    triageRank: 5,
    refs: ['article: Task 7', 'article: Task 15', 'article: Mistake 6', 'article: Checklist C'],
  },
  'node-drift': {
    title: 'Same storage works on one node and fails on another',
    triageRank: 6,
    refs: ['article: Mistake 1', 'article: Mini-story 1', 'article: Checklist B'],
  },
  'caps-insufficient': {
    title: 'Authenticated, but caps forbid the operation',
    triageRank: 7,
    refs: ['article: Triage 3', 'article: Task 5', 'article: Task 6', 'article: Task 7', 'article: Task 14', 'article: Mistake 2', 'article: FAQ 4', 'article: FAQ 5'],
  },
  'image-not-found': {
    title: 'Pool or image name wrong, or image gone',
    triageRank: 8,
    refs: ['article: Task 5', 'article: Task 6', 'article: Mistake 5'],
  },
  'image-busy': {
    title: 'Image held: watchers, exclusive lock, blocklist or cfs-lock',
    triageRank: 9,
    refs: [],
  },
  'krbd-features': {
    title: 'Kernel RBD client cannot map the image',
    triageRank: 10,
    refs: [],
  },
  unknown: {
    title: 'RBD failure without enough evidence to name a cause',
    triageRank: 11,
    refs: ['article: Checklist A'],
  },
};

/** The project's own page about a cause: what it is, how it shows, how to confirm and fix it. */
export function causeDocPath(cause: CauseId): string {
  return `docs/causes/${cause}.md`;
}

/**
 * What a finding about `cause` points people at: the cause's page first, then `extra` (e.g. the
 * article sections of the rules that matched), then the cause's own article sections; no repeats.
 */
export function causeRefs(cause: CauseId, extra: readonly string[] = []): string[] {
  return [...new Set([causeDocPath(cause), ...extra, ...CAUSES[cause].refs])];
}

/** True when `value` is one of the stable cause ids. */
export function isCauseId(value: string): value is CauseId {
  return (CAUSE_IDS as readonly string[]).includes(value);
}
