/** Turns zod issues into the project's "Expected X, got Y" messages, with the field's path in front. */
import type { z } from 'zod';
import { expected } from '../core/errors.js';

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  // zod's own messages read "Invalid input: expected int, received number"; keep what it expected.
  const match = /expected (.*?)(?:, received .*)?$/i.exec(issue.message);
  const what = match ? match[1]! : issue.message;
  return expected(what, (issue as { input?: unknown }).input);
}

export function formatZodIssues(issues: readonly z.core.$ZodIssue[], max = 3): string {
  const lines = issues.slice(0, max).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `${path}: ${describe(issue)}`;
  });
  if (issues.length > max) lines.push(`and ${issues.length - max} more`);
  return lines.join('; ');
}
