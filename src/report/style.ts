/** Minimal ANSI styling, on only when the caller says so (the CLI decides from TTY, NO_COLOR, FORCE_COLOR, --color). */

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], magenta: [35, 39] } as const;

/** A style name. */
export type StyleName = keyof typeof CODES;

/** Returns a function that styles text, or passes it through when colour is off. */
export function styler(color: boolean): (style: StyleName, text: string) => string {
  return (style, text) => (color ? `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : text);
}

/** Whether to colour a stream, following NO_COLOR / FORCE_COLOR and the TTY. */
export function wantColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] !== '0' && env['FORCE_COLOR'] !== 'false';
  return stream.isTTY === true;
}
