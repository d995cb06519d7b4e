/**
 * Every price the engine uses, each with its unit, source and date: the planner's cost model compares lanes by
 * these. FC prices come from Alibaba Cloud's public Function Compute 3.0 billing pages (since 2024-08-27 every
 * resource is billed as CU usage). Config may replace any of them; nothing else in the engine hard-codes a price.
 */
export interface Price {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  /** When the source published it (or when the assumption was made), ISO date. */
  readonly date: string;
}

export interface PriceTable {
  /** USD per compute unit (CU), FC 3.0 first tier. */
  readonly usdPerCu: Price;
  /** CU per active vCPU-second. */
  readonly cuPerVcpuSecond: Price;
  /** CU per GB-second of memory. */
  readonly cuPerGbSecond: Price;
  /** CU per invocation (75 CU per 10,000 calls). */
  readonly cuPerCall: Price;
  /** The edge box's amortised cost, USD per hour, paid whether or not it is busy. */
  readonly edgeUsdPerHour: Price;
}

const FC_BILLING = 'Alibaba Cloud Function Compute 3.0 "Pay-as-you-go billing" (international site, USD list price, tier (0, 100M] CU/month)';

export const DEFAULT_PRICES: PriceTable = {
  usdPerCu: { value: 0.00002, unit: 'USD/CU', source: FC_BILLING, date: '2024-08-27' },
  cuPerVcpuSecond: { value: 1, unit: 'CU/(vCPU*s)', source: FC_BILLING, date: '2024-08-27' },
  cuPerGbSecond: { value: 0.15, unit: 'CU/(GB*s)', source: FC_BILLING, date: '2024-08-27' },
  cuPerCall: { value: 75 / 10_000, unit: 'CU/call', source: `${FC_BILLING}: 75 CU per 10,000 invocations`, date: '2024-08-27' },
  edgeUsdPerHour: {
    value: 0.08,
    unit: 'USD/h',
    // Why 0.08: a Jetson AGX Orin 64 GB developer kit at its USD 1,999 launch list price, straight-line over
    // 3 years of 24/7 use = 0.076 USD/h, plus ~40 W at USD 0.15/kWh = 0.006 USD/h. An assumption: set yours.
    source: 'assumption: Jetson AGX Orin dev kit USD 1,999 list over 3 years 24/7 (0.076/h) + 40 W at USD 0.15/kWh (0.006/h)',
    date: '2025-01-01',
  },
};
