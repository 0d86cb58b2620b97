/**
 * Multi-node doctor: runs the single-node checks on every node, then compares the keyring and conf
 * each storage uses across nodes (the hash comparison of article Checklist B / Mistake 1).
 */
import { ETC_CEPH_CONF_PATH, PVE_CEPH_CONF_PATH } from './ceph-conf.js';
import { inspectNode, sortFindings, summarizeNode } from './doctor.js';
import { changeCommand, checkCommand, makeFinding, shellQuote } from './finding.js';
import { findClientSection } from './keyring.js';
import type { NodeContext } from './node-context.js';
import type { CheckId, DoctorFinding, DoctorOptions, DoctorReport, NodeInput } from './types.js';

/** What one node has at a path: a content hash (file or key), or nothing. */
interface NodeVersion {
  readonly node: string;
  /** Hash compared across nodes, or null when the file is missing or unreadable. */
  readonly hash: string | null;
}

/** Nodes grouped by what they hold, the largest group of present files first. */
interface DriftGroups {
  readonly groups: readonly { readonly hash: string | null; readonly nodes: readonly string[] }[];
  /** The group holding more nodes than any other present group, or null on a tie. */
  readonly majority: { readonly hash: string; readonly nodes: readonly string[] } | null;
}

function groupVersions(versions: readonly NodeVersion[]): DriftGroups {
  const byHash = new Map<string | null, string[]>();
  for (const v of versions) byHash.set(v.hash, [...(byHash.get(v.hash) ?? []), v.node]);
  const groups = [...byHash.entries()].map(([hash, nodes]) => ({ hash, nodes })).sort((a, b) => b.nodes.length - a.nodes.length || (a.hash === null ? 1 : -1));
  const present = groups.filter((g) => g.hash !== null);
  const top = present[0];
  const majority = top && top.hash !== null && (present[1]?.nodes.length ?? 0) < top.nodes.length ? { hash: top.hash, nodes: top.nodes } : null;
  return { groups, majority };
}

function short(hash: string | null): string {
  return hash === null ? 'missing' : hash.slice(0, 12);
}

interface DriftSubject {
  readonly check: CheckId;
  readonly storage: string | null;
  readonly path: string;
  /** Per node: the hash compared (key hash for keyrings, file hash for confs). */
  readonly versions: readonly NodeVersion[];
  readonly what: string;
  readonly fixCommand: (sourceNode: string | null) => string;
  readonly fixPurpose: string;
}

function driftFindings(subject: DriftSubject): DoctorFinding[] {
  const { groups, majority } = groupVersions(subject.versions);
  if (groups.length < 2) return [];
  const allNodes = subject.versions.map((v) => v.node);
  const layout = groups.map((g) => `${g.nodes.join(', ')}: ${short(g.hash)}`).join('; ');
  const shared = subject.path.startsWith('/etc/pve/') ? ` ${subject.path} lives in pmxcfs and should be the same everywhere: a difference means a node out of sync (or copies taken at different times).` : '';
  const drifting = subject.versions.filter((v) => majority === null || v.hash !== majority.hash);
  const sourceNode = majority?.nodes[0] ?? null;
  return drifting.map((v) => makeFinding(v.node, {
    check: subject.check, cause: 'node-drift', severity: 'error', storage: subject.storage,
    file: subject.path, line: null, subject: subject.path,
    message: majority
      ? `${subject.what} on ${v.node} ${v.hash === null ? 'is missing' : `differs (sha256 ${short(v.hash)})`} while ${majority.nodes.join(', ')} agree (${short(majority.hash)}).${shared}`
      : `${subject.what} differs between nodes with no majority (${layout}).${shared}`,
    fix: majority ? `Bring ${v.node} in line with ${majority.nodes.join(', ')}, then compare the hashes again on every node.` : 'Find which version the cluster accepts, roll it out to every node, then compare the hashes again.',
    commands: [
      checkCommand(`run on each node (${allNodes.join(', ')}) and compare`, `sha256sum ${shellQuote(subject.path)}`),
      changeCommand(`${subject.fixPurpose} (on ${v.node})`, subject.fixCommand(sourceNode)),
    ],
    evidence: [], extraRefs: ['article: Checklist B', 'article: Checklist C'],
  }));
}

/** Keyring paths a storage relies on: the one Proxmox passes, plus a storage.cfg `keyring` option. */
function keyringPathsOf(contexts: readonly NodeContext[], storageId: string): { path: string; clientId: string }[] {
  const paths: { path: string; clientId: string }[] = [];
  for (const ctx of contexts) {
    const storage = ctx.storages.find((s) => s.id === storageId);
    if (!storage || !ctx.uses(storage)) continue;
    const access = ctx.access(storage);
    for (const path of [access.keyringPath, storage.keyring]) {
      if (path !== null && !paths.some((p) => p.path === path)) paths.push({ path, clientId: access.clientId });
    }
  }
  return paths;
}

function keyringVersions(contexts: readonly NodeContext[], storageId: string, path: string, clientId: string): NodeVersion[] {
  const versions: NodeVersion[] = [];
  for (const ctx of contexts) {
    const storage = ctx.storages.find((s) => s.id === storageId);
    if (!storage || !ctx.uses(storage)) continue;
    const keyring = ctx.keyring(path);
    const section = keyring ? findClientSection(keyring, clientId) : undefined;
    // Compare the key itself when there is one, so formatting or caps comments do not count as drift.
    versions.push({ node: ctx.node ?? ctx.root, hash: section?.keySha256 ?? ctx.facts(path).sha256 });
  }
  return versions;
}

function confVersions(contexts: readonly NodeContext[], path: string): NodeVersion[] {
  return contexts.map((ctx) => ({ node: ctx.node ?? ctx.root, hash: ctx.facts(path).sha256 }));
}

/** Drift findings across nodes for every storage's keyring and the two well-known conf files. */
export function compareNodes(contexts: readonly NodeContext[]): DoctorFinding[] {
  const storageIds = [...new Set(contexts.flatMap((c) => c.storages.filter((s) => c.uses(s)).map((s) => s.id)))];
  const findings: DoctorFinding[] = [];
  for (const storageId of storageIds) {
    for (const { path, clientId } of keyringPathsOf(contexts, storageId)) {
      findings.push(...driftFindings({
        check: 'node-keyring-drift', storage: storageId, path, versions: keyringVersions(contexts, storageId, path, clientId),
        what: `The key of client.${clientId} in ${path}`,
        fixPurpose: `write the cluster's current key for client.${clientId}`,
        fixCommand: () => `ceph auth get client.${clientId} -o ${shellQuote(path)}`,
      }));
    }
  }
  for (const path of [PVE_CEPH_CONF_PATH, ETC_CEPH_CONF_PATH]) {
    const versions = confVersions(contexts, path);
    if (versions.every((v) => v.hash === null)) continue;
    findings.push(...driftFindings({
      check: 'node-conf-drift', storage: null, path, versions, what: path,
      fixPurpose: 'copy the agreed version',
      fixCommand: (source) => `scp root@${source ?? '<good-node>'}:${shellQuote(path)} ${shellQuote(path)}`,
    }));
  }
  return findings;
}

/** Checks every node, then compares them; node names must be unique. */
export function runMultiNodeDoctor(nodes: readonly NodeInput[], options: DoctorOptions = {}): DoctorReport {
  const names = nodes.map((n) => n.node ?? n.root);
  if (new Set(names).size !== names.length) throw new Error(`node names must be unique: ${names.join(', ')}`);
  const inspected = nodes.map((n) => inspectNode(n, options));
  // A node that could not be read would look like one missing every file: it is reported, not compared.
  const readable = inspected.filter((i) => i.context.problem() === null).map((i) => i.context);
  const findings = [...inspected.flatMap((i) => i.findings), ...(readable.length > 1 ? compareNodes(readable) : [])];
  return { schemaVersion: 1, nodes: inspected.map((i) => summarizeNode(i.context)), findings: sortFindings(findings) };
}
