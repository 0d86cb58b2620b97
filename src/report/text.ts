/** The human report: incidents grouped, most important first, with what to run. */
import { CAUSES } from '../causes.js';
import type { AnalysisResult, ClusterEvent, Incident } from '../types.js';
import { ERRNO_TEXTS } from '../extract/errno.js';
import { styler, type StyleName } from './style.js';

/** Options for the text report. */
export interface TextOptions {
  readonly color?: boolean;
  /** Evidence lines shown per incident. Default 6. */
  readonly evidenceLines?: number;
  /** Width to cut long evidence lines at. Default 160. */
  readonly width?: number;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

/** One incident as a block of text. */
export function formatIncident(incident: Incident, index: number, options: TextOptions = {}): string {
  const s = styler(options.color ?? false);
  const width = options.width ?? 160;
  const causeColor: StyleName = incident.cause === 'unknown' ? 'yellow' : 'red';
  const where = [
    incident.node,
    incident.storage ? `storage ${incident.storage}` : null,
    incident.pool && incident.image ? `${incident.pool}/${incident.namespace ? `${incident.namespace}/` : ''}${incident.image}${incident.snapshot ? `@${incident.snapshot}` : ''}` : incident.pool,
    incident.vmid !== null ? `VM ${incident.vmid}` : null,
    incident.operation,
  ].filter((v): v is string => v !== null && v.length > 0);
  const out: string[] = [];
  const confirmedBy = incident.confirmedBy ?? (incident.confirmed ? 'config' : null);
  const confirmed = confirmedBy ? ` ${s('green', `confirmed by ${confirmedBy.replace('-', ' ')}`)}` : '';
  out.push(`${s('bold', `${index}.`)} ${s(causeColor, s('bold', incident.cause))} ${s('dim', `(${pct(incident.confidence)})`)}  ${CAUSES[incident.cause].title}${confirmed}`);
  if (where.length > 0) out.push(`   ${where.join(' · ')}`);
  if (incident.badNodes.length > 0) {
    out.push(`   ${s('red', `fails on ${incident.badNodes.join(', ')}`)} · ${s('green', `works on ${incident.goodNodes.join(', ')}`)}`);
  }
  const when = incident.firstSeen === incident.lastSeen || !incident.lastSeen
    ? incident.firstSeen ?? 'time unknown'
    : `${incident.firstSeen ?? '?'} → ${incident.lastSeen}`;
  const errno = incident.errno !== null ? `errno ${incident.errno}${ERRNO_TEXTS[incident.errno] ? ` (${ERRNO_TEXTS[incident.errno]})` : ''}` : 'no errno';
  out.push(`   ${s('dim', 'seen')}   ${incident.count}× ${when} · ${errno} · phase ${incident.phase ?? 'unknown'}`);
  const identity = [
    incident.conf ? `conf ${incident.conf}` : null,
    incident.clientId ? `client.${incident.clientId}` : null,
    incident.keyring ? `keyring ${incident.keyring}` : null,
    incident.monHosts ? `mon ${incident.monHosts.join(',')}` : null,
  ].filter((v): v is string => v !== null);
  if (identity.length > 0) out.push(`   ${s('dim', 'as')}     ${identity.join(' · ')}`);
  out.push(`   ${s('dim', 'what')}   ${incident.explanation.symptom}`);
  out.push(`   ${s('dim', 'why')}    ${incident.explanation.cause}`);
  out.push(`   ${s('dim', 'fix')}    ${incident.explanation.fix}`);
  if (incident.candidates.length > 1) {
    out.push(`   ${s('dim', 'or')}     ${incident.candidates.slice(1).map((c) => `${c.cause} ${pct(c.confidence)}`).join(', ')}`);
  }
  if (incident.discriminator) out.push(`   ${s('dim', 'split')}  ${incident.discriminator}`);
  for (const e of incident.clusterEvents ?? []) out.push(`   ${s('dim', 'cluster')} ${clusterEventLine(e)}`);
  out.push(`   ${s('dim', 'evidence')}`);
  const shown = incident.evidence.slice(0, options.evidenceLines ?? 6);
  for (const e of shown) out.push(`     ${s('cyan', `${e.source}:${e.line}`)}  ${e.role === 'cluster' ? `${s('magenta', '[cluster]')} ` : ''}${cut(e.text, width)}`);
  if (incident.evidence.length > shown.length) out.push(s('dim', `     … ${incident.evidence.length - shown.length} more (see --format json)`));
  out.push(`   ${s('dim', 'run')}`);
  for (const c of incident.commands) {
    out.push(`     ${s('dim', `# ${c.purpose}${c.changesCluster ? ' — CHANGES THE CLUSTER/NODE, review before running' : ''}`)}`);
    out.push(`     ${c.changesCluster ? s('magenta', '!') : s('green', '$')} ${c.command}`);
  }
  for (const f of incident.configFindings) {
    const at = f.file ? ` (${f.file}${f.line !== null ? `:${f.line}` : ''})` : '';
    out.push(`   ${s('dim', 'config')} ${f.severity}: ${f.message}${at}`);
  }
  if (incident.refs.length > 0) out.push(`   ${s('dim', 'refs')}   ${incident.refs.join(', ')}`);
  return out.join('\n');
}

/** One cluster event in a line: time, what, who, on what. */
export function clusterEventLine(e: ClusterEvent): string {
  const what = [
    e.kind,
    e.entity,
    e.pool ? `pool ${e.pool}` : null,
    e.detail,
    e.caps ? `caps ${e.oldCaps ? `${e.oldCaps} → ` : ''}${e.caps}` : null,
    e.by ? `by ${e.by}` : null,
    e.status === 'dispatch' ? '(dispatched; no finished line seen)' : null,
  ].filter((v): v is string => v !== null && v.length > 0);
  return `${e.time ?? 'time unknown'}  ${what.join(' · ')}  (${e.source}:${e.line})`;
}

/** The whole report. */
export function formatText(result: AnalysisResult, options: TextOptions = {}): string {
  const s = styler(options.color ?? false);
  const lines = result.inputs.reduce((n, i) => n + i.lines, 0);
  const parts: string[] = [];
  const noun = result.incidents.length === 1 ? 'incident' : 'incidents';
  parts.push(s('bold', `rbd-explain: ${result.incidents.length} ${noun} in ${result.inputs.length} input(s), ${lines} lines read`));
  if (result.incidents.length === 0) parts.push('No RBD failure found.');
  const table = fleetTable(result.incidents);
  if (table) parts.push(table);
  result.incidents.forEach((incident, i) => parts.push(formatIncident(incident, i + 1, options)));
  if (result.clusterEvents) {
    parts.push(result.clusterEvents.length === 0
      ? 'Cluster events with no matching failure: none.'
      : [`Cluster events with no matching failure (${result.clusterEvents.length}):`, ...result.clusterEvents.map((e) => `   ${clusterEventLine(e)}`)].join('\n'));
  }
  // Details of these go to stderr, one line each; the report only says they exist.
  if (result.errors.length > 0) parts.push(s('red', `${result.errors.length} input problem(s): some input was not read whole (see stderr or --format json)`));
  if (result.warnings.length > 0) parts.push(s('yellow', `${result.warnings.length} warning(s) (see stderr or --format json)`));
  return `${parts.join('\n\n')}\n`;
}

/**
 * Fleets: failures seen per node and cause (node-drift rows name the nodes it compares),
 * or null when the incidents concern a single node.
 */
export function fleetTable(incidents: readonly Incident[]): string | null {
  const nodes = new Set<string>();
  const counts = new Map<string, Map<string, number>>();
  for (const i of incidents) {
    for (const n of [...i.badNodes, ...i.goodNodes]) nodes.add(n);
    if (i.cause === 'node-drift' || !i.node) continue;
    nodes.add(i.node);
    const row = counts.get(i.node) ?? new Map<string, number>();
    row.set(i.cause, (row.get(i.cause) ?? 0) + i.count);
    counts.set(i.node, row);
  }
  if (nodes.size < 2) return null;
  const causes = [...new Set([...counts.values()].flatMap((row) => [...row.keys()]))].sort();
  const header = ['node', ...causes];
  const rows = [...nodes].sort().map((n) => [n, ...causes.map((c) => String(counts.get(n)?.get(c) ?? 0))]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const fmt = (cells: readonly string[]): string => `   ${cells.map((c, k) => (k === 0 ? c.padEnd(widths[k] ?? 0) : c.padStart(widths[k] ?? 0))).join('  ')}`.trimEnd();
  return ['Failures seen per node and cause:', fmt(header), ...rows.map(fmt)].join('\n');
}
