/**
 * Reading + extraction of one input, the part of the pipeline that is the same in the main
 * thread and in a worker (src/pipeline/read-worker.ts): records in batches, each with its
 * extraction. Correlation stays with the caller.
 */
import { stat } from 'node:fs/promises';
import type { LogRecord } from '../types.js';
import { readFileChunks } from '../sources/open-input.js';
import { readRecords, type InputSpec, type ReadOptions, type ReadReport } from '../records/read-records.js';
import { extractMessage, type DetailedExtraction } from '../extract/extract.js';

const MAX_CACHE = 4096;

/** Extraction is pure: repeated messages (pvestatd every 10 s, retries) are parsed once. */
export class ExtractionCache {
  private readonly map = new Map<string, DetailedExtraction>();
  get(message: string): DetailedExtraction {
    let x = this.map.get(message);
    if (!x) {
      x = extractMessage(message);
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
  return { name: path, path, chunks: () => readFileChunks(path), ...(reference ? { reference } : {}), ...(nodeHint ? { nodeHint } : {}) };
}

/** Reads one input and extracts every record. */
export async function* readExtracted(spec: InputSpec, options: ReadOptions, report: ReadReport, cache: ExtractionCache): AsyncGenerator<ExtractedBatch> {
  for await (const records of readRecords(spec, options, report)) {
    yield { records, extractions: records.map((r) => cache.get(r.message)) };
  }
}
