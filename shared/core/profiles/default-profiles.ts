import type { ProfileSet } from '../types.js';
import defaultProfilesJson from './default-profiles.json' with { type: 'json' };
import { parseProfiles } from './profiles-format.js';

/**
 * The built-in profile set: fitted from the prototype's Orin (fitting_orin.txt) and FC (fitting_api_new.txt)
 * measurements with the default fit options, compiled in so the tools need no measurement file.
 * Regenerate with:
 *   node bin/edgebatch.js fit --edge data/seed/measurements/fitting_orin.txt \
 *     --serverless data/seed/measurements/fitting_api_new.txt --out shared/core/profiles/default-profiles.json
 * (test/core/profiles/default-profiles.test.ts checks that this reproduces the shipped file.)
 */
export const DEFAULT_PROFILES: ProfileSet = parseProfiles(JSON.stringify(defaultProfilesJson), 'default-profiles.json');
