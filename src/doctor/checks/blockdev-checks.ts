/**
 * Keyring lookup on the `-blockdev` path (PVE 9, machine version ≥ 10.0): QEMU gets no keyring
 * option there and finds the key through the conf file only (docs/message-catalog.md, "Where the client's settings come from").
 */
import { confValue, expandMetavariables, PVE_CEPH_CONF_PATH } from '../ceph-conf.js';
import { changeCommand, checkCommand, fileEvidence, makeFinding, shellQuote } from '../finding.js';
import type { NodeContext } from '../node-context.js';
import type { StorageAccess } from '../storage-access.js';
import type { DoctorFinding } from '../types.js';

function externalConfWithoutKeyring(ctx: NodeContext, access: StorageAccess): DoctorFinding[] {
  const conf = ctx.conf(access.storageConfPath);
  if (conf === null) return [];
  const keyring = confValue(conf, 'keyring', access.clientId);
  const named = keyring ? expandMetavariables(keyring.value, access.clientId) : null;
  if (named === access.keyringPath) return [];
  return [makeFinding(ctx.node, {
    check: 'blockdev-keyring', cause: 'keyring-missing', severity: 'warning', storage: access.storage.id,
    file: access.storageConfPath, line: keyring?.line ?? null, subject: access.keyringPath,
    message: `${access.storageConfPath} ${named === null ? 'names no keyring' : `names keyring ${named}`}, not ${access.keyringPath}. VMs started with machine version 10.0 or later (-blockdev) find their key only through this conf, so they fail while the rbd CLI path still works.`,
    fix: `Set 'keyring = ${access.keyringPath}' in the [global] section of ${access.storageConfPath}.`,
    commands: [checkCommand('show the keyring line of the storage conf', `grep -n keyring ${shellQuote(access.storageConfPath)}`)],
    evidence: keyring ? [fileEvidence(access.storageConfPath, keyring.line, `keyring = ${keyring.value}`)] : [],
  })];
}

function managedUserKeyringMissing(ctx: NodeContext, access: StorageAccess): DoctorFinding[] {
  const conf = ctx.conf(PVE_CEPH_CONF_PATH);
  const keyring = conf ? confValue(conf, 'keyring', access.clientId) : null;
  if (keyring === null) return [];
  const paths = keyring.value.split(/[,;\s]+/).filter((p) => p.length > 0).map((p) => expandMetavariables(p, access.clientId));
  if (paths.some((p) => ctx.facts(p).exists)) return [];
  const first = paths[0] ?? keyring.value;
  return [makeFinding(ctx.node, {
    check: 'blockdev-keyring', cause: 'keyring-missing', severity: 'warning', storage: access.storage.id,
    file: PVE_CEPH_CONF_PATH, line: keyring.line, subject: first,
    message: `Storage '${access.storage.id}' uses client.${access.clientId}. VMs started with machine version 10.0 or later (-blockdev) look for its key through ${PVE_CEPH_CONF_PATH}, i.e. in ${paths.join(', ')}, which does not exist; the rbd CLI path uses ${access.keyringPath} and keeps working.`,
    fix: `Provide the key of client.${access.clientId} at ${first} too.`,
    commands: [checkCommand('see whether the file exists', `ls -l ${shellQuote(first)}`), changeCommand(`write client.${access.clientId}'s keyring where -blockdev looks`, `ceph auth get client.${access.clientId} -o ${shellQuote(first)}`)],
    evidence: [fileEvidence(PVE_CEPH_CONF_PATH, keyring.line, `keyring = ${keyring.value}`)],
  })];
}

/** Keyring findings that only hit VMs on the -blockdev path. Only when the storage keyring itself exists. */
export function blockdevKeyringChecks(ctx: NodeContext, access: StorageAccess): DoctorFinding[] {
  if (!ctx.facts(access.keyringPath).exists) return [];
  if (!access.managed) return ctx.facts(access.storageConfPath).exists ? externalConfWithoutKeyring(ctx, access) : [];
  return access.clientId === 'admin' ? [] : managedUserKeyringMissing(ctx, access);
}
