import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, type ErrorCode } from '../shared/core/errors.js';
import { EXIT, InputError, UsageError, type Command } from './command.js';

/**
 * Subcommands are the modules in cli/commands/ (each exports `command`), found by name and loaded on demand
 * so that `edgebatch plan` does not pay for onnxruntime.
 */
const COMMANDS_DIR = join(import.meta.dirname, 'commands');
const COMMAND_NAMES = readdirSync(COMMANDS_DIR)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => file.slice(0, -3))
  .sort();

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!COMMAND_NAMES.includes(name)) return undefined;
  const module = (await import(join(COMMANDS_DIR, `${name}.ts`))) as { command: Command };
  return module.command;
}

async function printOverview(): Promise<void> {
  const lines = ['Usage: edgebatch <command> [options]', '', 'Commands:'];
  for (const name of COMMAND_NAMES) {
    const command = await loadCommand(name);
    lines.push(`  ${name.padEnd(14)}${command?.summary ?? ''}`);
  }
  lines.push('', 'Run `edgebatch <command> --help` for its options.');
  lines.push('Exit codes: 0 ok, 1 the result is a failure, 2 bad usage, 3 unreadable input.');
  console.log(lines.join('\n'));
}

/**
 * The core's errors as exit codes: what the user gave (an option, a file, a window) is bad usage, a well-formed
 * but unsatisfiable request is a failed result, and the program's own faults (internal, or a lane or store
 * that failed) are undefined here: they propagate with their stack.
 */
export function exitCodeOf(code: ErrorCode): number | undefined {
  switch (code) {
    case 'infeasible':
      return EXIT.failed;
    case 'internal':
    case 'lane_failed':
    case 'no_lane':
    case 'store_unavailable':
    case 'deadline_exceeded':
      return undefined;
    default:
      return EXIT.usage;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await printOverview();
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = await loadCommand(name);
  if (!command) {
    console.error(`edgebatch: unknown command "${name}". Expected one of: ${COMMAND_NAMES.join(', ')}.`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`edgebatch ${name}: ${error.message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    if (error instanceof InputError) {
      console.error(`edgebatch ${name}: ${error.message}`);
      return EXIT.input;
    }
    const exit = error instanceof EngineError ? exitCodeOf(error.code) : undefined;
    if (exit !== undefined) {
      console.error(`edgebatch ${name}: ${error instanceof Error ? error.message : String(error)}`);
      return exit;
    }
    throw error;
  }
}

// Run directly (`tsx cli/edgebatch.ts ...`, as npm scripts do); bin/edgebatch.js imports `main` instead.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
