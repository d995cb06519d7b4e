import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import TableStore from 'tablestore';
import { EngineError } from '../../shared/core/errors.js';
import { createTablestoreClient } from '../../functions/scheduler/store/tablestore-client.js';
import {
  describeTablestoreError,
  isConditionCheckFailure,
  toStoreUnavailable,
} from '../../functions/scheduler/store/tablestore-errors.js';
import { startTablestoreStandin, type TablestoreStandin } from '../../functions/scheduler/store/tablestore-standin/server.js';

/** What the SDK 5.6.5 rejects with (docs section 5): code = HTTP status, message = protobuf bytes + requestId. */
function sdkError(status: number, message: string): Error {
  return Object.assign(new Error(message), { code: status });
}

describe('Tablestore error shape', () => {
  it('reads the exact shape recorded in the platform notes', () => {
    const err = sdkError(403, '\n\u0015OTSConditionCheckFail\u0012\u0017Condition check failed. requestId:rid-1');
    expect(describeTablestoreError(err)).toEqual({
      httpStatus: 403,
      otsCode: 'OTSConditionCheckFail',
      message: 'Condition check failed.',
      requestId: 'rid-1',
      network: false,
    });
    expect(isConditionCheckFailure(err)).toBe(true);
  });

  it('recovers the code and text when a length byte >= 128 was mangled by UTF-8 decoding', () => {
    const text = 'x'.repeat(200);
    // Protobuf: field 2 length 200 is the varint C8 01; the SDK's body.toString() turns C8 into U+FFFD.
    const body = Buffer.concat([Buffer.from('\n\u0013OTSParameterInvalid\u0012'), Buffer.from([0xc8, 0x01]), Buffer.from(text)]);
    const err = sdkError(400, `${body.toString()} requestId:rid-2`);
    expect(describeTablestoreError(err)).toMatchObject({ httpStatus: 400, otsCode: 'OTSParameterInvalid', message: text, requestId: 'rid-2' });
    expect(isConditionCheckFailure(err)).toBe(false);
  });

  it('accepts a fixed SDK that puts the OTS code in err.code, and network errors', () => {
    expect(isConditionCheckFailure(Object.assign(new Error('Condition check failed.'), { code: 'OTSConditionCheckFail' }))).toBe(true);
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'NetworkingError' });
    expect(describeTablestoreError(network)).toEqual({ message: 'connect ECONNREFUSED 127.0.0.1:1', network: true });
    const mapped = toStoreUnavailable(network, 'read state "plan"');
    expect(mapped).toBeInstanceOf(EngineError);
    expect(mapped).toMatchObject({ code: 'store_unavailable', retryable: true });
    expect(mapped.message).toBe('Could not read state "plan": no answer from Tablestore: connect ECONNREFUSED 127.0.0.1:1');
  });

  describe('as the stand-in produces it through the real SDK', () => {
    let standin: TablestoreStandin;
    beforeAll(async () => {
      standin = await startTablestoreStandin();
    });
    afterAll(async () => {
      await standin.close();
    });

    it('is the documented shape, and is recognised', async () => {
      const client = createTablestoreClient({ endpoint: standin.endpoint, instanceName: standin.instanceName, accessKeyId: 'a', accessKeySecret: 'b' });
      await client.createTable({
        tableMeta: { tableName: 't', primaryKey: [{ name: 'id', type: 'STRING' }] },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
        tableOptions: { timeToLive: -1, maxVersions: 1 },
      });
      const notExist = new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null);
      const put = () => client.putRow({ tableName: 't', primaryKey: [{ id: 'r' }], attributeColumns: [{ a: 'b' }], condition: notExist });
      await put();
      const err = await put().then(
        () => undefined,
        (reason: unknown) => reason as Error & { code: unknown },
      );
      expect(err?.code).toBe(403);
      expect(err?.message).toMatch(/^\n\u0015OTSConditionCheckFail\u0012\u0017Condition check failed\. requestId:standin-\d+$/);
      expect(isConditionCheckFailure(err)).toBe(true);
    });
  });
});
