/** What every `edgebatch` subcommand module exports. */
export interface Command {
  /** One line for `edgebatch --help`. */
  readonly summary: string;
  /** Full usage text for `edgebatch <name> --help`. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code (see README "Exit codes"). */
  run(argv: readonly string[]): Promise<number>;
}

/** Exit codes shared by all commands. */
export const EXIT = {
  ok: 0,
  /** The command ran but its result is a failure (an infeasible plan, a failed check). */
  failed: 1,
  /** Bad usage: unknown option, missing or malformed argument. */
  usage: 2,
  /** An input file could not be read or parsed. */
  input: 3,
} as const;

/** Thrown for bad usage; the dispatcher prints the message and the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Thrown when an input file is missing or malformed; exit 3. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
