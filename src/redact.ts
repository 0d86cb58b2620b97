/**
 * The one place that removes key material from text before it leaves the library. Records are
 * redacted where the readers produce them and extractions where they are made (src/pipeline),
 * so every field (hostnames, pools, paths, client ids…) is clean, not only the evidence text.
 */

/**
 * A cephx secret: base64 of 28 bytes, "AQ" and 38 more characters. No word boundary is required,
 * so a key glued to a word (`secret_AQ…`, `key%3DAQ…`) is found too, and 20 characters are enough,
 * so a key cut by the line limit is still caught. `%2B`/`%2F`/`%3D` are URL-encoded `+`, `/`, `=`;
 * a backslash before a character is QEMU's escape in `rbd:` filenames, `\u00XX` a JSON escape.
 */
const CEPHX_KEY = /(?:A|\\u0041)(?:Q|\\u0051)(?:\\?[A-Za-z0-9+/]|%2[BbFf]|\\u00[2-7][0-9A-Fa-f]){20,}(?:\\?=|%3[Dd]|\\u003[Dd]){0,2}/g;

const PATTERNS: readonly [RegExp, string][] = [
  // First, so that no pattern below takes a key's head and leaves its (escaped) tail behind.
  [CEPHX_KEY, '<redacted>'],
  // keyring file lines: everything after `key =` (any case, any indentation)
  [/(^|\n)([ \t]*key[ \t]*=[ \t]*)[^\n]*/gi, '$1$2<redacted>'],
  // rbd: filename / QemuOpts / map options: key=…, secret=…, key-secret=…
  [/((?:^|[:\s,{;'"])(?:key|secret|key-secret|password-secret)=)(?:\\.|[^:\s,'"}])*/gi, '$1<redacted>'],
  // JSON members
  [/("(?:key|secret|key-secret|password-secret)"\s*:\s*)"(?:\\.|[^"\\])*"/g, '$1"<redacted>"'],
  // mid-line `key = AQ…==` (a keyring pasted into a message)
  [/(\bkey\s*=\s*)(?:\\?[A-Za-z0-9+/]){16,}(?:\\?=){0,2}/g, '$1<redacted>'],
  // Ceph echoes a malformed key when it cannot parse a keyring: "… val=<key>: Malformed input"
  [/(\bval=)[^:\s]+/g, '$1<redacted>'],
];

/**
 * A base64 run of a key's length and padding whatever its head (a key that lost its `AQ` to an escape
 * or a damaged byte still holds the secret): a cephx secret, or another one, never a diagnosis. Tried
 * from the start of a run only, and only on text with `==` (a long path is a base64 run too).
 */
const PADDED_BASE64 = /(?<![A-Za-z0-9+/\\])(?:\\?[A-Za-z0-9+/]){30,}==/g;

/**
 * Every pattern above needs one of these words (`==` for PADDED_BASE64): a text without them is returned untouched after a
 * single scan (most log lines; redaction runs on every record).
 */
const MAY_HOLD_KEY = /AQ|key|secret|val=|\\u00|==/i;

/** True when `text` may hold key material (a cheap test; `redact` decides). */
export function mayHoldKey(text: string): boolean {
  return MAY_HOLD_KEY.test(text);
}

/** The text with every secret replaced by `<redacted>`. */
export function redact(text: string): string {
  if (!MAY_HOLD_KEY.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out.includes('==') ? out.replace(PADDED_BASE64, '<redacted>') : out;
}

/**
 * `value` with `redact` applied to every string inside it (plain objects and arrays, any depth).
 * Returns the same object when nothing changed, so clean values cost no copy.
 */
export function redactFields<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const clean = redactFields(item);
      if (clean !== item) (copy ??= value.slice())[i] = clean;
    }
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const clean = redactFields(item);
    if (clean !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = clean;
  }
  return (copy ?? value) as T;
}

/** Characters a key is made of, also URL-encoded (`%`), QEMU- or JSON-escaped (`\`). */
export function isKeyChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
    || code === 43 || code === 47 || code === 61 || code === 37 || code === 92;
}

/**
 * Where to end a text cut at `end` so that no partial key is left at the cut: the trailing run of
 * key characters is dropped whole, since a key's head is too short to be recognised later, and a
 * key glued inside a longer run may lie anywhere in it (a cap of 64 left the head of a key that
 * ended 30 characters before the cut). `codeAt` reads a character (or byte) code, so strings and
 * buffers are cut alike.
 */
export function cutBeforePartialWord(codeAt: (index: number) => number, end: number): number {
  let k = end;
  while (k > 0 && isKeyChar(codeAt(k - 1))) k -= 1;
  return k;
}

/** Where to start a text kept from `start` on: the leading partial word is dropped whole (as above). */
export function startAfterPartialWord(codeAt: (index: number) => number, start: number, length: number): number {
  let k = start;
  while (k < length && isKeyChar(codeAt(k))) k += 1;
  return k;
}
