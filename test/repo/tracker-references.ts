/**
 * Finds references a clone cannot follow: to a design document the repository does not carry, or to an issue
 * tracker it does not have. A comment or doc must say the reason itself, not point at where it was written.
 */
export interface TrackerReference {
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

const POINTERS: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /\bDESIGN(?:\.md\b|\s+[Ss]ection\b|\s*§|\s*:)/g, why: 'points at a design document the repository does not have' },
  { pattern: /\b[Ii]ssues?\s+#?\d+\b/g, why: 'points at an issue tracker the repository does not have' },
];

export function trackerReferences(text: string): TrackerReference[] {
  const found: TrackerReference[] = [];
  text.split('\n').forEach((lineText, index) => {
    for (const { pattern, why } of POINTERS) {
      for (const match of lineText.matchAll(pattern)) found.push({ line: index + 1, text: lineText.trim().slice(0, 160), why: `"${match[0]}" ${why}` });
    }
  });
  return found;
}
