/**
 * Reading + extraction of one input, the part of the pipeline that is the same in the main
 * thread and in a worker (src/pipeline/read-worker.ts): records in batches, each with its
 * extraction. Correlation stays with the caller.
 */
import { stat } from 'node:fs/promises';
import type { LogRecord } from '../types.js';
import { readFileChunks } from '../sources/open-input.js';
import { readRecords, type InputSpec, type ReadOptions, type ReadReport } from '../records/read-records.js';
import { extractMessage, extractTaskFraming, type DetailedExtraction } from '../extract/extract.js';
import { redactFields } from '../redact.js';

const MAX_CACHE = 4096;

/**
 * Extraction is pure: repeated messages (pvestatd every 10 s, retries) are parsed once. Every
 * field of an extraction is redacted here, where it is made: a key that lands in a pool, an image
 * or a path (unescaped from an `rbd:` filename or a JSON string) never reaches the model.
 */
export class ExtractionCache {
  private readonly map = new Map<string, DetailedExtraction>();
  get(message: string): DetailedExtraction {
    // Successful task framing: every line has its own UPID, so caching would only evict the
    // messages that do repeat; it is built directly (and holds no key material to redact).
    const framing = extractTaskFraming(message);
    if (framing) return framing;
    let x = this.map.get(message);
    if (!x) {
      x = redactFields(extractMessage(message));
      if (this.map.size >= MAX_CACHE) this.map.clear();
      this.map.set(message, x);
    }
    return x;
  }
}

/** Records of one batch and their extractions, index for index. */
export interface ExtractedBatch {
  readonly records: readonly LogRecord[];
  readonly extractions: readonly DetailedExtraction[];
}

/** The InputSpec of a file: its mtime is the reference for year inference. */
export async function fileSpec(path: string, nodeHint?: string | null): Promise<InputSpec> {
  let reference: Date | undefined;
  try { reference = (await stat(path)).mtime; } catch { /* reported when read */ }
  return { name: path, path, chunks: (warn) => readFileChunks(path, { warn }), ...(reference ? { reference } : {}), ...(nodeHint ? { nodeHint } : {}) };
}

/**
 * Reads one input and extracts every record. A line whose extraction throws is skipped with a
 * warning naming it; the rest of the input is read.
 */
export async function* readExtracted(spec: InputSpec, options: ReadOptions, report: ReadReport, cache: ExtractionCache): AsyncGenerator<ExtractedBatch> {
  for await (const batch of readRecords(spec, options, report)) {
    const records: LogRecord[] = [];
    const extractions: DetailedExtraction[] = [];
    for (const record of batch) {
      try {
        extractions.push(cache.get(record.message));
        records.push(record);
      } catch (err) {
        report.warnings.push({ source: spec.name, message: `line ${record.line}: could not be read (${(err as Error).message}); skipped` });
      }
    }
    if (records.length > 0) yield { records, extractions };
  }
}
