/** Input files for the commands: paths to text, and core parse errors to InputError (exit 3) naming the file. */
import { EngineError } from '../shared/core/errors.js';
import { InputError } from './command.js';
import { readTextFile } from './text-file.js';

/** The text of `path` (gunzipped when it is gzip); a missing, unreadable or corrupt file is an InputError. */
export function readText(path: string, what: string): string {
  try {
    return readTextFile(path);
  } catch (error) {
    throw new InputError(`cannot read ${what} "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Runs a core parser; its EngineError (bad content) becomes an InputError. */
export function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof EngineError) throw new InputError(error.message);
    throw error;
  }
}
