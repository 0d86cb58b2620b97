/** The single-node doctor: runs every check against one node's files. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockdevKeyringChecks } from './checks/blockdev-checks.js';
import { confFileChecks, confSplitChecks, ignoredStorageConfChecks, monhostChecks } from './checks/conf-checks.js';
import { keyringChecks } from './checks/keyring-checks.js';
import { poolChecks } from './checks/pool-checks.js';
import { NodeContext } from './node-context.js';
import { parsePoolList } from './pool-list.js';
import type { DoctorFinding, DoctorNodeSummary, DoctorOptions, DoctorReport, NodeInput, Severity } from './types.js';

/** Name of a `ceph osd pool ls` output file at the top of a collected tree, read when no pool list is given. */
export const TREE_POOL_LIST_FILE = 'ceph-osd-pool-ls.txt';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Findings sorted by severity (errors first), keeping check order within a severity. */
export function sortFindings(findings: readonly DoctorFinding[]): DoctorFinding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** The pool list to check against: the given one, else a pool-list file at the top of a collected tree. */
function knownPools(root: string, options: DoctorOptions): readonly string[] | undefined {
  if (options.pools !== undefined) return options.pools;
  const file = join(root, TREE_POOL_LIST_FILE);
  if (root === '/' || !existsSync(file)) return undefined;
  return parsePoolList(readFileSync(file, 'utf8'));
}

/** Runs the checks on one node and returns its findings plus what was read. */
export function inspectNode(input: NodeInput, options: DoctorOptions = {}): { findings: DoctorFinding[]; context: NodeContext } {
  const ctx = new NodeContext(input);
  const pools = knownPools(input.root, options);
  const used = ctx.storages.filter((s) => ctx.uses(s)).map((s) => ctx.access(s));
  const findings: DoctorFinding[] = [];
  for (const access of used) {
    findings.push(
      ...confFileChecks(ctx, access),
      ...keyringChecks(ctx, access),
      ...blockdevKeyringChecks(ctx, access),
      ...ignoredStorageConfChecks(ctx, access),
      ...monhostChecks(ctx, access),
      ...poolChecks(ctx, access, pools),
    );
  }
  findings.push(...confSplitChecks(ctx, used));
  return { findings, context: ctx };
}

/** What was read on a node so far: storages examined, files with hashes, unparsed lines. */
export function summarizeNode(ctx: NodeContext): DoctorNodeSummary {
  return {
    node: ctx.node, root: ctx.root, storages: ctx.storages.filter((s) => ctx.uses(s)).map((s) => s.id), files: ctx.filesRead(), notes: ctx.parseNotes(),
    problem: ctx.problem(),
  };
}

/** Checks one node (`root` `/` for the live node, or a collected tree) and reports its findings. */
export function runDoctor(input: NodeInput, options: DoctorOptions = {}): DoctorReport {
  const { findings, context } = inspectNode(input, options);
  return { schemaVersion: 1, nodes: [summarizeNode(context)], findings: sortFindings(findings) };
}
