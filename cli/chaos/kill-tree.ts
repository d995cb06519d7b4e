/**
 * Kills a process and every process under it with SIGKILL. The local stack's children are `tsx` launchers whose
 * own child runs the code: SIGKILL on the launcher alone leaves that grandchild serving (it cannot relay a
 * KILL), so a "dead" edge agent would go on answering. Linux /proc lists the children; elsewhere only the
 * process itself is killed.
 */
import { readFileSync } from 'node:fs';

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((text) => text !== '')
      .map(Number);
  } catch {
    return [];
  }
}

export function killTree(pid: number): void {
  // Children first, collected before anything dies (an orphan is re-parented and would drop out of the list).
  const all: number[] = [];
  const walk = (id: number) => {
    for (const child of childrenOf(id)) walk(child);
    all.push(id);
  };
  walk(pid);
  for (const id of all) {
    try {
      process.kill(id, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
