/**
 * Which evidence lines the text report shows, and in which order: the line that decided the
 * cause first (always shown, whatever the cap), then the other failure lines, then context
 * (task framing, command lines, successes elsewhere), each in log order.
 */
import { matchRules } from '../classify/engine.js';
import { extractMessage } from '../extract/extract.js';
import type { Evidence, Incident } from '../types.js';

function isFailureLine(e: Evidence): boolean {
  return (e.role ?? 'failure') === 'failure';
}

/**
 * How strongly a line on its own supports `incident.cause`: the highest weight among the
 * incident's own (non-fallback) rules that match it, 0 when none does.
 */
function support(incident: Incident, e: Evidence): number {
  const own = new Set(incident.rules);
  let best = 0;
  for (const rule of matchRules(extractMessage(e.text))) {
    if (rule.fallback || !own.has(rule.id)) continue;
    best = Math.max(best, rule.causes[incident.cause] ?? 0);
  }
  return best;
}

/**
 * Index in `incident.evidence` of the line that decided the cause: the one marked `decisive`;
 * else the failure line that best supports the cause through the incident's rules (the first
 * such line in log order); else the first failure line; else the first line. -1 without evidence.
 */
export function decisiveIndex(incident: Incident): number {
  // The correlator marks the line; results from older versions or other producers may lack the mark.
  const evidence = incident.evidence;
  const marked = evidence.findIndex((e) => e.decisive === true);
  if (marked >= 0) return marked;
  let best = -1;
  let bestSupport = 0;
  evidence.forEach((e, k) => {
    if (!isFailureLine(e)) return;
    const s = support(incident, e);
    if (s > bestSupport) { best = k; bestSupport = s; }
  });
  if (best >= 0) return best;
  const firstFailure = evidence.findIndex(isFailureLine);
  return firstFailure >= 0 ? firstFailure : evidence.length > 0 ? 0 : -1;
}

/** The evidence the report shows, in order, and how many lines it leaves out. */
export interface ShownEvidence {
  readonly lines: readonly { readonly evidence: Evidence; readonly decisive: boolean }[];
  readonly hidden: number;
}

/**
 * Up to `max` lines (at least the deciding one): the deciding line, other failure lines, then
 * context lines, each group in log order.
 */
export function selectEvidence(incident: Incident, max: number): ShownEvidence {
  const decisive = decisiveIndex(incident);
  const order = incident.evidence.map((e, k) => ({ e, k }));
  const rank = ({ e, k }: { e: Evidence; k: number }): number => (k === decisive ? 0 : isFailureLine(e) ? 1 : 2);
  const sorted = order.sort((a, b) => rank(a) - rank(b) || a.k - b.k);
  const limit = Math.max(max, decisive >= 0 ? 1 : 0);
  const shown = sorted.slice(0, limit).map(({ e, k }) => ({ evidence: e, decisive: k === decisive }));
  return { lines: shown, hidden: incident.evidence.length - shown.length };
}
