// Using rbd-explain as a library: analyse a log file (or stdin) and print one line per incident.
//   npm run build && node dist/examples/library.js examples/task10-short.log
import { analyzeFiles, analyze, type Incident } from '../src/index.js';

function summary(i: Incident): string {
  const target = i.pool && i.image ? `${i.pool}/${i.image}` : i.pool ?? '-';
  const fix = i.commands.find((c) => !c.changesCluster)?.command ?? '';
  return `${i.cause} (${Math.round(i.confidence * 100)}%) on ${i.node ?? '?'} ${target}, ${i.count}x\n  first check: ${fix}`;
}

const files = process.argv.slice(2);
const result = files.length > 0
  ? await analyzeFiles(files)
  : await analyze({ chunks: process.stdin, source: '<stdin>' });
for (const incident of result.incidents) console.log(summary(incident));
for (const error of result.errors) console.error(`${error.source}: ${error.message}`);
process.exitCode = result.errors.length > 0 ? 2 : result.incidents.length > 0 ? 1 : 0;
