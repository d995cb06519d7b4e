import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
