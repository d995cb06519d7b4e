/**
 * `PUT /v1/config` at run time: the patch is validated on its own (RuntimeConfigPatchSchema), merged over the
 * running configuration, and the result validated again as a whole, so cross-field rules (the longest wait
 * no longer than the SLO) hold after every change as they did at start.
 */
import { EngineError } from '../core/errors.js';
import { RuntimeConfigPatchSchema, SchedulerConfigSchema, type SchedulerConfig } from './config.js';
import { safeParseFormatted } from './config-issues.js';
import { mergeConfig } from './config-load.js';

/** The new configuration, or EngineError `invalid_input` listing the problems. */
export function applyConfigPatch(current: SchedulerConfig, body: unknown): SchedulerConfig {
  const patch = safeParseFormatted(RuntimeConfigPatchSchema, body);
  if (!patch.ok) throw new EngineError('invalid_input', patch.errors.join('; '));
  const merged = safeParseFormatted(SchedulerConfigSchema, mergeConfig(current, patch.value));
  if (!merged.ok) throw new EngineError('invalid_input', merged.errors.join('; '));
  return merged.value;
}
