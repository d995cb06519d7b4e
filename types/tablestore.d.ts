/**
 * Declarations for the parts of the `tablestore` 5.6.5 SDK this project uses (the package ships none). They
 * describe the SDK's real runtime shapes, read from its source (lib/client.js, lib/filter.js, lib/long.js,
 * lib/protocol/*): only what the state store adapter and the wire-level stand-in call.
 */
declare module 'tablestore' {
  namespace TableStore {
    /** int64-buffer's Int64LE: what `Long.fromNumber` builds and what INTEGER cells decode to. */
    interface Int64 {
      toNumber(): number;
      toString(radix?: number): string;
      toBuffer(): Buffer;
    }

    /** A cell value as the SDK maps it: string → STRING, number → DOUBLE, Int64 → INTEGER, Buffer → BINARY. */
    type CellValue = string | number | boolean | Buffer | Int64;
    /** One primary-key column or one attribute column: `{ name: value }`, optionally with `timestamp` (ms). */
    type ColumnObject = Record<string, CellValue>;

    interface ClientConfig {
      accessKeyId: string;
      /** Alias of accessKeySecret in the SDK. */
      secretAccessKey?: string;
      accessKeySecret?: string;
      /** STS token (alias securityToken). */
      stsToken?: string;
      securityToken?: string;
      /** Must start with http:// or https://. */
      endpoint: string;
      instancename: string;
      /** Written into a process-wide retry policy on every request (lib/request.js), not per client. */
      maxRetries?: number;
      httpOptions?: { timeout?: number; maxSockets?: number };
      logger?: { log(message: string): void } | null;
    }

    /** What the SDK rejects with: `code` is the HTTP status (error-shape bug) or e.g. 'NetworkingError'. */
    interface SdkError extends Error {
      code?: number | string;
      retryable?: boolean;
      headers?: Record<string, string | string[] | undefined>;
    }

    /** A decoded row; an absent row decodes as `{}`. */
    interface DecodedRow {
      primaryKey?: { name: string; value: string | Buffer | Int64 }[];
      attributes?: { columnName: string; columnValue: CellValue | null; timestamp: Int64 | null }[];
    }

    interface RowResponse {
      consumed: { capacityUnit: { read?: number; write?: number } };
      row: DecodedRow;
      RequestId?: string;
    }

    interface PrimaryKeySchemaParam {
      name: string;
      type: 'INTEGER' | 'STRING' | 'BINARY';
    }

    interface CreateTableParams {
      tableMeta: { tableName: string; primaryKey: PrimaryKeySchemaParam[] };
      reservedThroughput: { capacityUnit: { read: number; write: number } };
      tableOptions: { timeToLive: number; maxVersions: number };
    }

    interface DescribeTableResponse {
      tableMeta: { tableName: string; primaryKey: { name: string; type: number }[] };
      tableOptions: { timeToLive?: number; maxVersions?: number };
      tableStatus: number;
      RequestId?: string;
    }

    type UpdateOfAttributeColumns = (
      | { PUT: ColumnObject[] }
      | { DELETE: ColumnObject[] }
      | { DELETE_ALL: string[] }
      /** Atomic counter: adds each INTEGER value to its column (a missing column counts as 0). */
      | { INCREMENT: ColumnObject[] }
    )[];

    /** What a write answers with: `returnColumns` names the INCREMENT columns to return after the change. */
    interface ReturnContent {
      returnType: number;
      returnColumns?: string[];
    }

    class Client {
      constructor(config: ClientConfig);
      config: ClientConfig & { getCredentials(): { accessKeyId: string; secretAccessKey: string } };
      createTable(params: CreateTableParams): Promise<{ RequestId?: string }>;
      listTable(params: Record<string, never>): Promise<{ tableNames: string[]; RequestId?: string }>;
      describeTable(params: { tableName: string }): Promise<DescribeTableResponse>;
      deleteTable(params: { tableName: string }): Promise<{ RequestId?: string }>;
      getRow(params: {
        tableName: string;
        primaryKey: ColumnObject[];
        maxVersions?: number;
        columnsToGet?: string[];
      }): Promise<RowResponse>;
      putRow(params: {
        tableName: string;
        primaryKey: ColumnObject[];
        attributeColumns: ColumnObject[];
        /** Required in practice: encodePutRow crashes without one. */
        condition: Condition;
      }): Promise<RowResponse>;
      updateRow(params: {
        tableName: string;
        primaryKey: ColumnObject[];
        updateOfAttributeColumns: UpdateOfAttributeColumns;
        condition: Condition;
        returnContent?: ReturnContent;
      }): Promise<RowResponse>;
      deleteRow(params: { tableName: string; primaryKey: ColumnObject[]; condition: Condition }): Promise<RowResponse>;
    }

    abstract class ColumnCondition {
      getType(): number;
    }

    class SingleColumnCondition extends ColumnCondition {
      constructor(
        columnName: string,
        columnValue: CellValue,
        comparator: number,
        passIfMissing?: boolean,
        latestVersionOnly?: boolean,
      );
    }

    class CompositeCondition extends ColumnCondition {
      constructor(combinator: number);
      addSubCondition(condition: ColumnCondition): void;
    }

    class Condition {
      constructor(rowExistenceExpectation: number, columnCondition: ColumnCondition | null);
    }

    const RowExistenceExpectation: { readonly IGNORE: 0; readonly EXPECT_EXIST: 1; readonly EXPECT_NOT_EXIST: 2 };
    const ComparatorType: {
      readonly EQUAL: 1;
      readonly NOT_EQUAL: 2;
      readonly GREATER_THAN: 3;
      readonly GREATER_EQUAL: 4;
      readonly LESS_THAN: 5;
      readonly LESS_EQUAL: 6;
    };
    const LogicalOperator: { readonly NOT: 1; readonly AND: 2; readonly OR: 3 };
    /** ReturnContent.returnType (lib/metadata.js): RT_NONE, RT_PK, RT_AFTER_MODIFY on the wire. */
    const ReturnType: { readonly NONE: 0; readonly Primarykey: 1; readonly AfterModify: 2 };

    const Long: {
      fromNumber(value: number): Int64;
      fromString(value: string): Int64;
    };

    /** Byte cursor over a PlainBuffer (lib/protocol/plain_buffer_stream.js). */
    class PlainBufferInputStream {
      constructor(data: { buffer: Uint8Array; offset: number; limit: number });
      isAtEnd(): boolean;
      readTag(): number;
      getLastTag(): number;
      checkLastTagWas(tag: number): boolean;
      readRawByte(): number;
      readInt32(): number;
      readRawLittleEndian32(): number;
      readInt64(): Int64;
      readDoubleAndInt64(): { doubleVal: number; int64LE: Int64 };
      readBoolean(): boolean;
      readBytes(size: number): Buffer;
      readUtfString(size: number): string;
    }

    /** The SDK's row reader. Its readColumn throws on TAG_CELL_TYPE (`cell_type is not defined`). */
    class PlainBufferCodedInputStream {
      constructor(input: PlainBufferInputStream);
      readRow(): Required<DecodedRow>;
      readTag(): number;
      readHeader(): number;
    }

    const PlainBufferBuilder: {
      serializeForPutRow(primaryKey: ColumnObject[], attributeColumns: ColumnObject[]): Buffer;
      serializePrimaryKey(primaryKey: ColumnObject[]): Buffer;
      serializeColumnValue(value: CellValue): Buffer;
    };

    const plainBufferCrc8: {
      crcInt8(crc: number, byte: number): number;
      crcInt32(crc: number, value: number): number;
      crcInt64Buf(crc: number, bytes: Uint8Array): number;
      crcString(crc: number, value: string | Uint8Array): number;
    };

    const plainBufferConsts: {
      readonly HEADER: number;
      readonly TAG_ROW_PK: number;
      readonly TAG_ROW_DATA: number;
      readonly TAG_CELL: number;
      readonly TAG_CELL_NAME: number;
      readonly TAG_CELL_VALUE: number;
      readonly TAG_CELL_TYPE: number;
      readonly TAG_CELL_TIMESTAMP: number;
      readonly TAG_DELETE_ROW_MARKER: number;
      readonly TAG_ROW_CHECKSUM: number;
      readonly TAG_CELL_CHECKSUM: number;
      readonly DELETE_ALL_VERSION: number;
      readonly DELETE_ONE_VERSION: number;
      readonly INCREMENT: number;
      readonly VT_INTEGER: number;
      readonly VT_DOUBLE: number;
      readonly VT_BOOLEAN: number;
      readonly VT_STRING: number;
      readonly VT_BLOB: number;
    };

    /** Process-wide retry knobs (lib/retry/default_retry_policy.js). */
    const DefaultRetryPolicy: { maxRetryTimes: number; maxRetryDelay: number };
  }

  export = TableStore;
}

/** The SDK's protobufjs static module: `main` (tablestore.proto) and `filter` (tablestore_filter.proto). */
declare module 'tablestore/lib/protocol/tablestore_compiled_proto.js' {
  /** An int64 field as protobufjs decodes it (a `long` Long when that package is present). */
  type ProtoInt64 = number | { toNumber(): number };

  interface MessageType<T> {
    decode(bytes: Uint8Array): T;
    encode(message: T): { finish(): Uint8Array };
    create(properties?: Partial<T>): T;
  }

  interface OtsError {
    code: string;
    message?: string;
  }
  interface PrimaryKeySchema {
    name: string;
    type: number;
    option?: number;
  }
  interface TableMeta {
    tableName: string;
    primaryKey: PrimaryKeySchema[];
  }
  interface CapacityUnit {
    read?: number;
    write?: number;
  }
  interface TableOptions {
    timeToLive?: number;
    maxVersions?: number;
    deviationCellVersionInSec?: ProtoInt64;
  }
  interface Condition {
    rowExistence: number;
    columnCondition?: Uint8Array;
  }
  interface ConsumedCapacity {
    capacityUnit: CapacityUnit;
  }

  namespace root {
    namespace main.proto {
      const Error: MessageType<OtsError>;
      const CreateTableRequest: MessageType<{
        tableMeta: TableMeta;
        reservedThroughput: { capacityUnit: CapacityUnit };
        tableOptions?: TableOptions;
      }>;
      const CreateTableResponse: MessageType<Record<string, never>>;
      const ListTableRequest: MessageType<Record<string, never>>;
      const ListTableResponse: MessageType<{ tableNames: string[] }>;
      const DescribeTableRequest: MessageType<{ tableName: string }>;
      const DescribeTableResponse: MessageType<{
        tableMeta: TableMeta;
        reservedThroughputDetails: { capacityUnit: CapacityUnit; lastIncreaseTime: ProtoInt64 };
        tableOptions: TableOptions;
        tableStatus: number;
      }>;
      const DeleteTableRequest: MessageType<{ tableName: string }>;
      const DeleteTableResponse: MessageType<Record<string, never>>;
      const GetRowRequest: MessageType<{
        tableName: string;
        primaryKey: Uint8Array;
        columnsToGet: string[];
        maxVersions?: number;
        filter?: Uint8Array;
      }>;
      const GetRowResponse: MessageType<{ consumed: ConsumedCapacity; row: Uint8Array }>;
      const PutRowRequest: MessageType<{ tableName: string; row: Uint8Array; condition: Condition }>;
      const PutRowResponse: MessageType<{ consumed: ConsumedCapacity; row?: Uint8Array }>;
      const UpdateRowRequest: MessageType<{
        tableName: string;
        rowChange: Uint8Array;
        condition: Condition;
        returnContent?: { returnType?: number; returnColumnNames?: string[] };
      }>;
      const UpdateRowResponse: MessageType<{ consumed: ConsumedCapacity; row?: Uint8Array }>;
      const DeleteRowRequest: MessageType<{ tableName: string; primaryKey: Uint8Array; condition: Condition }>;
      const DeleteRowResponse: MessageType<{ consumed: ConsumedCapacity; row?: Uint8Array }>;
      const PrimaryKeyType: { readonly INTEGER: 1; readonly STRING: 2; readonly BINARY: 3 };
      const TableStatus: { readonly ACTIVE: 1 };
    }
    namespace filter.proto {
      const Filter: MessageType<{ type: number; filter: Uint8Array }>;
      const SingleColumnValueFilter: MessageType<{
        comparator: number;
        columnName: string;
        columnValue: Uint8Array;
        filterIfMissing: boolean;
        latestVersionOnly: boolean;
      }>;
      const CompositeColumnValueFilter: MessageType<{
        combinator: number;
        subFilters: { type: number; filter: Uint8Array }[];
      }>;
      const FilterType: {
        readonly FT_SINGLE_COLUMN_VALUE: 1;
        readonly FT_COMPOSITE_COLUMN_VALUE: 2;
        readonly FT_COLUMN_PAGINATION: 3;
      };
    }
  }

  export = root;
}
