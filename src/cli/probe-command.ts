/**
 * `rbd-explain probe`: read-only live checks with the identity of a failure — given by
 * flags, by a storage of storage.cfg, or taken from the top incident of a log (--from).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { runProbe, formatProbeText, probeToNdjson, probeExitCode, operationFromPhase, defaultCompareConf } from '../probe/index.js';
import type { ProbeOperation, ProbeTarget } from '../probe/types.js';
import { parseStorageCfg, resolveStorageAccess, parseCephConf, confValue } from '../doctor/index.js';
import { analyzeFiles } from '../pipeline/analyze.js';
import { splitMonHosts } from '../extract/rbd-spec.js';

/** Parsed `probe` arguments. */
export interface ProbeArgs {
  readonly conf?: string | undefined;
  readonly id?: string | undefined;
  readonly keyring?: string | undefined;
  readonly pool?: string | undefined;
  readonly namespace?: string | undefined;
  readonly image?: string | undefined;
  readonly mon?: readonly string[] | undefined;
  readonly storage?: string | undefined;
  readonly root: string;
  readonly from?: readonly string[] | undefined;
  readonly incident?: string | undefined;
  readonly timeout: number;
  readonly format: 'text' | 'json' | 'ndjson';
  /** The operation that failed (`--op`); with --from, the incident's phase gives it. */
  readonly op?: ProbeOperation | undefined;
  /** The conf that should lead to the right cluster (`--compare-conf`); default the other of /etc/pve/ceph.conf and /etc/ceph/ceph.conf. */
  readonly compareConf?: string | undefined;
}

/** A usage problem, reported as one line with exit code 2. */
export class ProbeUsageError extends Error {
  override readonly name = 'ProbeUsageError';
}

async function targetFromLog(args: ProbeArgs): Promise<Partial<ProbeTarget>> {
  const result = await analyzeFiles(args.from ?? []);
  // Proxmox's own lines rarely name the pool: with --pool given, the top incident will do.
  const incident = args.incident ? result.incidents.find((i) => i.id === args.incident) : result.incidents.find((i) => i.pool) ?? (args.pool ? result.incidents[0] : undefined);
  if (!incident) throw new ProbeUsageError(args.incident ? `no incident ${args.incident} in the log` : 'no incident with a pool in the log (name it with --pool)');
  return {
    operation: operationFromPhase(incident.phase),
    conf: incident.conf, clientId: incident.clientId ?? 'admin', keyring: incident.keyring,
    ...(incident.pool ? { pool: incident.pool } : {}), image: incident.image, namespace: incident.namespace,
    monHosts: incident.monHosts ?? [],
  };
}

function targetFromStorage(args: ProbeArgs): Partial<ProbeTarget> {
  const cfgPath = join(args.root, 'etc/pve/storage.cfg');
  const cfg = parseStorageCfg(readFileSync(cfgPath, 'utf8'));
  const storage = cfg.storages.find((s) => s.id === args.storage);
  if (!storage) throw new ProbeUsageError(`no rbd storage '${args.storage}' in ${cfgPath}`);
  let confExists = true;
  try { readFileSync(join(args.root, `etc/pve/priv/ceph/${storage.id}.conf`)); } catch { confExists = false; }
  const access = resolveStorageAccess(storage, confExists);
  let monHosts: string[] = storage.monhost ? splitMonHosts(storage.monhost) : [];
  if (monHosts.length === 0) {
    try {
      const mon = confValue(parseCephConf(readFileSync(join(args.root, access.confPath), 'utf8'), access.confPath), 'mon_host');
      if (mon) monHosts = splitMonHosts(mon.value);
    } catch { /* the probe reports what it cannot reach */ }
  }
  return { conf: access.confPath, clientId: access.clientId, keyring: access.keyringPath, pool: storage.pool, namespace: storage.namespace, monHosts };
}

/** Builds the target from flags, which override what --storage or --from found. */
export async function probeTarget(args: ProbeArgs): Promise<ProbeTarget> {
  const base: Partial<ProbeTarget> = args.from && args.from.length > 0 ? await targetFromLog(args) : args.storage ? targetFromStorage(args) : {};
  const pool = args.pool ?? base.pool;
  if (!pool) throw new ProbeUsageError('probe needs a pool: --pool, --storage or --from LOG');
  return {
    conf: args.conf ?? base.conf ?? null,
    clientId: args.id ?? base.clientId ?? 'admin',
    keyring: args.keyring ?? base.keyring ?? null,
    pool,
    namespace: args.namespace ?? base.namespace ?? null,
    image: args.image ?? base.image ?? null,
    monHosts: args.mon && args.mon.length > 0 ? [...args.mon] : [...(base.monHosts ?? [])],
    operation: args.op ?? base.operation ?? null,
  };
}

/** Runs the probe; exit 0 identity works, 1 a cause was found, 2 undecided. */
export async function runProbeCommand(args: ProbeArgs, stdout: Writable): Promise<number> {
  const target = await probeTarget(args);
  const compareConf = args.compareConf ?? defaultCompareConf(target.conf);
  const result = await runProbe(target, { timeoutMs: args.timeout * 1000, userHosts: args.mon ?? [], compareConf });
  if (args.format === 'json') stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (args.format === 'ndjson') stdout.write(probeToNdjson(result));
  else stdout.write(formatProbeText(result));
  return probeExitCode(result);
}
