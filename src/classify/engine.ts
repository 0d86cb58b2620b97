/** Evaluates the rule table on extractions and combines rule hits into ranked causes. */
import { CAUSES, type CauseId } from '../causes.js';
import type { Candidate } from '../types.js';
import type { DetailedExtraction } from '../extract/extract.js';
import { SHAPES } from '../extract/shapes.js';
import { WRAPPERS } from '../extract/wrappers.js';
import type { Rule, RuleCondition } from './rule-types.js';
import { RULES } from './rules.js';

const FAILURE_SHAPES = new Set(SHAPES.filter((s) => s.failure).map((s) => s.id));

/** True when the line reports an error of its own (not framing or context). */
export function isFailure(x: DetailedExtraction): boolean {
  return x.shapes.some((s) => FAILURE_SHAPES.has(s)) || x.layers.some((l) => WRAPPERS[l.kind].wrapsError);
}

/** Ceph's auth method number for cephx (1 is none). */
const CEPHX = 2;

function holds(c: RuleCondition, x: DetailedExtraction): boolean {
  if (c.shapes && !c.shapes.some((s) => x.shapes.includes(s))) return false;
  if (c.errno && (x.errno === null || !c.errno.includes(x.errno))) return false;
  if (c.noErrno && x.errno !== null) return false;
  if (c.phases && (x.phase === null || !c.phases.includes(x.phase))) return false;
  if (c.noPhase && x.phase !== null) return false;
  if (c.auth === 'none' && !/\bnone\b/.test(x.target?.auth ?? '')) return false;
  if (c.clientSupportsCephx !== undefined) {
    if (!x.authMethods) return false;
    if (x.authMethods.supported.includes(CEPHX) !== c.clientSupportsCephx) return false;
  }
  if (c.layers && !c.layers.some((kind) => x.layers.some((l) => l.kind === kind))) return false;
  return true;
}

/** The rules that apply to one extraction (fallback rules only when nothing else does). */
export function matchRules(x: DetailedExtraction, rules: readonly Rule[] = RULES): Rule[] {
  const failure = isFailure(x);
  // A line without an error shape only matches rules that name one of its shapes.
  const eligible = (r: Rule): boolean => failure || (r.when.shapes?.some((s) => x.shapes.includes(s)) ?? false);
  const direct = rules.filter((r) => !r.fallback && eligible(r) && holds(r.when, x));
  if (direct.length > 0) return direct;
  return rules.filter((r) => r.fallback && eligible(r) && holds(r.when, x));
}

/**
 * Combines rule hits into ranked candidates. Evidence for one cause adds up like
 * independent signals (1 − Π(1 − w)); the result is normalised into shares. Ties go
 * to the article's triage order (monitors, config, keyring/identity, caps, …).
 */
export function rankCauses(rules: readonly Rule[]): Candidate[] {
  const miss = new Map<CauseId, number>();
  const specific = rules.some((r) => !r.fallback);
  const explained = new Map<CauseId, string>();
  for (const rule of rules) for (const cause of rule.explainsAway ?? []) explained.set(cause, rule.id);
  for (const rule of rules) {
    if (rule.fallback && specific) continue;
    for (const [cause, raw] of Object.entries(rule.causes) as [CauseId, number][]) {
      // Evidence another rule explains away counts for little.
      const weight = explained.has(cause) && explained.get(cause) !== rule.id ? raw * 0.2 : raw;
      miss.set(cause, (miss.get(cause) ?? 1) * (1 - weight));
    }
  }
  const strength = [...miss.entries()].map(([cause, m]) => ({ cause, score: 1 - m }));
  const total = strength.reduce((sum, s) => sum + s.score, 0);
  const scale = total > 1 ? total : 1;
  return strength
    .map((s) => ({ cause: s.cause, confidence: Math.round((s.score / scale) * 100) / 100 }))
    .filter((c) => c.confidence > 0)
    .sort((a, b) => b.confidence - a.confidence || CAUSES[a.cause].triageRank - CAUSES[b.cause].triageRank);
}

/** Classifies one extraction on its own: the rules that apply and the ranked causes. */
export function classify(x: DetailedExtraction): { readonly rules: readonly Rule[]; readonly candidates: readonly Candidate[] } {
  const rules = matchRules(x);
  return { rules, candidates: rankCauses(rules) };
}
