export { DEFAULT_PRICES, type Price, type PriceTable } from './prices.js';
export { activeCuPerSecond, coldStartCostUsd, edgeCostUsd, serverlessCallCostUsd, warmIdleUsdPerSecond } from './cost.js';
