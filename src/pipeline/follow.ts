/**
 * Follow mode: incidents as lines arrive (stdin, or `journalctl -f` from live mode), each one
 * again, with the same id, when it gains evidence. Groups idle for longer than the window are
 * forgotten, so memory stays flat on an endless input; node-drift is not derived.
 */
import { analyzeStream, type AnalysisEvent, type AnalyzeInput, type AnalyzeOptions } from './analyze.js';

/** Streams incident updates for an input that may never end. */
export function follow(input: AnalyzeInput, options: AnalyzeOptions = {}): AsyncGenerator<AnalysisEvent> {
  return analyzeStream(input, {
    ...options,
    // Fleet grouping waits for idle groups to fold; following wants each task's incident at once.
    grouping: options.grouping === undefined || options.grouping === 'auto' ? 'window' : options.grouping,
    expireIdleMinutes: options.expireIdleMinutes ?? options.windowMinutes ?? 60,
    updates: true,
  });
}
