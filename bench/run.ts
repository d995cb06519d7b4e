/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (one at a time, so they do not compete for
 * the two cores), each writing bench/results/<name>.json and <name>.md; then joins the markdown parts into
 * bench/results/summary.md. `npm run bench -- queue bocpd` runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const benchDir = import.meta.dirname;
const resultsDir = join(benchDir, 'results');
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

const parts = readdirSync(resultsDir)
  .filter((file) => file.endsWith('.md') && file !== 'summary.md')
  .sort()
  .map((file) => readFileSync(join(resultsDir, file), 'utf8').trim());
const header = `# Benchmark results\n\nProduced by \`npm run bench\` on ${new Date().toISOString()} (node ${process.version}, this machine: 2 cores).\n`;
writeFileSync(join(resultsDir, 'summary.md'), [header, ...parts].join('\n\n') + '\n');
console.log(`\nwrote ${join(resultsDir, 'summary.md')}${existsSync(resultsDir) ? '' : ''}`);
process.exitCode = failed === 0 ? 0 : 1;
