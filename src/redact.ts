/** The one place that removes key material from text before it leaves the library. */

const PATTERNS: readonly [RegExp, string][] = [
  // keyring file lines: everything after `key =` (any case, any indentation)
  [/(^|\n)([ \t]*key[ \t]*=[ \t]*)[^\n]*/gi, '$1$2<redacted>'],
  // rbd: filename / QemuOpts / map options: key=…, secret=…, key-secret=…
  [/((?:^|[:\s,{;'"])(?:key|secret|key-secret|password-secret)=)(?:\\.|[^:\s,'"}])*/gi, '$1<redacted>'],
  // JSON members
  [/("(?:key|secret|key-secret|password-secret)"\s*:\s*)"(?:\\.|[^"\\])*"/g, '$1"<redacted>"'],
  // mid-line `key = AQ…==` (a keyring pasted into a message)
  [/(\bkey\s*=\s*)[A-Za-z0-9+/]{16,}={0,2}/g, '$1<redacted>'],
  // Ceph echoes a malformed key when it cannot parse a keyring: "… val=<key>: Malformed input"
  [/(\bval=)[^:\s]+/g, '$1<redacted>'],
  // any cephx secret: base64 of 28 bytes, "AQ…" and 40 characters
  [/\bAQ[A-Za-z0-9+/]{36,38}={0,2}/g, '<redacted>'],
];

/** The text with every secret replaced by `<redacted>`. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
