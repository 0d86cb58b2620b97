/** The process pieces the CLI touches, its exit codes, and how it says things. */
import type { Readable, Writable } from 'node:stream';

/** stdin, stdout, stderr and the environment (tests pass their own). */
export interface CliIo {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

/** 0 no incident, 1 incidents found, 2 usage error or an input that could not be read whole. */
export const EXIT = { clean: 0, incidents: 1, error: 2 } as const;

/** A usage problem: one line on stderr, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Writes one line (or a block that ends with one). */
export function say(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
