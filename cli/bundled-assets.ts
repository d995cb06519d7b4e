import { join } from 'node:path';

/** The inputs shipped in cli/assets (see its README): what `npm start`, `chaos` and the benches use by default. */
const ASSETS = join(import.meta.dirname, 'assets');
export const BUNDLED_ARRIVALS = join(ASSETS, 'traces', 'twitter-may25-15h-first-10min.txt');
export const BUNDLED_EDGE_LINK = join(ASSETS, 'traces', 'ghent-4g-car-0001.txt');
export const BUNDLED_IMAGES_DIR = join(ASSETS, 'images');
