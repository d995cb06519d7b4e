/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (one at a time, so they do not compete for
 * the two cores), each writing bench/results/<name>.json and <name>.md; then joins the markdown parts into
 * bench/results/summary.md and docs/results.md (the results page the README points to). `npm run bench --
 * queue bocpd` runs only the named ones; the pages are rewritten with the other parts as last written.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeResultsPages } from './report.js';

const benchDir = import.meta.dirname;
const wanted = process.argv.slice(2);
const names = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

let failed = 0;
for (const name of names) {
  console.log(`\n=== bench ${name}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, `${name}.bench.ts`)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    console.error(`bench ${name} failed (exit ${run.status})`);
  }
}

for (const path of writeResultsPages()) console.log(`wrote ${path}`);
process.exitCode = failed === 0 ? 0 : 1;
