/**
 * The contract against a REAL Tablestore instance. It runs only when these are set, and is otherwise absent
 * from the run (not a hidden failure):
 *   TABLESTORE_ENDPOINT   https://<instance>.<region>.ots.aliyuncs.com
 *   TABLESTORE_INSTANCE   <instance>
 *   ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS)
 *   TABLESTORE_TEST_TABLE optional, default edgebatch_state_test (created if missing; rows are removed after)
 */
import { describe } from 'vitest';
import { tablestoreConnection } from '../../functions/scheduler/build-store.js';
import { loadSchedulerConfigOrThrow } from '../../shared/protocol/config-load.js';
import { runStateStoreContract } from './state-store.contract.js';
import { tablestoreBacking } from './support/tablestore-backing.js';

const LIVE = Boolean(
  process.env.TABLESTORE_ENDPOINT &&
    process.env.TABLESTORE_INSTANCE &&
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID &&
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
);

describe.runIf(LIVE)('live Tablestore instance (TABLESTORE_ENDPOINT and credentials set)', () => {
  const table = process.env.TABLESTORE_TEST_TABLE ?? 'edgebatch_state_test';
  // Read as the scheduler reads it: the one config loader, with the store kind and a loopback host set here.
  const connection = () => tablestoreConnection(loadSchedulerConfigOrThrow({ env: { ...process.env, STORE: 'tablestore', HOST: '127.0.0.1' } }))!;
  runStateStoreContract(`Tablestore adapter, live table ${table}`, () => tablestoreBacking({ ...connection(), timeoutMs: 10_000, maxRetries: 2 }, table));
});
