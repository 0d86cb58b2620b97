/**
 * A one-line progress bar on stderr, only when both stderr and stdout are terminals
 * (a bar beside piped output looks wrong; machine output is never piped with one).
 */
import type { Writable } from 'node:stream';

export interface Progress {
  /** One input done. */
  tick(name: string): void;
  /** Clears the bar. */
  end(): void;
}

const NONE: Progress = { tick() { /* off */ }, end() { /* off */ } };

/** A bar for `total` inputs, or a no-op when it should not show. */
export function progressBar(stderr: Writable & { isTTY?: boolean; columns?: number }, stdoutIsTTY: boolean, total: number): Progress {
  if (!stderr.isTTY || !stdoutIsTTY || total < 2) return NONE;
  let done = 0;
  const width = Math.max(40, Math.min(stderr.columns ?? 80, 120));
  const draw = (name: string): void => {
    const barWidth = 24;
    const filled = Math.round((done / total) * barWidth);
    const label = ` ${done}/${total} ${name}`;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${label}`.slice(0, width - 1);
    stderr.write(`\r\x1b[2K${line}`);
  };
  draw('');
  return {
    tick(name: string) { done += 1; draw(name.slice(name.lastIndexOf('/') + 1)); },
    end() { stderr.write('\r\x1b[2K'); },
  };
}
