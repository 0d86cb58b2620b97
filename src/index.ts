/**
 * rbd-explain — public API. Everything the CLI does is importable from here; the CLI itself
 * (and yargs) is not part of it.
 *
 *   import { analyzeFiles, formatText } from 'rbd-explain';
 *   const result = await analyzeFiles(['/var/log/syslog']);
 */
export { analyze, analyzeFiles, analyzeText, analyzeStream, inputSpecs } from './pipeline/analyze.js';
/** Reads one input's records (for tools that want records, not incidents). */
export { readRecords as records } from './records/read-records.js';
export type { InputSpec, ReadOptions, ReadReport } from './records/read-records.js';
export type { AnalyzeInput, AnalyzeOptions, AnalysisEvent } from './pipeline/analyze.js';
export { CAUSES, CAUSE_IDS, isCauseId } from './causes.js';
export type { CauseId, CauseInfo } from './causes.js';
export type * from './types.js';
export { INPUT_FORMATS } from './types.js';

export { parseLine } from './pipeline/parse-line.js';
export type { ParsedLine } from './pipeline/parse-line.js';
export { extractMessage } from './extract/extract.js';
export type { DetailedExtraction } from './extract/extract.js';
export { parsePayload } from './extract/payload.js';
export type { Layer, LayerKind, PayloadParse } from './extract/payload.js';
export { parseRbdSpec, findRbdSpecs, targetFromSpec } from './extract/rbd-spec.js';
export type { RbdSpecParse } from './extract/rbd-spec.js';
export { findBlockdevTargets, parseBlockdevJson } from './extract/blockdev.js';
export { parseUpid, findUpid, taskLogPath } from './upid.js';
export { SHAPES, matchShapes } from './extract/shapes.js';
export type { Shape, ShapeHit } from './extract/shapes.js';
export { NEEDLES, LOOK_ALIKES, lookAlike } from './sources/prefilter.js';
export { ERRNO_TEXTS, errnoFromText } from './extract/errno.js';

export { RULES } from './classify/rules.js';
export type { Rule, RuleCondition } from './classify/rule-types.js';
export { classify, matchRules, rankCauses } from './classify/engine.js';
export { COMMANDS_BY_CAUSE, fillTemplate } from './classify/commands.js';
export type { CommandTemplate, CommandValues } from './classify/commands.js';

export { Correlator, compareIncidents } from './correlate/correlator.js';
export type { CorrelateOptions } from './correlate/correlator.js';

export { formatText, formatIncident } from './report/text.js';
export type { TextOptions } from './report/text.js';
export { formatJson, formatNdjsonIncident } from './report/json.js';
export { redact } from './redact.js';
export { parseJournalPrefix } from './records/journal-prefix.js';
export type { JournalPrefixParse } from './records/journal-prefix.js';
export { detectFormat } from './records/detect-format.js';

export { attachConfig } from './correlate/attach-config.js';
export { crossNodeIncidents, CROSS_NODE_RULES } from './correlate/cross-node.js';
export type { CrossNodeRule, TaskSuccess } from './correlate/cross-node.js';
export * from './doctor/index.js';
export * from './probe/index.js';
export { resolveSources } from './pipeline/analyze.js';
export { liveSources, NoJournalctlError, DEFAULT_LIVE_SINCE_MS } from './pipeline/live.js';
export type { LiveOptions } from './pipeline/live.js';
export { follow } from './pipeline/follow.js';
export { withConfig, doctorReport, nodeInputs, storagePools } from './pipeline/with-config.js';
export { expandInputs, sortRotated } from './pipeline/expand-inputs.js';
export type { ExpandedInputs } from './pipeline/expand-inputs.js';
export type { Source } from './pipeline/sources.js';
export { readTasksDir, isTasksDir, parseIndexLine } from './sources/tasks-dir.js';
export type { TasksDir, TaskIndexEntry } from './sources/tasks-dir.js';
export { journalctlArgs, findJournalctl, DEFAULT_UNITS, DEFAULT_IDENTIFIERS } from './sources/journalctl.js';
export { mergeByFleetKey, fleetKey } from './correlate/merge.js';
export { fleetTable } from './report/text.js';
