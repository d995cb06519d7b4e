import { join } from 'node:path';

/**
 * Inputs from the repository's data/ folder (data/README.md gives their sources) that `npm start`, `chaos`,
 * `loadgen` and the benches use when given none: real traffic, a real link and the prototype's real payload.
 */
const DATA = join(import.meta.dirname, '..', 'data');
/** The first 10 minutes (27,810 requests) of the Twitter hour: long enough for any default run, quick to read. */
export const BUNDLED_ARRIVALS = join(DATA, 'seed', 'workload', 'TW_may25_15-16_first-10min.gz');
/** A Ghent University 4G/LTE log recorded in a car. */
export const BUNDLED_EDGE_LINK = join(DATA, 'seed', 'bandwidth', 'report_car_0001.log');
export const BUNDLED_IMAGES_DIR = join(DATA, 'seed', 'images');
/** The 381x499, 24 KB JPEG the original prototype sent with every request. */
export const BUNDLED_IMAGE = join(BUNDLED_IMAGES_DIR, '1.jpg');
