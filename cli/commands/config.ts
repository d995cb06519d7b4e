import { existsSync } from 'node:fs';
import { EXIT, InputError, UsageError, type Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { ENV_BINDINGS } from '../../shared/protocol/config-env.js';
import { loadSchedulerConfig } from '../../shared/protocol/config-load.js';
import { redactConfig } from '../../shared/protocol/config-redact.js';

const envTable = ENV_BINDINGS.map((b) => `  ${b.env.padEnd(32)}${b.path.join('.')}${b.fallback ? ' (fall-back)' : ''}`).join('\n');

const usage = `Usage: edgebatch config check [--file FILE] [--env]

Validates a scheduler configuration without starting anything, and prints the
effective configuration (defaults filled in, secrets shown as "[redacted]") or
every problem as "<key> (<source>): Expected X, got Y".

Options:
  --file FILE   JSON configuration file (default: $CONFIG_FILE when --env is given)
  --env         lay this process's environment over the file, as the scheduler does
  -h, --help    this text

Exit codes: 0 valid, 1 invalid, 2 bad usage, 3 the file cannot be read or is not JSON.

Environment variables (with --env; they win over the file):
${envTable}
  CONFIG_FILE                     the JSON file, when --file is not given`;

export const command: Command = {
  summary: 'Validate a scheduler configuration (file and/or environment) and print it, secrets redacted',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { file: { type: 'string' }, env: { type: 'boolean' } }, true);
    if (positionals.length !== 1 || positionals[0] !== 'check') {
      throw new UsageError(`Expected the subcommand "check", got ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')}`);
    }
    const env = values.env ? process.env : {};
    const file = values.file ?? (values.env ? process.env.CONFIG_FILE?.trim() || undefined : undefined);
    if (file !== undefined && !existsSync(file)) throw new InputError(`config file ${file}: Expected a readable file, got nothing at that path`);
    const result = loadSchedulerConfig({ env, file });
    if (!result.ok) {
      // A file that is not JSON is unreadable input (exit 3); anything else is an invalid configuration.
      if (result.errors.length === 1 && /^config file .*: Expected (JSON|a readable file|a JSON object)/.test(result.errors[0]!)) {
        throw new InputError(result.errors[0]!);
      }
      console.error(`Invalid configuration (${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}):`);
      for (const line of result.errors) console.error(`  ${line}`);
      return EXIT.failed;
    }
    console.log(JSON.stringify(redactConfig(result.config), null, 2));
    const sources = [result.file ? `file ${result.file}` : 'no file', result.envKeys.length ? `env ${result.envKeys.join(', ')}` : 'no environment variables'];
    console.error(`Configuration valid (${sources.join('; ')}).`);
    return EXIT.ok;
  },
};
