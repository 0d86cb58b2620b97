/** Last line of defence against printing key material: masks cephx keys and key options in any text. */

/** A cephx secret as Ceph prints it: base64 of 28 bytes: `AQ`, 36 more characters, `==`. */
const CEPHX_KEY = /AQ[A-Za-z0-9+/]{36}==/g;
const KEY_LINE = /(^|\n)([ \t]*key[ \t]*=[ \t]*)[^\n]*/gi;
const KEY_OPTION = /((?:^|[:,\s"'])(?:key|key-secret|secret)=)[^:,\s"']+/gi;

/** The text with every key line, `key=`/`key-secret=`/`secret=` option value and cephx secret replaced by `<redacted>`. */
export function redactSecrets(text: string): string {
  return text.replace(KEY_LINE, '$1$2<redacted>').replace(KEY_OPTION, '$1<redacted>').replace(CEPHX_KEY, '<redacted>');
}
