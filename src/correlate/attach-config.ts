/**
 * Joins doctor findings to incidents (`--with-config`): a finding about the same node and
 * storage, keyring or conf bears on the incident; one whose cause is among the incident's
 * candidates confirms that cause (e.g. the keyring named in the log is missing here).
 */
import { causeDocPath, causeRefs, type CauseId } from '../causes.js';
import type { ConfigFinding, Incident } from '../types.js';
import type { DoctorFinding } from '../doctor/types.js';
import { confirmsCause } from '../doctor/check-info.js';

/** Storage id → pool, from storage.cfg, to find the storage of an incident that names only a pool. */
export type StoragePools = ReadonlyMap<string, string>;

function bears(f: DoctorFinding, i: Incident, singleNode: boolean, pools: StoragePools): boolean {
  const nodeOk = singleNode || f.node === null || f.node === i.node || i.badNodes.includes(f.node);
  if (!nodeOk) return false;
  if (f.storage !== null && f.storage === i.storage) return true;
  if (f.storage !== null && i.storage === null && i.pool !== null && pools.get(f.storage) === i.pool) return true;
  const paths = [i.keyring, i.conf].filter((p): p is string => p !== null);
  if ((f.subject !== null && paths.includes(f.subject)) || (f.file !== null && paths.includes(f.file))) return true;
  if (f.storage !== null && i.storage === null && i.pool !== null && f.subject === i.pool) return true;
  return false;
}

function toConfigFinding(f: DoctorFinding): ConfigFinding {
  return { check: f.check, cause: f.cause, severity: f.severity, node: f.node, storage: f.storage, file: f.file, line: f.line, message: f.message, fix: f.fix };
}

/** Incidents with their config findings attached and confirmed causes promoted. */
export function attachConfig(incidents: readonly Incident[], findings: readonly DoctorFinding[], singleNode: boolean, pools: StoragePools = new Map()): Incident[] {
  return incidents.map((incident) => {
    const related = findings.filter((f) => f.severity !== 'info' && bears(f, incident, singleNode, pools));
    if (related.length === 0) return incident;
    const candidateCauses = new Set<CauseId>([incident.cause, ...incident.candidates.map((c) => c.cause)]);
    const confirming = related.find((f) => candidateCauses.has(f.cause) && confirmsCause(f.check));
    if (!confirming) return { ...incident, configFindings: related.map(toConfigFinding) };
    const cause = confirming.cause;
    const confidence = Math.max(0.95, incident.candidates.find((c) => c.cause === cause)?.confidence ?? 0);
    const rest = incident.candidates.filter((c) => c.cause !== cause).map((c) => ({ cause: c.cause, confidence: Math.min(c.confidence, 0.05) }));
    return {
      ...incident,
      cause,
      confidence,
      candidates: [{ cause, confidence }, ...rest],
      discriminator: null,
      refs: causeRefs(cause, incident.refs.filter((r) => r !== causeDocPath(incident.cause))),
      configFindings: related.map(toConfigFinding),
      confirmed: true,
      confirmedBy: 'config',
    };
  });
}
