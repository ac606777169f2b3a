import { DatabaseError, DataError, IntegrityError, InternalError, NotSupportedError, OperationalError, ProgrammingError } from './hierarchy.js';

type DatabaseErrorClass = new (message?: string | null, details?: { errno?: number | null; sqlstate?: string | null }) => DatabaseError;

const CLASS_BY_CODE = new Map<number, DatabaseErrorClass>();
function assign(cls: DatabaseErrorClass, codes: number[]): void {
  for (const code of codes) CLASS_BY_CODE.set(code, cls);
}

// Server error numbers → class, as the SingleStoreDB Python SDK (singlestoredb 1.18.1) maps them
// (wire.md §10.2).
assign(ProgrammingError, [1007, 1064, 1102, 1103, 1110, 1111, 1112, 1113, 1146, 1149, 1166, 1179]);
assign(DataError, [1230, 1263, 1264, 1265, 1171, 1366, 1367, 1406, 1441]);
assign(IntegrityError, [1048, 1062, 1215, 1216, 1217, 1451, 1452]);
assign(NotSupportedError, [1196, 1235, 1286, 1289]);
assign(OperationalError, [1040, 1044, 1045, 1142, 1143, 1213, 4025]);

/** The error class for a server errno: table first, then < 1000 → InternalError, else OperationalError. */
export function errorClassForServerCode(errno: number): DatabaseErrorClass {
  return CLASS_BY_CODE.get(errno) ?? (errno < 1000 ? InternalError : OperationalError);
}

/** Builds the typed error for an ERR packet's fields. */
export function serverError(errno: number, message: string, sqlstate: string | null = null): DatabaseError {
  const cls = errorClassForServerCode(errno);
  return new cls(message, { errno, sqlstate });
}

/** Client error numbers the SDK raises itself (CR_* in the MySQL client library). */
export const ClientErrorCode = {
  CONNECTION_ERROR: 2002,
  CONN_HOST_ERROR: 2003,
  SERVER_GONE_ERROR: 2006,
  MALFORMED_PACKET: 2027,
  SERVER_LOST: 2013,
  COMMANDS_OUT_OF_SYNC: 2014,
  CURSOR_CLOSED: 2048,
  AUTH_PLUGIN_CANNOT_LOAD: 2059,
  AUTH_PLUGIN_ERR: 2061,
  LOCAL_INFILE: 1017,
  QUERY_INTERRUPTED: 1317,
} as const;

/** Typed error for bytes that do not form the packet the protocol expects (CR_MALFORMED_PACKET). */
export function malformedPacket(what: string): InternalError {
  return new InternalError(`Malformed packet: ${what}`, { errno: ClientErrorCode.MALFORMED_PACKET });
}
