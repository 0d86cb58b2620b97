// journalctl JSON entries → journal export format (systemd's JOURNAL_EXPORT_FORMATS), the
// input systemd-journal-remote turns into journal files. A value that is not printable
// single-line UTF-8 (a newline, a control byte, a byte array) is written in the binary form:
// name, newline, u64 LE length, bytes, newline.

/** True when `bytes` can be written as `NAME=value` (no control bytes but tab, valid UTF-8). */
function isTextValue(bytes) {
  for (const b of bytes) if (b < 32 && b !== 9) return false;
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

/** One entry: `fields` maps names to strings, Buffers, or arrays of them (a repeated field). */
export function exportEntry(fields) {
  const parts = [];
  for (const [name, raw] of Object.entries(fields)) {
    for (const value of Array.isArray(raw) && typeof raw[0] !== 'number' ? raw : [raw]) {
      const bytes = Buffer.isBuffer(value) ? value : Array.isArray(value) ? Buffer.from(value) : Buffer.from(String(value), 'utf8');
      if (isTextValue(bytes)) parts.push(Buffer.from(`${name}=`, 'latin1'), bytes, Buffer.from('\n'));
      else {
        const size = Buffer.alloc(8);
        size.writeBigUInt64LE(BigInt(bytes.length));
        parts.push(Buffer.from(`${name}\n`, 'latin1'), size, bytes, Buffer.from('\n'));
      }
    }
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

/** The fields of one `journalctl -o json` line, without the cursor (a reader's position, not data). */
export function jsonLineFields(line) {
  const fields = JSON.parse(line);
  delete fields.__CURSOR;
  return fields;
}

/** `journalctl -o json` text → export-format bytes. */
export function jsonToExport(text) {
  return Buffer.concat(text.split('\n').filter((l) => l.trim() !== '').map((l) => exportEntry(jsonLineFields(l))));
}
