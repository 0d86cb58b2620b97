/**
 * A small pool of worker threads that read and extract files (src/pipeline/read-worker.ts).
 * Jobs finish in any order; callers consume them in submission order, so the result is the
 * same as reading the files one after the other.
 */
import { Worker } from 'node:worker_threads';
import type { InputError, InputFormat } from '../types.js';
import type { ReadOptions } from '../records/read-records.js';
import type { ExtractedBatch } from './read-extract.js';

/** One file to read (sent to a worker). */
export interface FileJob {
  readonly id: number;
  readonly path: string;
  readonly nodeHint: string | null;
  readonly options: Pick<ReadOptions, 'year' | 'tz' | 'inputFormat'>;
}

/** What reading a file reported, besides its records. */
export interface FileDone {
  readonly format: InputFormat | null;
  readonly lines: number;
  readonly errors: InputError[];
  readonly warnings: InputError[];
}

/** A message from a worker. */
export type WorkerReply =
  | { readonly id: number; readonly batch: ExtractedBatch; readonly done?: undefined }
  | { readonly id: number; readonly done: FileDone; readonly batch?: undefined };

/** A finished file: its batches in order and its report. */
export interface FileResult {
  readonly batches: ExtractedBatch[];
  readonly done: FileDone;
}

interface Pending {
  readonly job: FileJob;
  readonly batches: ExtractedBatch[];
  resolve(result: FileResult): void;
  reject(err: Error): void;
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<number, Pending>();
  private readonly busy = new Map<Worker, Pending>();
  private nextId = 0;
  private readonly options: FileJob['options'];

  constructor(size: number, options: FileJob['options']) {
    this.options = options;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./read-worker.js', import.meta.url));
      worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
      worker.on('error', (err) => this.onCrash(worker, err));
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Queues a file; resolves when a worker has read all of it. */
  read(path: string, nodeHint: string | null = null): Promise<FileResult> {
    return new Promise<FileResult>((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, path, nodeHint, options: this.options }, batches: [], resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const pending = this.queue.shift() as Pending;
      this.running.set(pending.job.id, pending);
      this.busy.set(worker, pending);
      worker.postMessage(pending.job);
    }
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const pending = this.running.get(reply.id);
    if (!pending) return;
    if (reply.batch) { pending.batches.push(reply.batch); return; }
    this.running.delete(reply.id);
    this.busy.delete(worker);
    this.idle.push(worker);
    pending.resolve({ batches: pending.batches, done: reply.done });
    this.pump();
  }

  private onCrash(worker: Worker, err: Error): void {
    const pending = this.busy.get(worker);
    if (pending) { this.running.delete(pending.job.id); pending.reject(err); }
    for (const p of this.queue.splice(0)) p.reject(err);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
