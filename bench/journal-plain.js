#!/usr/bin/env node
// The journal-file reader without its fast path: every entry of each FILE read whole and put
// through the export reader's conversion (what the fast path saves). Prints the counts.
//   node bench/journal-plain.js FILE…
import { JournalFileReader } from '../dist/src/sources/journal-file/reader.js';
import { entryTextFields } from '../dist/src/records/journal-file.js';
import { journalEntryRecord } from '../dist/src/records/journal-export.js';

let records = 0;
let entries = 0;
let problems = 0;
for (const path of process.argv.slice(2)) {
  const reader = JournalFileReader.open(path);
  const spec = { name: path, chunks: async function* () {} };
  for (const entry of reader.entries()) {
    entries += 1;
    if (journalEntryRecord(entryTextFields(entry), spec, entry.seqnum)) records += 1;
  }
  reader.close();
  problems += reader.problemCount;
}
console.log(JSON.stringify({ entries, records, problems }));
