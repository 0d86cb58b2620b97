/** Public API of the probe: read-only live checks with a given identity, and their formatting. */
export { runProbe, localKeyringView, type ProbeOptions } from './probe.js';
export { decideVerdict, NO_OBSERVATIONS, type KeyringView } from './verdict.js';
export { classifyResult, lastErrno, reachedCluster } from './outcome.js';
export {
  operationFromPhase, defaultCompareConf, localConfView, parseWatchers, parseLocks, parseBlocklist, blocklistedHere, splitEntityAddr,
  PROBE_OPERATIONS, WRITE_OPERATIONS,
} from './observe.js';
export { plannedCommands, followUp, identityArgs, displayCommand, type PlannedCommand } from './commands.js';
export { assertReadOnly, refusalReason, ProbeRefusedError } from './allowlist.js';
export { auditedRunner, type AuditedRunner } from './audited-runner.js';
export { spawnRunner, type ToolPaths } from './spawn-runner.js';
export { tcpPortChecker, isLoopback, mayContact, monitorEndpoints, MON_PORTS, type MonitorEndpoint } from './tcp.js';
export { formatProbeText, probeToNdjson, probeExitCode } from './format.js';
export type {
  AuditEntry, CephProgram, CommandResult, CommandRunner, ConfComparison, ConfView, ImageLock, PortCheck, PortChecker, ProbeCommand,
  ProbeObservations, ProbeOperation, ProbeResult, ProbeStep, ProbeTarget, ProbeVerdict, StepName, StepOutcome,
} from './types.js';
