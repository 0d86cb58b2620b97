/** errno numbers and their glibc texts (Linux). QEMU and PVE::RADOS print only the text. */
export const ERRNO_TEXTS: Readonly<Record<number, string>> = {
  1: 'Operation not permitted',
  2: 'No such file or directory',
  5: 'Input/output error',
  6: 'No such device or address',
  11: 'Resource temporarily unavailable',
  12: 'Cannot allocate memory',
  13: 'Permission denied',
  14: 'Bad address',
  16: 'Device or resource busy',
  17: 'File exists',
  19: 'No such device',
  21: 'Is a directory',
  22: 'Invalid argument',
  28: 'No space left on device',
  30: 'Read-only file system',
  32: 'Broken pipe',
  33: 'Numerical argument out of domain',
  38: 'Function not implemented',
  39: 'Directory not empty',
  95: 'Operation not supported',
  101: 'Network is unreachable',
  107: 'Transport endpoint is not connected',
  108: 'Cannot send after transport endpoint shutdown',
  110: 'Connection timed out',
  111: 'Connection refused',
  113: 'No route to host',
  122: 'Disk quota exceeded',
  125: 'Operation canceled',
};

const NUMBER_BY_TEXT = new Map<string, number>(
  Object.entries(ERRNO_TEXTS).map(([n, text]) => [text.toLowerCase(), Number(n)]),
);

/** The errno for a glibc text (`Permission denied` → 13), or null. */
export function errnoFromText(text: string): number | null {
  return NUMBER_BY_TEXT.get(text.trim().toLowerCase()) ?? null;
}
