/**
 * What every entry of @s2/core exports: connect(), pools, options, errors, types. The entries
 * differ only in the runtime setup they run first (see runtime/).
 */
export { connect, registerDriver, type DriverFactory } from './connect.js';
export { isMissingModule, MissingPackageError } from './drivers/missing-package.js';
export { acceleratorStatus as nativeStatus } from './drivers/decoder.js';
export { Connection, DEFAULT_FRAME_ROWS, type QueryOptions, type ExecuteResult, type StreamFramesOptions } from './connection/connection.js';
export { loadStatement, type LoadOptions, type LoadResult, type LoadSource, type LoadRow, type ArrowTableLike, type PolarsFrameLike } from './load/index.js';
export { Cursor, type ExecuteOptions, type ExecutemanyOptions } from './connection/cursor.js';
export { createPool, Pool, PooledConnection, type PoolOptions } from './pool/pool.js';
export { ShowAccessor, ShowResult } from './accessors/show.js';
export { VariableAccessor, type VariableScope } from './accessors/variables.js';
export type { CursorSession, Queryable, RowCursor, StatementOptions, StatementSummary } from './session/types.js';
export { registerResultFormat, uniqueColumnNames, type ResultFormat, type PreparedFormat, type NamedRow } from './results/formats.js';
export { rowsToColumns, type ColumnsFrame, type ColumnVector, type ColumnVectorType } from './results/columns.js';
export { parseConnectionUrl, resolveConnectParams, type ConnectOptions, type ResolvedConnectParams, type ResultsType } from './params/index.js';
export { currentQueryOptions, withQueryOptions, type S2QueryOptions } from './params/query-scope.js';
export { changedRowsOf } from './connection/changed-rows.js';
export {
  // errors
  MySQLError,
  S2Error,
  S2Warning,
  InterfaceError,
  OptionError,
  DatabaseError,
  InternalError,
  OperationalError,
  ProgrammingError,
  ParameterError,
  IntegrityError,
  DataError,
  DecodeError,
  NotSupportedError,
  ManagementError,
  errorClasses,
  errorCodeName,
  S2_VERSION,
  ClientErrorCode,
  // constants
  FieldType,
  ColumnFlag,
  ServerStatus,
  Capability,
  VectorElementType,
  ExtendedType,
  BINARY_CHARSET,
  // options
  options,
  withOptions,
  type OptionDescription,
  // values
  SqlDateTime,
  SqlTime,
  vectorJson,
  escapeLiteral,
  formatQuery,
  // DB-API types
  ColumnType,
  DBAPIType,
  STRING,
  BINARY,
  NUMBER,
  DATETIME,
  ROWID,
  DateValue,
  Timestamp,
  Binary,
  DateFromTicks,
  TimestampFromTicks,
  Time,
  // types of the contract
  type ColumnDefinition,
  type ColumnDescription,
  type DecodeOptions,
  type InfileSource,
  type QueryParams,
  type AcceleratorStatus,
  type BatchDecoder,
} from '@s2/base';
