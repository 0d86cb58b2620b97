/**
 * Diagnosis of one group of lines, as a pure step: the lines and the rules they matched in;
 * ranked candidates, the deciding rule and line, the discriminator and the commands out.
 * The correlator only groups lines and calls this; the tables it reads (rules, discriminators,
 * the command plan, command templates) are data.
 */
import { causeRefs } from '../causes.js';
import type { Candidate, Phase, SuggestedCommand } from '../types.js';
import type { DetailedExtraction } from '../extract/extract.js';
import type { Rule } from './rule-types.js';
import { rankCauses } from './engine.js';
import { COMMANDS_BY_CAUSE, fillTemplate, type CommandTemplate, type CommandValues } from './commands.js';
import { CLOSE_CALL, DISCRIMINATORS, type Discriminator } from './discriminators.js';
import { COMMAND_PLAN, type CommandStep } from './command-plan.js';

/** One line of a group, as diagnosis sees it. */
export interface DiagnosisLine {
  readonly x: DetailedExtraction;
  /** The rules this line matched. */
  readonly rules: readonly Rule[];
  /** True for a line that reports the error; false for context (framing, command lines). */
  readonly failure: boolean;
  /** True when the line comes from a Proxmox task log. */
  readonly fromTaskLog: boolean;
}

/** What diagnose() needs: the lines (failures first), the group's distinct rules, its values. */
export interface DiagnosisInput {
  readonly lines: readonly DiagnosisLine[];
  /** Distinct rules of the group, in the order they were first matched. */
  readonly rules: readonly Rule[];
  /** Values for the command templates, taken from the lines by the caller. */
  readonly values: CommandValues;
}

/** The outcome for one group. */
export interface Diagnosis {
  readonly candidates: readonly Candidate[];
  readonly top: Candidate;
  /** The rule whose explanation is shown: the strongest one for the top cause. */
  readonly decidingRule: Rule | null;
  /** Index into `lines` of the line that decided errno and phase (and is always shown), or null. */
  readonly decidingLine: number | null;
  /** The discriminator that applies when the leading causes are close, and its text. */
  readonly discriminator: { readonly id: string; readonly text: string } | null;
  readonly commands: readonly SuggestedCommand[];
  readonly refs: readonly string[];
  readonly errno: number | null;
  readonly phase: Phase | null;
}

const UNKNOWN: Candidate = { cause: 'unknown', confidence: 0 };

/** The discriminator for these candidates, when the runner-up is close enough to the top one. */
export function pickDiscriminator(candidates: readonly Candidate[]): Discriminator | null {
  const [top, second] = candidates;
  if (!top || !second || second.confidence < top.confidence * CLOSE_CALL) return null;
  const leading = candidates.slice(0, 3).map((c) => c.cause);
  return DISCRIMINATORS.find((d) => d.eachOf.every((set) => set.some((cause) => leading.includes(cause)))) ?? null;
}

function templatesOf(step: CommandStep, candidates: readonly Candidate[], discriminator: Discriminator | null, decidingRule: Rule | null): readonly CommandTemplate[] {
  const top = candidates[0] ?? UNKNOWN;
  switch (step.from.kind) {
    case 'deciding-rule': return decidingRule?.commands ?? [];
    case 'templates': return step.from.templates;
    case 'discriminator': return discriminator?.commands ?? [];
    case 'top-cause': return COMMANDS_BY_CAUSE[top.cause];
    case 'cause': return COMMANDS_BY_CAUSE[step.from.cause];
    case 'runner-up-checks': return candidates.slice(1, 1 + step.from.count)
      .map((c) => COMMANDS_BY_CAUSE[c.cause].find((t) => !t.changesCluster))
      .filter((t): t is CommandTemplate => t !== undefined);
  }
}

/** The commands of the plan, filled in and de-duplicated. */
export function planCommands(candidates: readonly Candidate[], values: CommandValues, discriminator: Discriminator | null, taskLogRead: boolean, decidingRule: Rule | null = null): SuggestedCommand[] {
  const top = candidates[0] ?? UNKNOWN;
  const known = (needs: readonly (keyof CommandValues)[] | undefined): boolean => (needs ?? []).every((k) => values[k] !== null);
  const seen = new Set<string>();
  const out: SuggestedCommand[] = [];
  for (const step of COMMAND_PLAN) {
    if (!known(step.needs) || step.exceptCauses?.includes(top.cause) || (step.unlessTaskLogRead && taskLogRead)) continue;
    for (const t of templatesOf(step, candidates, discriminator, decidingRule)) {
      if (!known(t.needs) || (t.unlessTaskLogRead && taskLogRead)) continue;
      const command = fillTemplate(t.template, values);
      if (seen.has(command)) continue;
      seen.add(command);
      out.push({ purpose: fillTemplate(t.purpose, values), command, changesCluster: t.changesCluster });
    }
  }
  return out;
}

/** Diagnoses one group of lines. Pure and deterministic. */
export function diagnose(input: DiagnosisInput): Diagnosis {
  const { lines, rules, values } = input;
  const candidates = rankCauses(rules);
  const top = candidates[0] ?? UNKNOWN;
  // The line that best supports the top cause decides errno and phase.
  let decidingLine = lines.findIndex((l) => l.failure && l.rules.some((r) => (r.causes[top.cause] ?? 0) > 0 && !r.fallback));
  if (decidingLine < 0) decidingLine = lines.findIndex((l) => l.failure && l.x.errno !== null);
  if (decidingLine < 0) decidingLine = lines.findIndex((l) => l.failure);
  const best = decidingLine >= 0 ? lines[decidingLine] : undefined;
  const decidingRule = [...rules].filter((r) => (r.causes[top.cause] ?? 0) > 0)
    .sort((a, b) => (b.causes[top.cause] ?? 0) - (a.causes[top.cause] ?? 0))[0] ?? rules[0] ?? null;
  const first = <T>(pick: (x: DetailedExtraction) => T | null | undefined): T | null => {
    for (const l of lines) { const v = pick(l.x); if (v !== null && v !== undefined) return v; }
    return null;
  };
  const discriminator = pickDiscriminator(candidates);
  const taskLogRead = lines.some((l) => l.fromTaskLog);
  return {
    candidates,
    top,
    decidingRule,
    decidingLine: decidingLine >= 0 ? decidingLine : null,
    discriminator: discriminator ? {
      id: discriminator.id,
      text: discriminator.text.replace('{first}', candidates[0]?.cause ?? '').replace('{second}', candidates[1]?.cause ?? ''),
    } : null,
    commands: planCommands(candidates, values, discriminator, taskLogRead, decidingRule),
    refs: causeRefs(top.cause, rules.flatMap((r) => r.refs)),
    errno: best?.x.errno ?? first((x) => x.errno),
    phase: best?.x.phase ?? first((x) => x.phase),
  };
}
