/**
 * Machine output: one JSON document, or NDJSON with one incident per line. Times are written in
 * one zone per document (see times.ts): UTC times from journal JSON/export or task logs take the
 * offset of the inputs that carry one.
 */
import type { AnalysisResult, Incident } from '../types.js';
import { incidentInOneZone, inOneZone } from './times.js';

/** The `--format json` document. */
export function formatJson(result: AnalysisResult): string {
  return `${JSON.stringify(inOneZone(result), null, 2)}\n`;
}

/** One `--format ndjson` line (its times in one zone: the incident's own). */
export function formatNdjsonIncident(incident: Incident): string {
  return `${JSON.stringify(incidentInOneZone(incident))}\n`;
}
