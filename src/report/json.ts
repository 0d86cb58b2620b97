/** Machine output: one JSON document, or NDJSON with one incident per line. */
import type { AnalysisResult, Incident } from '../types.js';

/** The `--format json` document. */
export function formatJson(result: AnalysisResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** One `--format ndjson` line. */
export function formatNdjsonIncident(incident: Incident): string {
  return `${JSON.stringify(incident)}\n`;
}
