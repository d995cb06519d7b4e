/**
 * A small parser of the Prometheus text exposition format (version 0.0.4), written for the tests from the
 * format's description, independent of prom-client: HELP/TYPE comments and `name{label="value",...} number`.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly help: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (!Number.isFinite(value) && !Number.isNaN(value)) throw new Error(`bad value ${text}`);
  return value;
}

export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (comment) {
      (comment[1] === 'TYPE' ? types : help).set(comment[2]!, comment[3]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (match[2]) {
      LABEL.lastIndex = 0;
      let consumed = 0;
      for (let m = LABEL.exec(match[2]); m; m = LABEL.exec(match[2])) {
        labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        consumed = LABEL.lastIndex;
      }
      if (consumed !== match[2].length) throw new Error(`bad labels: ${match[2]}`);
    }
    samples.push({ name: match[1]!, labels, value: parseValue(match[3]!) });
  }
  return { types, help, samples };
}

/** The one sample with this name and exactly these labels (undefined if none). */
export function find(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const keys = Object.keys(labels);
  const hit = exposition.samples.filter(
    (s) => s.name === name && Object.keys(s.labels).length === keys.length && keys.every((k) => s.labels[k] === labels[k]),
  );
  if (hit.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matched ${hit.length} samples`);
  return hit[0]?.value;
}
