/**
 * Rules that need more than one node: the same storage failing on some nodes while it
 * works on others in the same period (article: Mistake 1, Checklist B). Data + one
 * evaluator; the correlator supplies incidents, successful tasks and which storage a VM uses.
 */
import { incidentId } from '../incident-id.js';
import { causeRefs, type CauseId } from '../causes.js';
import { shellQuote } from '../classify/commands.js';
import type { Evidence, Incident, SuggestedCommand } from '../types.js';

/** A rule evaluated across nodes. */
export interface CrossNodeRule {
  readonly id: string;
  readonly causes: Partial<Record<CauseId, number>>;
  /** Causes of per-node incidents that can come from a node-local file difference. */
  readonly nodeLocalCauses: readonly CauseId[];
  /** How far apart (hours) a success and a failure may be to count as "the same period". */
  readonly periodHours: number;
  readonly explanation: { readonly symptom: string; readonly cause: string; readonly fix: string };
  readonly refs: readonly string[];
}

export const CROSS_NODE_RULES: readonly CrossNodeRule[] = [
  {
    id: 'node-drift',
    causes: { 'node-drift': 0.85 },
    nodeLocalCauses: ['keyring-missing', 'client-mismatch', 'key-stale', 'config-split', 'unknown'],
    periodHours: 24,
    explanation: {
      symptom: 'The same storage fails on some nodes and works on others in the same period.',
      cause: 'storage.cfg is shared by all nodes but keyrings and /etc/ceph/ceph.conf are node-local files: the failing nodes have a missing or different copy.',
      fix: 'Compare the keyring and both ceph.conf files by hash on every node and copy the good node\'s versions to the failing ones.',
    },
    refs: ['article: Mistake 1', 'article: Mini-story 1', 'article: Checklist B'],
  },
];

/** A task that ended well on some node. */
export interface TaskSuccess {
  readonly node: string;
  readonly vmid: number | null;
  readonly ms: number | null;
  readonly evidence: Evidence;
}

/** Which storage (or pool) a VM's disks were seen on. */
export type VmResources = ReadonlyMap<number, string>;

function resourceOf(i: Incident): string | null {
  return i.storage ?? i.pool;
}

function epoch(iso: string | null): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Derives node-drift incidents from per-node incidents and successes. */
export function crossNodeIncidents(incidents: readonly Incident[], successes: readonly TaskSuccess[], vmResources: VmResources): Incident[] {
  const out: Incident[] = [];
  for (const rule of CROSS_NODE_RULES) {
    const failing = new Map<string, Incident[]>();
    for (const i of incidents) {
      const resource = resourceOf(i);
      if (!resource || !i.node || !rule.nodeLocalCauses.includes(i.cause)) continue;
      failing.set(resource, [...(failing.get(resource) ?? []), i]);
    }
    for (const [resource, failed] of failing) {
      const badNodes = [...new Set(failed.map((i) => i.node).filter((n): n is string => n !== null))].sort();
      const from = Math.min(...failed.map((i) => epoch(i.firstSeen) ?? Infinity));
      const to = Math.max(...failed.map((i) => epoch(i.lastSeen) ?? -Infinity));
      const periodMs = rule.periodHours * 3_600_000;
      const good = successes.filter((s) => s.vmid !== null && vmResources.get(s.vmid) === resource && !badNodes.includes(s.node)
        && (s.ms === null || !Number.isFinite(from) || (s.ms >= from - periodMs && s.ms <= to + periodMs)));
      const goodNodes = [...new Set(good.map((s) => s.node))].sort();
      if (goodNodes.length === 0) continue;
      const keyring = failed.find((i) => i.keyring)?.keyring ?? null;
      const files = [keyring ?? (failed[0]?.storage ? `/etc/pve/priv/ceph/${failed[0].storage}.keyring` : '<keyring>'), '/etc/ceph/ceph.conf', '/etc/pve/ceph.conf'];
      const commands = driftCommands(files, goodNodes, badNodes);
      // The failing side's own error lines, then the successes on the good nodes.
      const failureEvidence = failed.flatMap((i) => {
        const own = i.evidence.filter((e) => e.role === 'failure');
        return (own.length > 0 ? own : i.evidence).slice(0, 2);
      });
      const evidence = [...failureEvidence, ...good.slice(0, 3).map((s) => s.evidence)];
      const perNodeCause = failed[0]?.cause ?? 'unknown';
      // Compare instants, not strings: stamps may carry different zones (`Z`, `+01:00`).
      const byTime = (a: string, b: string): number => (epoch(a) ?? 0) - (epoch(b) ?? 0);
      const firstSeen = failed.map((i) => i.firstSeen).filter((t): t is string => t !== null).sort(byTime)[0] ?? null;
      const lastSeen = failed.map((i) => i.lastSeen).filter((t): t is string => t !== null).sort(byTime).pop() ?? null;
      out.push({
        id: incidentId(`drift|${resource}|${badNodes.join(',')}`),
        cause: 'node-drift',
        confidence: rule.causes['node-drift'] ?? 0.8,
        candidates: [{ cause: 'node-drift', confidence: rule.causes['node-drift'] ?? 0.8 }, ...(perNodeCause !== 'node-drift' ? [{ cause: perNodeCause, confidence: 0.5 }] : [])],
        rules: [rule.id, ...new Set(failed.flatMap((i) => i.rules))],
        explanation: { ...rule.explanation },
        discriminator: null,
        node: badNodes.join(','),
        badNodes,
        goodNodes,
        storage: failed.find((i) => i.storage)?.storage ?? null,
        pool: failed.find((i) => i.pool)?.pool ?? null,
        namespace: null,
        image: null,
        snapshot: null,
        clientId: failed.find((i) => i.clientId)?.clientId ?? null,
        keyring,
        conf: failed.find((i) => i.conf)?.conf ?? null,
        monHosts: failed.find((i) => i.monHosts)?.monHosts ?? null,
        errno: failed.find((i) => i.errno !== null)?.errno ?? null,
        phase: failed.find((i) => i.phase !== null)?.phase ?? null,
        operation: null,
        vmid: null,
        upid: null,
        firstSeen,
        lastSeen,
        count: failed.reduce((n, i) => n + i.count, 0),
        timeline: [],
        evidence,
        commands,
        refs: causeRefs('node-drift', rule.refs),
        configFindings: [],
        confirmed: false,
      });
    }
  }
  return out;
}

/**
 * Commands for a storage that works on some nodes and not on others. Where the keyring lives decides
 * the advice: /etc/pve is the cluster file system (pmxcfs), the same on every node, so a file missing
 * or different there means pmxcfs or quorum trouble on that node, never a file to copy; /etc/ceph and
 * other paths are node-local and may be copied from a working node.
 */
export function driftCommands(files: readonly string[], goodNodes: readonly string[], badNodes: readonly string[]): SuggestedCommand[] {
  const keyring = files[0] ?? '<keyring>';
  const nodes = [...goodNodes, ...badNodes];
  const quoted = files.map(shellWord).join(' ');
  const compare: SuggestedCommand = { purpose: `Compare keyring and ceph.conf hashes: ${goodNodes.join(', ')} work, ${badNodes.join(', ')} fail`, command: `for n in ${nodes.join(' ')}; do echo "== $n"; ssh root@$n sha256sum ${quoted}; done`, changesCluster: false };
  const present: SuggestedCommand = { purpose: 'Is the keyring there at all on the failing node(s)?', command: `for n in ${badNodes.join(' ')}; do ssh root@$n ls -l ${shellWord(keyring)}; done`, changesCluster: false };
  if (keyring.startsWith('/etc/pve/')) {
    return [compare, present, {
      purpose: '/etc/pve is the cluster file system shared by all nodes: a keyring missing or different there on one node means pmxcfs or quorum trouble on that node (do not copy files into /etc/pve by hand)',
      command: `for n in ${badNodes.join(' ')}; do echo "== $n"; ssh root@$n pvecm status; ssh root@$n systemctl is-active pve-cluster corosync; done`,
      changesCluster: false,
    }];
  }
  return [compare, present, { purpose: `Copy the working node's keyring to the failing node(s): ${keyring} is node-local (keeps mode 0600)`, command: `for n in ${badNodes.join(' ')}; do scp -p root@${goodNodes[0]}:${shellWord(keyring)} root@$n:${shellWord(keyring)}; done`, changesCluster: true }];
}

/** A path as one shell word; `<keyring>`-style placeholders stay readable. */
function shellWord(value: string): string {
  return /^<\w+>$/.test(value) ? value : shellQuote(value);
}

