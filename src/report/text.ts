/**
 * The human report: incidents most important first, laid out for the terminal's width (80
 * columns when the output is not a terminal). Prose is wrapped at words; evidence shows the line
 * that decided the cause first and shortens long lines in the middle so the error at their end
 * stays; commands are only broken where a `\` continuation keeps them runnable.
 */
import { CAUSES, causeDocPath } from '../causes.js';
import type { AnalysisResult, ClusterEvent, Incident } from '../types.js';
import { ERRNO_TEXTS } from '../extract/errno.js';
import { findUpid } from '../upid.js';
import { selectEvidence } from './evidence.js';
import { DEFAULT_WIDTH, clampWidth, compactIds, layoutCommand, shortenMiddle, wrapLogLine, wrapParts, wrapText } from './layout.js';
import { styler, type StyleName } from './style.js';
import { ZoneNormalizer, incidentTimes, shortTime, zoneLabel } from './times.js';

/** Options for the text report. */
export interface TextOptions {
  readonly color?: boolean;
  /** Evidence lines shown per incident (the line that decided the cause is always shown). Default 6. */
  readonly evidenceLines?: number;
  /** Columns to lay the report out in. Default 80 (what the CLI uses when stdout is not a terminal). */
  readonly width?: number;
  /** Incidents shown in full; the next ones get one line each, up to {@link TextOptions.maxListed}. Default 10. */
  readonly maxIncidents?: number;
  /** Incidents listed on one line each after the full ones. Default 20. */
  readonly maxListed?: number;
}

/**
 * An incident as the report reads it. A fleet incident folded from many VMs lists them in
 * `vmids`, and `events` counts failed tasks or starts (as opposed to log lines); producers that
 * do not fill them in get what the report can work out from the evidence.
 */
export type ReportIncident = Incident & { readonly vmids?: readonly number[]; readonly events?: number };

const INDENT = '   ';
/** Labels sit in a column of their own: `   what   …`. */
const LABEL_WIDTH = 7;
/** VM lists take at most this many lines before `… and N more`. */
const VM_LIST_LINES = 2;
/** Evidence lists of this length may have been capped by the correlator: event counts from them are lower bounds. */
const EVIDENCE_CAP = 12;
/** The deciding line is wrapped, not shortened, up to this many lines (then its start and end stay). */
const DECISIVE_LINES = 4;

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The VMs an incident covers: the folded list, else its single VM. */
function vmsOf(incident: ReportIncident): readonly number[] {
  if (incident.vmids && incident.vmids.length > 0) return incident.vmids;
  return incident.vmid !== null ? [incident.vmid] : [];
}

/**
 * Failed tasks (or starts) behind an incident, as opposed to its log lines: `events` when the
 * producer counted them, else the distinct tasks (UPIDs) and VMs its evidence names.
 */
function eventsOf(incident: ReportIncident): { readonly n: number; readonly noun: string; readonly atLeast: boolean } | null {
  const tasks = new Map<string, string>();
  const failures = incident.evidence.filter((e) => (e.role ?? 'failure') === 'failure');
  for (const text of [incident.upid, ...failures.flatMap((e) => [e.text, e.source])]) {
    const upid = text ? findUpid(text) : null;
    if (upid) tasks.set(`${upid.node}:${upid.pid}:${upid.pstart}:${upid.startTime}`, upid.type);
  }
  const types = new Set(tasks.values());
  const noun = types.size === 1 && types.has('qmstart') ? 'failed start' : tasks.size > 0 ? 'failed task' : 'failure';
  if (incident.events !== undefined) return { n: incident.events, noun, atLeast: false };
  const vms = incident.vmids?.length ?? 0;
  const n = Math.max(tasks.size, vms);
  if (n === 0) return null;
  const single = incident.upid !== null && vms <= 1;
  return { n: single ? 1 : n, noun, atLeast: !single && incident.evidence.length >= EVIDENCE_CAP };
}

/** `2025-01-14 10:00:00 → 10:40:02 (+01:00)`; the date is not repeated within a day. */
function period(first: string | null, last: string | null): string {
  if (first === null && last === null) return 'time unknown';
  const a = first ?? last ?? '';
  const b = last ?? a;
  const zone = zoneLabel(b) || zoneLabel(a);
  const from = shortTime(a);
  const to = shortTime(b);
  const range = from === to ? from : from.slice(0, 10) === to.slice(0, 10) && to.length > 11 ? `${from} → ${to.slice(11)}` : `${from} → ${to}`;
  return zone ? `${range} (${zone})` : range;
}

/** Lays out one incident's block. `width` and styling come from the options. */
class Block {
  readonly lines: string[] = [];
  private readonly s: (style: StyleName, text: string) => string;
  private readonly width: number;
  constructor(width: number, color: boolean) {
    this.width = width;
    this.s = styler(color);
  }

  private labelText(label: string): string {
    return `${INDENT}${label.padEnd(LABEL_WIDTH)}`;
  }

  /** Styles the label at the start of a laid-out first line. */
  private styleLabel(line: string, label: string): string {
    const plain = this.labelText(label);
    return line.startsWith(plain) ? `${INDENT}${this.s('dim', label)}${' '.repeat(LABEL_WIDTH - label.length)}${line.slice(plain.length)}` : line;
  }

  /** `   what   prose wrapped at words…` */
  prose(label: string, text: string): void {
    const lines = wrapText(text, this.width, this.labelText(label), ' '.repeat(INDENT.length + LABEL_WIDTH));
    lines[0] = this.styleLabel(lines[0] ?? '', label);
    this.lines.push(...lines);
  }

  /** `   as     part · part · …` broken between parts. */
  parts(label: string, parts: readonly string[], maxLines = Infinity): void {
    let lines = wrapParts(parts, this.width, label ? this.labelText(label) : INDENT, ' '.repeat(INDENT.length + (label ? LABEL_WIDTH : 0)));
    if (lines.length > maxLines) lines = lines.slice(0, maxLines);
    if (label) lines[0] = this.styleLabel(lines[0] ?? '', label);
    this.lines.push(...lines);
  }

  /** Lines laid out by the caller whose first line starts with the label's column. */
  labelled(label: string, lines: readonly string[]): void {
    lines.forEach((line, k) => this.lines.push(k === 0 ? this.styleLabel(line, label) : line));
  }

  raw(line: string): void {
    this.lines.push(line);
  }

  style(style: StyleName, text: string): string {
    return this.s(style, text);
  }
}

/** How many ids `101-105, 110` stands for. */
function rangeSize(ranges: readonly string[]): number {
  return ranges.reduce((n, r) => {
    const [a, b] = r.split('-').map(Number);
    return n + (a !== undefined && b !== undefined ? b - a + 1 : 1);
  }, 0);
}

/** `VMs    300 VMs: 101-250, 260, …` on at most two lines, then how many more. */
function vmList(b: Block, width: number, vms: readonly number[]): void {
  const ranges = compactIds(vms);
  const count = new Set(vms).size;
  const first = `${INDENT}${'VMs'.padEnd(LABEL_WIDTH)}${plural(count, 'VM')}: `;
  const fit = (shown: readonly string[]): string[] | null => {
    const lines = wrapParts(shown, width, first, ' '.repeat(INDENT.length + LABEL_WIDTH), ', ');
    return lines.length <= VM_LIST_LINES ? lines : null;
  };
  let lines = fit(ranges);
  for (let keep = ranges.length - 1; lines === null && keep > 0; keep--) {
    const shown = ranges.slice(0, keep);
    lines = fit([...shown, `… and ${count - rangeSize(shown)} more`]);
  }
  b.labelled('VMs', lines ?? [shortenMiddle(`${first}${ranges.join(', ')}`, width)]);
}

/** One incident as a block of text. */
export function formatIncident(incident: ReportIncident, index: number, options: TextOptions = {}, zone: ZoneNormalizer = new ZoneNormalizer(incidentTimes(incident))): string {
  const width = clampWidth(options.width);
  const b = new Block(width, options.color ?? false);
  const vms = vmsOf(incident);
  const causeColor: StyleName = incident.cause === 'unknown' ? 'yellow' : 'red';
  const confirmedBy = incident.confirmedBy ?? (incident.confirmed ? 'config' : null);
  const confirmed = confirmedBy ? ` (confirmed by ${confirmedBy.replace('-', ' ')})` : '';

  const number = `${index}.`;
  const headPlain = wrapText(`${CAUSES[incident.cause].title}${confirmed}`, width, `${number} ${incident.cause} (${pct(incident.confidence)})  `, INDENT);
  const headStyled = `${b.style('bold', number)} ${b.style(causeColor, b.style('bold', incident.cause))} ${b.style('dim', `(${pct(incident.confidence)})`)}  `;
  b.raw(`${headStyled}${(headPlain[0] ?? '').slice(`${number} ${incident.cause} (${pct(incident.confidence)})  `.length)}`);
  for (const line of headPlain.slice(1)) b.raw(line);

  const image = incident.pool && incident.image
    ? `${incident.pool}/${incident.namespace ? `${incident.namespace}/` : ''}${incident.image}${incident.snapshot ? `@${incident.snapshot}` : ''}`
    : incident.pool;
  const where = [
    incident.node,
    incident.storage ? `storage ${incident.storage}` : null,
    image,
    vms.length === 1 ? `VM ${vms[0]}` : null,
    incident.operation,
  ].filter((v): v is string => v !== null && v.length > 0);
  if (where.length > 0) b.parts('', where);
  if (vms.length > 1) vmList(b, width, vms);
  if (incident.badNodes.length > 0) {
    b.parts('', [`fails on ${incident.badNodes.join(', ')}`, `works on ${incident.goodNodes.join(', ') || 'no node seen'}`]);
  }

  const events = eventsOf(incident);
  const lines = plural(incident.count, 'error line');
  const seen = events ? `${events.atLeast ? 'at least ' : ''}${plural(events.n, events.noun)}, ${lines}` : lines;
  const errno = incident.errno !== null ? `errno ${incident.errno}${ERRNO_TEXTS[incident.errno] ? ` (${ERRNO_TEXTS[incident.errno]})` : ''}` : 'no errno';
  b.parts('seen', [seen, period(zone.normalize(incident.firstSeen), zone.normalize(incident.lastSeen)), errno, `phase ${incident.phase ?? 'unknown'}`]);

  const identity = [
    incident.conf ? `conf ${incident.conf}` : null,
    incident.clientId ? `client.${incident.clientId}` : null,
    incident.keyring ? `keyring ${incident.keyring}` : null,
    incident.monHosts ? `mon ${incident.monHosts.join(',')}` : null,
  ].filter((v): v is string => v !== null);
  if (identity.length > 0) b.parts('as', identity);
  if (incident.explanation.symptom) b.prose('what', incident.explanation.symptom);
  if (incident.explanation.cause) b.prose('why', incident.explanation.cause);
  if (incident.explanation.fix) b.prose('fix', incident.explanation.fix);
  if (incident.candidates.length > 1) b.parts('or', incident.candidates.slice(1).map((c) => `${c.cause} ${pct(c.confidence)}`), Infinity);
  if (incident.discriminator) b.prose('split', incident.discriminator);

  for (const e of incident.clusterEvents ?? []) b.prose('event', clusterEventLine(e));
  evidenceLines(b, width, incident, options.evidenceLines ?? 6);

  if (incident.commands.length > 0) {
    b.raw(`${INDENT}${b.style('dim', 'run')}`);
    for (const c of incident.commands) {
      const purpose = `${c.purpose}${c.changesCluster ? ' (CHANGES THE CLUSTER/NODE: review before running)' : ''}`;
      for (const line of wrapText(purpose, width, `${INDENT}# `, `${INDENT}# `)) b.raw(b.style('dim', line));
      const mark = c.changesCluster ? b.style('magenta', '!') : b.style('green', '$');
      const laid = layoutCommand(c.command, width, `${INDENT}$ `, `${INDENT}    `);
      laid.forEach((line, k) => b.raw(k === 0 ? `${INDENT}${mark}${line.slice(INDENT.length + 1)}` : line));
    }
  }
  for (const f of incident.configFindings) {
    const at = f.file ? ` (${f.file}${f.line !== null ? `:${f.line}` : ''})` : '';
    b.prose('config', `${f.severity}: ${f.message}${at}`);
  }
  const articles = incident.refs.filter((r) => !r.startsWith('docs/'));
  b.parts('docs', [causeDocPath(incident.cause), ...incident.refs.filter((r) => r.startsWith('docs/') && r !== causeDocPath(incident.cause))]);
  if (articles.length > 0) b.prose('source', `the article: ${articles.map((r) => r.replace(/^article: /, '')).join(', ')}`);
  return b.lines.join('\n');
}

/** One cluster event in a line: time, what, who, on what, where it was read. */
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

/** The evidence section: deciding line first (marked `>`), long lines shortened in the middle. */
function evidenceLines(b: Block, width: number, incident: Incident, max: number): void {
  const shown = selectEvidence(incident, max);
  if (shown.lines.length === 0) return;
  b.raw(`${INDENT}${b.style('dim', 'evidence')} ${b.style('dim', '(> decided the cause)')}`);
  for (const { evidence: e, decisive } of shown.lines) {
    const mark = decisive ? '> ' : '  ';
    const styledMark = decisive ? b.style('bold', '>') : ' ';
    const at = `${e.source}:${e.line}`;
    const text = `${e.role === 'cluster' ? '[cluster] ' : ''}${e.text.trim()}`;
    if (`${INDENT}${mark}${at}  ${text}`.length <= width) { b.raw(`${INDENT}${styledMark} ${b.style('cyan', at)}  ${text}`); continue; }
    b.raw(`${INDENT}${styledMark} ${b.style('cyan', shortenMiddle(at, width - INDENT.length - mark.length))}`);
    const textIndent = `${INDENT}    `;
    if (!decisive) { b.raw(`${textIndent}${shortenMiddle(text, width - textIndent.length)}`); continue; }
    // The proof is shown whole: wrapped at words, a very long one keeps its start and its end.
    const wrapped = wrapLogLine(text, width, textIndent);
    const kept = wrapped.length > DECISIVE_LINES ? [...wrapped.slice(0, 2), `${textIndent}…`, ...wrapped.slice(-2)] : wrapped;
    for (const l of kept) b.raw(l);
  }
  if (shown.hidden > 0) b.raw(b.style('dim', `${INDENT}  … ${plural(shown.hidden, 'more line')} (see --format json)`));
}

/** One line for an incident past the ones shown in full. */
function summaryLine(incident: ReportIncident, index: number, width: number): string {
  const vms = vmsOf(incident);
  const parts = [
    `${index}. ${incident.cause}`,
    incident.node,
    incident.storage ? `storage ${incident.storage}` : incident.pool,
    vms.length === 1 ? `VM ${vms[0]}` : vms.length > 1 ? plural(vms.length, 'VM') : null,
    plural(incident.count, 'error line'),
  ].filter((p): p is string => p !== null && p.length > 0);
  return shortenMiddle(parts.join(' · '), width);
}

/** The whole report. */
export function formatText(result: AnalysisResult, options: TextOptions = {}): string {
  const s = styler(options.color ?? false);
  const width = clampWidth(options.width);
  const zone = new ZoneNormalizer(result.incidents.flatMap(incidentTimes));
  const lines = result.inputs.reduce((n, i) => n + i.lines, 0);
  const parts: string[] = [];
  const noun = result.incidents.length === 1 ? 'incident' : 'incidents';
  const head = `rbd-explain: ${result.incidents.length} ${noun} in ${plural(result.inputs.length, 'input')}, ${plural(lines, 'line')} read`;
  parts.push(wrapText(head, width, '', '  ').map((l) => s('bold', l)).join('\n'));
  if (result.incidents.length === 0) parts.push('No RBD failure found.');
  const table = fleetTable(result.incidents, width);
  if (table) parts.push(table);
  const full = options.maxIncidents ?? 10;
  const listed = options.maxListed ?? 20;
  result.incidents.slice(0, full).forEach((incident, i) => parts.push(formatIncident(incident, i + 1, { ...options, width }, zone)));
  const rest = result.incidents.slice(full, full + listed);
  if (rest.length > 0) {
    parts.push([s('bold', 'Also found:'), ...rest.map((incident, k) => `${INDENT}${summaryLine(incident, full + k + 1, width - INDENT.length)}`)].join('\n'));
  }
  const unlisted = result.incidents.length - full - rest.length;
  if (unlisted > 0) parts.push(s('dim', `… ${plural(unlisted, 'more incident')} (see --format json)`));
  const noise = result.noise ?? [];
  if (noise.length > 0) {
    const total = noise.reduce((n, x) => n + x.count, 0);
    const kinds = noise.slice(0, 4).map((x) => `${x.id} ${x.count}${x.node ? ` on ${x.node}` : ''}`).join(', ');
    parts.push(wrapText(`Known noise, not incidents: ${plural(total, 'line')} (${kinds}${noise.length > 4 ? ', …' : ''}).`, width, '').map((l) => s('dim', l)).join('\n'));
  }
  // Details of these go to stderr, one line each; the report only says they exist.
  if (result.clusterEvents) {
    parts.push(result.clusterEvents.length === 0
      ? 'Cluster events with no matching failure: none.'
      : [s('bold', `Cluster events with no matching failure (${result.clusterEvents.length}):`),
        ...result.clusterEvents.flatMap((e) => wrapText(clusterEventLine(e), width, INDENT, `${INDENT}  `))].join('\n'));
  }
  if (result.errors.length > 0) parts.push(wrapText(`${result.errors.length} input problem(s): some input was not read whole (see stderr or --format json)`, width, '').map((l) => s('red', l)).join('\n'));
  if (result.warnings.length > 0) parts.push(s('yellow', `${result.warnings.length} warning(s) (see stderr or --format json)`));
  return `${parts.join('\n\n')}\n`;
}

/**
 * Fleets: failures seen per node and cause (node-drift rows name the nodes it compares),
 * or null when the incidents concern a single node.
 */
export function fleetTable(incidents: readonly Incident[], width: number = DEFAULT_WIDTH): string | null {
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
  const table = [fmt(header), ...rows.map(fmt)];
  if (table.every((l) => l.length <= width)) return ['Error lines per node and cause:', ...table].join('\n');
  // Too many causes for a table: one line per node instead.
  const perNode = [...nodes].sort().flatMap((n) => {
    const seen = causes.filter((c) => (counts.get(n)?.get(c) ?? 0) > 0).map((c) => `${c} ${counts.get(n)?.get(c)}`);
    return wrapParts(seen.length > 0 ? seen : ['none'], width, `${INDENT}${n}: `, `${INDENT}  `, ', ');
  });
  return ['Error lines per node and cause:', ...perNode].join('\n');
}
