/**
 * Keyring checks for one rbd storage: the file Proxmox passes exists and is readable, is not
 * readable by others, and holds a section (with a key) for the client name the storage uses.
 */
import { confValue, expandMetavariables, PVE_CEPH_CONF_PATH } from '../ceph-conf.js';
import { changeCommand, checkCommand, fileEvidence, makeFinding, shellQuote } from '../finding.js';
import { findClientSection } from '../keyring.js';
import type { NodeContext } from '../node-context.js';
import type { StorageAccess } from '../storage-access.js';
import { STORAGE_CFG_PATH } from '../storage-cfg.js';
import type { DoctorFinding, FileFacts } from '../types.js';
import { storageEvidence, storageOptionLine } from './storage-evidence.js';

/** Where librados looks for a keyring when the conf names none. */
const CEPH_DEFAULT_KEYRINGS = ['/etc/ceph/ceph.client.admin.keyring', '/etc/ceph/ceph.keyring', '/etc/ceph/keyring', '/etc/ceph/keyring.bin'];

function exportKeyringCommand(clientId: string, path: string) {
  return changeCommand(`write the cluster's current key for client.${clientId} to the file Proxmox reads (run where an admin keyring works)`, `ceph auth get client.${clientId} -o ${shellQuote(path)}`);
}

/** The keyring librados falls back to for client.admin when Proxmox passes no keyring (managed storages). */
function adminFallbackKeyring(ctx: NodeContext): string | null {
  const conf = ctx.conf(PVE_CEPH_CONF_PATH);
  const configured = conf ? confValue(conf, 'keyring', 'admin') : null;
  const candidates = configured ? configured.value.split(/[,;\s]+/).map((p) => expandMetavariables(p, 'admin')) : CEPH_DEFAULT_KEYRINGS;
  return candidates.find((p) => p.length > 0 && ctx.facts(p).exists) ?? null;
}

function missingStorageKeyring(ctx: NodeContext, access: StorageAccess): DoctorFinding[] {
  const { storage, keyringPath, clientId } = access;
  const evidence = storageEvidence(storage, ['monhost', 'username']);
  const base = { check: 'keyring-file', cause: 'keyring-missing', storage: storage.id, file: STORAGE_CFG_PATH, line: storage.line, subject: keyringPath, evidence, extraRefs: ['article: Checklist B'] } as const;
  const confirm = checkCommand('see whether the keyring exists on this node', `ls -l ${shellQuote(keyringPath)}`);
  if (!access.managed) {
    return [makeFinding(ctx.node, {
      ...base, severity: 'error',
      message: `Storage '${storage.id}' talks to an external cluster, but ${keyringPath} does not exist on this node. Proxmox then connects without cephx (auth_supported=none), which the monitors refuse.`,
      fix: `Put the key of client.${clientId} into ${keyringPath} (mode 0600), then retry the task.`,
      commands: [confirm, exportKeyringCommand(clientId, keyringPath), changeCommand('restrict the new file to root', `chmod 600 ${shellQuote(keyringPath)}`)],
    })];
  }
  const fallback = adminFallbackKeyring(ctx);
  if (fallback !== null && clientId === 'admin') return [];
  if (fallback !== null) {
    return [makeFinding(ctx.node, {
      ...base, severity: 'warning',
      message: `Storage '${storage.id}' sets username ${clientId}, but ${keyringPath} is missing, so Proxmox passes no id or keyring and librbd runs as client.admin with ${fallback}. Access works with admin's caps, not with the ones meant for client.${clientId}.`,
      fix: `Create ${keyringPath} for client.${clientId} if that client is meant to be used, or drop the username option.`,
      commands: [confirm, exportKeyringCommand(clientId, keyringPath)],
    })];
  }
  return [makeFinding(ctx.node, {
    ...base, severity: 'error',
    message: `Storage '${storage.id}' has no keyring on this node: ${keyringPath} is missing and no admin keyring is found through ${PVE_CEPH_CONF_PATH} either.`,
    fix: `Restore ${keyringPath} (or the admin keyring named in ${PVE_CEPH_CONF_PATH}) on this node.`,
    commands: [confirm, exportKeyringCommand(clientId, keyringPath)],
  })];
}

function unreadableKeyring(ctx: NodeContext, access: StorageAccess, facts: FileFacts): DoctorFinding {
  return makeFinding(ctx.node, {
    check: 'keyring-file', cause: 'keyring-missing', severity: 'error', storage: access.storage.id,
    file: facts.path, line: null, subject: facts.path,
    message: `${facts.path} exists but cannot be read${facts.mode === null ? '' : ` (mode ${facts.mode.toString(8).padStart(4, '0')})`}; librados reports it like a missing keyring.`,
    fix: 'Make it a regular file owned by root and readable by root.',
    commands: [checkCommand('show owner, mode and type', `ls -l ${shellQuote(facts.path)}`)],
    evidence: storageEvidence(access.storage), extraRefs: ['article: Task 3'],
  });
}

function tooOpenKeyring(ctx: NodeContext, storageId: string, facts: FileFacts): DoctorFinding[] {
  if (facts.mode === null || (facts.mode & 0o077) === 0) return [];
  const mode = facts.mode.toString(8).padStart(4, '0');
  const pmxcfs = facts.path.startsWith('/etc/pve/') ? ' On a live node /etc/pve is pmxcfs, which sets its own modes: check there with ls -l.' : '';
  return [makeFinding(ctx.node, {
    check: 'keyring-permissions', cause: 'keyring-missing', severity: 'warning', storage: storageId,
    file: facts.path, line: null, subject: facts.path,
    message: `${facts.path} has mode ${mode}: users other than root can read the key.${pmxcfs}`,
    fix: 'Restrict the keyring to root (0600, root:root).',
    commands: [checkCommand('show the mode', `ls -l ${shellQuote(facts.path)}`), changeCommand('restrict the keyring to root', `chmod 600 ${shellQuote(facts.path)}`)],
    extraRefs: ['article: Task 3', 'article: Checklist B'],
  })];
}

function sectionProblems(ctx: NodeContext, access: StorageAccess, path: string): DoctorFinding[] {
  const keyring = ctx.keyring(path);
  if (keyring === null) return [];
  const { clientId, storage } = access;
  const section = findClientSection(keyring, clientId);
  const headers = keyring.sections.map((s) => fileEvidence(path, s.line, `[${s.entity}]`));
  const confirm = checkCommand('list the section headers (key lines are not shown)', `grep -n '^\\[' ${shellQuote(path)}`);
  if (section === undefined) {
    const found = keyring.sections.length === 0 ? 'no section at all' : keyring.sections.map((s) => `[${s.entity}] (line ${s.line})`).join(', ');
    return [makeFinding(ctx.node, {
      check: 'keyring-section', cause: 'client-mismatch', severity: 'error', storage: storage.id,
      file: path, line: keyring.sections[0]?.line ?? null, subject: `client.${clientId}`,
      message: `Storage '${storage.id}' connects as client.${clientId}, but ${path} holds ${found}. cephx cannot find a key for that name.`,
      fix: `Replace the file with the keyring of client.${clientId}, or set username to the client the file is for.`,
      commands: [confirm, exportKeyringCommand(clientId, path)],
      evidence: [...storageEvidence(storage, ['username']), ...headers], extraRefs: ['article: Client names'],
    })];
  }
  if (section.keySha256 === null) {
    return [makeFinding(ctx.node, {
      check: 'keyring-section', cause: 'keyring-missing', severity: 'error', storage: storage.id,
      file: path, line: section.line, subject: `client.${clientId}`,
      message: `[client.${clientId}] in ${path} has no key line.`,
      fix: `Export the keyring of client.${clientId} again; a section without a key cannot authenticate.`,
      commands: [confirm, exportKeyringCommand(clientId, path)], evidence: headers,
    })];
  }
  return [];
}

/** A keyring path named by a `keyring` option in storage.cfg, which Proxmox itself does not pass to librbd. */
function keyringOptionFindings(ctx: NodeContext, access: StorageAccess, storageKeyringExists: boolean): DoctorFinding[] {
  const option = access.storage.keyring;
  if (option === null || option === access.keyringPath) return [];
  const facts = ctx.facts(option);
  const line = storageOptionLine(access.storage, 'keyring');
  if (!facts.exists) {
    return [makeFinding(ctx.node, {
      check: 'keyring-file', cause: 'keyring-missing', severity: storageKeyringExists ? 'warning' : 'error', storage: access.storage.id,
      file: STORAGE_CFG_PATH, line, subject: option,
      message: `storage.cfg names keyring ${option}, which does not exist on this node. (Proxmox itself passes ${access.keyringPath}; tools and scripts that follow storage.cfg use this path.)`,
      fix: `Fix the path in storage.cfg or create the file on this node.`,
      commands: [checkCommand('see whether the file exists', `ls -l ${shellQuote(option)}`), exportKeyringCommand(access.clientId, option)],
      evidence: storageEvidence(access.storage, ['keyring']), extraRefs: ['article: Task 2', 'article: Task 3'],
    })];
  }
  return [...tooOpenKeyring(ctx, access.storage.id, facts), ...sectionProblems(ctx, access, option)];
}

/** All keyring findings for one storage on one node. */
export function keyringChecks(ctx: NodeContext, access: StorageAccess): DoctorFinding[] {
  const facts = ctx.facts(access.keyringPath);
  const findings: DoctorFinding[] = [];
  if (!facts.exists) findings.push(...missingStorageKeyring(ctx, access));
  else if (!facts.readable) findings.push(unreadableKeyring(ctx, access, facts));
  else findings.push(...tooOpenKeyring(ctx, access.storage.id, facts), ...sectionProblems(ctx, access, access.keyringPath));
  findings.push(...keyringOptionFindings(ctx, access, facts.exists));
  return findings;
}
