/** Public API of the doctor: config readers, single- and multi-node checks, formatting. */
export { runDoctor, inspectNode, summarizeNode, sortFindings, TREE_POOL_LIST_FILE } from './doctor.js';
export { runMultiNodeDoctor, compareNodes } from './node-drift.js';
export { nodeInputsFromRoots } from './node-name.js';
export { CHECK_INFO } from './check-info.js';
export { formatDoctorText, doctorToJson, doctorToNdjson, doctorExitCode, countFindings, type DoctorJson, type DoctorCounts } from './format.js';
export { parseStorageCfg, STORAGE_CFG_PATH, type StorageCfg } from './storage-cfg.js';
export { parseCephConf, confValue, PVE_CEPH_CONF_PATH, ETC_CEPH_CONF_PATH, type CephConf, type ConfValue } from './ceph-conf.js';
export { parseKeyring, findClientSection, type Keyring, type KeyringSection } from './keyring.js';
export { parsePoolList } from './pool-list.js';
export { monitorHosts, compareMonitorLists } from './mon-hosts.js';
export { resolveStorageAccess, storagePrivPath, type StorageAccess } from './storage-access.js';
export { redactSecrets } from './redact.js';
export { RootedFs } from './rooted-fs.js';
export type { CheckId, DoctorFinding, DoctorNodeSummary, DoctorOptions, DoctorReport, FileFacts, NodeInput, ParseNote, RbdStorage, Severity } from './types.js';
