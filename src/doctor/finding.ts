/** Builds findings and the commands they carry, so every check fills them the same way. */
import { CAUSES, causeDocPath } from '../causes.js';
import type { Evidence, SuggestedCommand } from '../types.js';
import type { DoctorFinding } from './types.js';

/** The parts of a finding a check decides; node, refs and empty lists are filled in by {@link makeFinding}. */
export type FindingDraft = Omit<DoctorFinding, 'node' | 'refs' | 'commands' | 'evidence'> & {
  readonly commands?: readonly SuggestedCommand[];
  readonly evidence?: readonly Evidence[];
  /** Article sections beyond the cause's own refs. */
  readonly extraRefs?: readonly string[];
};

/** A finding for `node`, with the cause's page and article refs followed by the check's own. */
export function makeFinding(node: string | null, draft: FindingDraft): DoctorFinding {
  const refs = [causeDocPath(draft.cause), ...CAUSES[draft.cause].refs];
  for (const ref of draft.extraRefs ?? []) if (!refs.includes(ref)) refs.push(ref);
  return {
    check: draft.check,
    cause: draft.cause,
    severity: draft.severity,
    node,
    storage: draft.storage,
    file: draft.file,
    line: draft.line,
    subject: draft.subject,
    message: draft.message,
    fix: draft.fix,
    commands: draft.commands ?? [],
    evidence: draft.evidence ?? [],
    refs,
  };
}

/** A line of evidence from a config file (no time: files are not logs). */
export function fileEvidence(file: string, line: number, text: string): Evidence {
  return { source: file, line, time: null, text };
}

/** A read-only command to confirm a finding. */
export function checkCommand(purpose: string, command: string): SuggestedCommand {
  return { purpose, command, changesCluster: false };
}

/** A command that changes the cluster or the node's files: printed for a person, never run by the tool. */
export function changeCommand(purpose: string, command: string): SuggestedCommand {
  return { purpose, command, changesCluster: true };
}

/** Quotes a value for a POSIX shell when it needs it. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
