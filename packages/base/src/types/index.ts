export { DBAPIType, ColumnType, STRING, BINARY, NUMBER, DATETIME, ROWID, DateValue, Timestamp, Binary, DateFromTicks, TimestampFromTicks } from './dbapi.js';
export { SqlTime as Time } from '../decode/temporal.js';
