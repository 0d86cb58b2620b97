/**
 * Turns a doctor report into plain text (no colour: the CLI adds it) or a JSON-ready object.
 * Every string goes through {@link redactSecrets} so no key material can reach the output.
 */
import { CAUSES } from '../causes.js';
import type { SuggestedCommand } from '../types.js';
import { CHECK_INFO } from './check-info.js';
import { redactSecrets } from './redact.js';
import type { DoctorFinding, DoctorReport, Severity } from './types.js';

/** Counts of findings by severity. */
export interface DoctorCounts {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
}

/** The JSON document for `doctor --format json`: the report plus counts, all strings redacted. */
export interface DoctorJson extends DoctorReport {
  readonly counts: DoctorCounts;
}

/** Number of findings per severity. */
export function countFindings(report: DoctorReport): DoctorCounts {
  const count = (s: Severity): number => report.findings.filter((f) => f.severity === s).length;
  return { error: count('error'), warning: count('warning'), info: count('info') };
}

function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/** The report as a plain JSON-ready object (camelCase keys, redacted strings, counts added). */
export function doctorToJson(report: DoctorReport): DoctorJson {
  return redactDeep({ ...report, counts: countFindings(report) });
}

/** One NDJSON line per finding. */
export function doctorToNdjson(report: DoctorReport): string {
  return report.findings.map((f) => JSON.stringify(redactDeep(f))).join('\n') + (report.findings.length > 0 ? '\n' : '');
}

/**
 * 2 when a node could not be checked (nothing read is no all-clear), else 0 when no finding reaches
 * `failOn` (default: error), else 1: for cron jobs and monitoring checks.
 */
export function doctorExitCode(report: DoctorReport, failOn: Severity = 'error'): 0 | 1 | 2 {
  if (report.nodes.some((n) => n.problem !== null)) return 2;
  const limit: Record<Severity, readonly Severity[]> = { error: ['error'], warning: ['error', 'warning'], info: ['error', 'warning', 'info'] };
  return report.findings.some((f) => limit[failOn].includes(f.severity)) ? 1 : 0;
}

function commandLine(c: SuggestedCommand): string {
  return `    ${c.changesCluster ? '!' : '$'} ${c.command}\n        # ${c.purpose}${c.changesCluster ? ' (changes files or the cluster: run it yourself)' : ''}`;
}

function formatFinding(f: DoctorFinding): string {
  const where = f.file === null ? '' : `${f.file}${f.line === null ? '' : `:${f.line}`}`;
  const scope = [f.node === null ? null : `node ${f.node}`, f.storage === null ? null : `storage ${f.storage}`].filter((s) => s !== null).join(', ');
  const own = CHECK_INFO[f.check];
  const lines = [
    own
      ? `${f.severity.toUpperCase()} ${f.check}: ${own.title}${scope ? ` [${scope}]` : ''}`
      : `${f.severity.toUpperCase()} ${f.cause}: ${CAUSES[f.cause].title}${scope ? ` [${scope}]` : ''}`,
    own ? `  cause family: ${f.cause} (a risk, not a failure)${where ? `  at ${where}` : ''}` : `  check: ${f.check}${where ? `  at ${where}` : ''}`,
    `  ${f.message}`,
    `  fix: ${f.fix}`,
  ];
  if (f.evidence.length > 0) lines.push('  evidence:', ...f.evidence.map((e) => `    ${e.source}:${e.line}  ${e.text}`));
  if (f.commands.length > 0) lines.push('  commands:', ...f.commands.map(commandLine));
  if (f.refs.length > 0) lines.push(`  refs: ${f.refs.join(', ')}`);
  return lines.join('\n');
}

/** The report as plain text: a summary line, then one block per finding. */
export function formatDoctorText(report: DoctorReport): string {
  const counts = countFindings(report);
  const nodes = report.nodes.map((n) => `${n.node ?? 'this node'} (root ${n.root}, ${n.storages.length} rbd storage${n.storages.length === 1 ? '' : 's'})`).join('; ');
  const head = `rbd-explain doctor: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} note(s) — ${nodes}`;
  const notes = report.nodes.flatMap((n) => n.notes.map((p) => `  note: ${p.file}:${p.line} ${p.message}${n.node ? ` [${n.node}]` : ''}`));
  const unchecked = report.nodes.filter((n) => n.problem !== null).map((n) => `Could not check ${n.node ?? 'this node'} (root ${n.root}): ${n.problem}.`);
  const allClear = report.findings.length === 0 && unchecked.length === 0;
  const body = [...unchecked, ...(allClear ? ['No problem found in the files read.'] : report.findings.map(formatFinding))];
  return redactSecrets([head, ...notes, '', body.join('\n\n'), ''].join('\n'));
}
