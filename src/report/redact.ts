/** Removes key material from any text before it leaves the library. */

const PATTERNS: readonly [RegExp, string][] = [
  // rbd: filename / QemuOpts / map options: key=…, secret=…, key-secret=…
  [/((?:^|[:\s,{;'"])(?:key|secret|key-secret|password-secret)=)(?:\\.|[^:\s,'"}])*/g, '$1<redacted>'],
  // JSON members
  [/("(?:key|secret|key-secret|password-secret)"\s*:\s*)"(?:\\.|[^"\\])*"/g, '$1"<redacted>"'],
  // keyring file lines: key = AQ…==
  [/(\bkey\s*=\s*)[A-Za-z0-9+/]{16,}={0,2}/g, '$1<redacted>'],
  // Ceph echoes a malformed key when it cannot parse a keyring: "… val=<key>: Malformed input"
  [/(\bval=)[^:\s]+/g, '$1<redacted>'],
  // any Ceph secret: base64 of a 28-byte CryptoKey, always "AQ…" and 40 chars
  [/\bAQ[A-Za-z0-9+/]{36,38}={0,2}/g, '<redacted>'],
];

/** The text with every secret replaced by `<redacted>`. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
