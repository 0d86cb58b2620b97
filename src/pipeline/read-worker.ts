/**
 * Worker thread: reads and extracts whole files for the main thread (parallel archives).
 * Messages in: {id, path, nodeHint, options}. Out: {id, batch} per batch, then {id, done}.
 */
import { parentPort } from 'node:worker_threads';
import type { ReadOptions, ReadReport } from '../records/read-records.js';
import { newScanStats } from '../sources/split-lines.js';
import { ExtractionCache, fileSpec, readExtracted } from './read-extract.js';
import type { FileJob, WorkerReply } from './worker-pool.js';

const cache = new ExtractionCache();

parentPort?.on('message', (job: FileJob) => {
  void (async () => {
    const report: ReadReport = { format: null, stats: newScanStats(), errors: [], warnings: [] };
    try {
      const spec = await fileSpec(job.path, job.nodeHint);
      for await (const batch of readExtracted(spec, job.options as ReadOptions, report, cache)) {
        parentPort?.postMessage({ id: job.id, batch } satisfies WorkerReply);
      }
    } catch (err) {
      report.errors.push({ source: job.path, message: (err as Error).message });
    }
    parentPort?.postMessage({
      id: job.id,
      done: { format: report.format, lines: report.stats.lines, errors: report.errors, warnings: report.warnings },
    } satisfies WorkerReply);
  })();
});
