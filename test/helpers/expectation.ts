// What a rendering of a real scenario can prove, shared by the unit test over fixtures/real
// and the real-cluster suite:
// - the raw stderr (cli) and QEMU task logs carry the client's own words: the expected cause must
//   lead, except where the cluster answers several causes identically (stale key, key of another
//   client, conf of another cluster: the client sees the same refusal);
// - Proxmox keeps only one line of `rbd` output in task logs and the journal: the expected cause
//   must be among the candidates;
// - the journal of a VM start only says QEMU exited: the incident must say `unknown` and point at
//   the task log.
import type { Incident } from '../../src/types.js';

/** Which input a check reads. */
export type RenderingKind = 'cli' | 'tasklog' | 'journal' | 'tasklog+journal';

/** The scenario facts the policy needs. */
export interface ScenarioFacts {
  readonly id: string;
  readonly cause: string | null;
  /** `rbd`, `qemu-drive` or `qemu-blockdev`. */
  readonly tool: string;
}

const SAME_ANSWER_CAUSES = new Set(['key-stale', 'client-mismatch']);
const SAME_ANSWER_SCENARIOS = /^config-split-other-cluster--/;

/** True when the client output cannot single out the scenario's cause. */
export function indistinguishable(s: ScenarioFacts): boolean {
  return (s.cause !== null && SAME_ANSWER_CAUSES.has(s.cause)) || SAME_ANSWER_SCENARIOS.test(s.id);
}

/** Null when the incidents meet the policy, else what is wrong. */
export function judge(s: ScenarioFacts, kind: RenderingKind, incidents: readonly Incident[]): string | null {
  const causes = incidents.map((i) => i.cause);
  if (s.cause === null) return incidents.length === 0 ? null : `success case gave incidents [${causes.join(', ')}]`;
  const top = incidents[0];
  if (!top) return 'no incident';
  const candidates = top.candidates.map((c) => `${c.cause}:${c.confidence}`).join(',');
  const qemu = s.tool.startsWith('qemu');
  if (qemu && kind === 'journal') {
    if (top.cause !== 'unknown') return `journal alone of a VM start should say unknown, got ${top.cause}`;
    if (!top.upid) return 'the incident should name the task (UPID)';
    if (!top.commands.some((c) => c.command.startsWith('cat /var/log/pve/tasks/'))) return 'the incident should point at the task log';
    return null;
  }
  const ownWords = kind === 'cli' || qemu;
  if (ownWords && !indistinguishable(s)) {
    if (top.cause !== s.cause) return `expected ${s.cause} to lead, got ${top.cause} (${candidates})`;
    const other = causes.filter((c) => c !== s.cause && c !== 'unknown');
    return other.length === 0 ? null : `conflicting extra incidents [${other.join(', ')}]`;
  }
  return top.candidates.some((c) => c.cause === s.cause) ? null : `${s.cause} not among the candidates (${candidates})`;
}
