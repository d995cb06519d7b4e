/**
 * Turns zod issues into the project's one message style, "<path>: Expected X, got Y" (what errors.ts's `expected` writes), so
 * a bad configuration file, environment variable or request body reads the same everywhere. zod's own
 * messages ("Invalid input: expected number, received string") are replaced, not wrapped.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** `server.port`, `lanes.edge.urls[2]`; `(root)` for the whole value. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** What the value was, for "got ...": short JSON for scalars, the kind for containers. */
function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return `an array of ${input.length}`;
  if (typeof input === 'object') return 'an object';
  const shown = typeof input === 'string' ? JSON.stringify(input) : String(input);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

function got(issue: Issue): string {
  return describeInput(issue.input);
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

function sizeWord(origin: string, bound: number | bigint, inclusive: boolean | undefined, below: boolean): string {
  const op = below ? (inclusive === false ? '>' : '>=') : inclusive === false ? '<' : '<=';
  if (origin === 'string') return `a string of ${below ? 'at least' : 'at most'} ${bound} characters`;
  if (origin === 'array' || origin === 'set') return `${below ? 'at least' : 'at most'} ${bound} items`;
  return `${origin === 'int' ? 'an integer' : 'a number'} ${op} ${bound}`;
}

function inputLength(input: unknown): string {
  if (typeof input === 'string') return `${input.length} characters`;
  if (Array.isArray(input)) return `${input.length} items`;
  return describeInput(input);
}

/** One issue as "Expected X, got Y" (without the path). */
export function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `Expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, got ${got(issue)}`;
    case 'too_small':
      return `Expected ${sizeWord(issue.origin, issue.minimum, issue.inclusive, true)}, got ${
        issue.origin === 'string' || issue.origin === 'array' ? inputLength(issue.input) : got(issue)
      }`;
    case 'too_big':
      return `Expected ${sizeWord(issue.origin, issue.maximum, issue.inclusive, false)}, got ${
        issue.origin === 'string' || issue.origin === 'array' ? inputLength(issue.input) : got(issue)
      }`;
    case 'invalid_value':
      return `Expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}, got ${got(issue)}`;
    case 'invalid_format':
      return `Expected ${issue.format === 'regex' ? `a string matching ${issue.pattern ?? 'the pattern'}` : `a valid ${issue.format}`}, got ${got(issue)}`;
    case 'not_multiple_of':
      return `Expected a multiple of ${issue.divisor}, got ${got(issue)}`;
    case 'unrecognized_keys':
      // Reported per key by formatIssues; this is the fallback for a single message.
      return `Expected only known keys, got unknown ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_union':
      return `Expected one of the allowed shapes, got ${got(issue)}`;
    default:
      // custom refinements write their own "Expected X, got Y" message.
      return issue.message;
  }
}

/** Every issue as "<path>: Expected X, got Y"; an unknown key becomes one line per key. */
export type IssueLabel = (path: readonly PropertyKey[], issue: Issue) => string;

export function formatIssues(issues: readonly Issue[], label: IssueLabel = formatIssuePath): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        lines.push(`${label([...issue.path, key], issue)}: Expected no such key (unknown keys are rejected), got ${JSON.stringify(key)}`);
      }
      continue;
    }
    lines.push(`${label(issue.path, issue)}: ${describeIssue(issue)}`);
  }
  return lines;
}

/**
 * Parses with `schema`, returning the value or the formatted lines. `reportInput` makes zod keep each bad
 * value on its issue, which "got Y" needs.
 */
export function safeParseFormatted<S extends z.ZodType>(
  schema: S,
  value: unknown,
  label?: IssueLabel,
): { ok: true; value: z.output<S> } | { ok: false; errors: string[] } {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: formatIssues(result.error.issues, label) };
}
