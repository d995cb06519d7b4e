import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes one benchmark's results as bench/results/<name>.json (data) and <name>.md (for README and summary). */
export function writeBenchResult(name: string, data: unknown, markdown: string): void {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(data, null, 2) + '\n');
  writeFileSync(join(dir, `${name}.md`), markdown.trim() + '\n');
}

/** A markdown table from a header row and data rows. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The pages the benches' markdown parts are joined into: the raw summary beside them, and the results page. */
export type ResultsPage = 'summary' | 'docs';

/** Where each page is written. */
export const RESULTS_PAGE_PATHS: Readonly<Record<ResultsPage, string>> = {
  summary: join(import.meta.dirname, 'results', 'summary.md'),
  docs: join(import.meta.dirname, '..', 'docs', 'results.md'),
};

/**
 * One page: the benches' markdown parts (bench/results/<name>.md, all but summary.md, by name) as they are, under a
 * header saying when, on which node and on what machine. A part that was not re-run keeps its last run's figures.
 */
export function resultsPage(page: ResultsPage, now: Date = new Date()): string {
  const resultsDir = join(import.meta.dirname, 'results');
  const parts = readdirSync(resultsDir)
    .filter((file) => file.endsWith('.md') && file !== 'summary.md')
    .sort()
    .map((file) => readFileSync(join(resultsDir, file), 'utf8').trim());
  const when = now.toISOString();
  const cpu = cpus()[0]?.model.trim();
  const machine = `this machine: ${availableParallelism()} cores${cpu ? `, ${cpu}` : ''}`;
  const header =
    page === 'summary'
      ? `# Benchmark results\n\nProduced by \`npm run bench\` on ${when} (node ${process.version}, ${machine}).`
      : [
          '# Results',
          '',
          `Written by \`npm run bench\` (\`bench/run.ts\`) on ${when} with node ${process.version}; ${machine}.`,
          'Every figure below was produced by the command written beside it, on this machine unless its part was not',
          're-run: `npm run bench` runs every benchmark, `npm run bench -- NAME` only the ones named, and a part not',
          're-run keeps the figures of its last run. The parts are the files `bench/results/NAME.md`, joined as they',
          "are. Timings move with the machine's other load.",
        ].join('\n');
  return [header, ...parts].join('\n\n') + '\n';
}

/** Writes both pages (after `npm run bench`); returns the paths written. */
export function writeResultsPages(now: Date = new Date()): string[] {
  const pages: ResultsPage[] = ['summary', 'docs'];
  for (const page of pages) {
    mkdirSync(dirname(RESULTS_PAGE_PATHS[page]), { recursive: true });
    writeFileSync(RESULTS_PAGE_PATHS[page], resultsPage(page, now));
  }
  return pages.map((page) => RESULTS_PAGE_PATHS[page]);
}
