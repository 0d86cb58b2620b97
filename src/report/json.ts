/**
 * Machine output: one JSON document, or NDJSON with one incident per line. Times are written in
 * one zone per document (see times.ts): UTC times from journal JSON/export or task logs take the
 * offset of the inputs that carry one.
 */
import type { AnalysisResult, Incident } from '../types.js';
import { incidentInOneZone, incidentTimes, ZoneNormalizer } from './times.js';

/** `JSON.stringify(value, null, 2)` written `depth` levels deep: every line after the first indented by two spaces a level. */
function nested(value: unknown, depth: number): string | undefined {
  // JSON escapes newlines inside strings, so every raw newline is a line break of the layout.
  return JSON.stringify(value, null, 2)?.replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * The `--format json` document in pieces, incident by incident, so that a caller can write it
 * without ever holding the whole text (or every incident's zone-normalised copy) at once. The
 * pieces joined are exactly `JSON.stringify(result in one zone, null, 2)` plus a newline.
 */
export function* formatJsonChunks(result: AnalysisResult): Generator<string> {
  const zone = new ZoneNormalizer(result.incidents.flatMap(incidentTimes));
  let first = true;
  yield '{';
  for (const [key, value] of Object.entries(result)) {
    const head = `${first ? '' : ','}\n  ${JSON.stringify(key)}: `;
    if (key === 'incidents' && result.incidents.length > 0) {
      yield `${head}[`;
      let i = 0;
      for (const incident of result.incidents) yield `${i++ === 0 ? '' : ','}\n    ${nested(zone.incident(incident), 2) ?? 'null'}`;
      yield '\n  ]';
    } else {
      const text = nested(value, 1);
      if (text === undefined) continue; // JSON.stringify leaves out undefined members
      yield `${head}${text}`;
    }
    first = false;
  }
  yield first ? '}\n' : '\n}\n';
}

/** The `--format json` document. */
export function formatJson(result: AnalysisResult): string {
  return [...formatJsonChunks(result)].join('');
}

/** One `--format ndjson` line (its times in one zone: the incident's own). */
export function formatNdjsonIncident(incident: Incident): string {
  return `${JSON.stringify(incidentInOneZone(incident))}\n`;
}
