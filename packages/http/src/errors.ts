import { DataError, IntegrityError, InterfaceError, InternalError, OperationalError, ProgrammingError, type S2Error } from '@s2/base';

type ErrorClass = new (message?: string | null, details?: { errno?: number | null; sqlstate?: string | null; cause?: unknown }) => S2Error;

const TABLE: [ErrorClass, number[]][] = [
  [InterfaceError, [0, 2004, 2006, 2012, 2013, 2014]],
  [DataError, [1171, 1230, 1264, 1265, 1365, 1406, 1441]],
  [ProgrammingError, [1007, 1049, 1064, 1065, 1082, 1102, 1103, 1110, 1111, 1112, 1113, 1146, 1149, 1179, 1449, 1582, 1741]],
  [IntegrityError, [1048, 1062, 1169, 1215, 1216, 1217, 1364, 1401, 1451, 1452, 1460, 1826, 4025]],
];

/** The Data API's own code → class table (it differs from the wire protocol's). */
export function httpErrorClass(code: number): ErrorClass {
  for (const [cls, codes] of TABLE) if (codes.includes(code)) return cls;
  return code >= 1000 ? OperationalError : InternalError;
}

/**
 * Error for a response with status ≥ 400: `Error 1064: ...` bodies keep the server's errno, and
 * `Error 1064 (42000): ...` its SQLSTATE too.
 */
export function errorFromResponse(status: number, body: string): S2Error {
  if (!body) return new InterfaceError('HTTP Error', { errno: status });
  const m = /^Error\s+(\d+)(?:\s*\(([0-9A-Z]{5})\))?.*?:/s.exec(body);
  if (m) {
    const errno = Number(m[1]);
    return new (httpErrorClass(errno))(body.slice(body.indexOf(':') + 1).trim(), { errno, sqlstate: m[2] ?? null });
  }
  return new (httpErrorClass(status))(body.trim(), { errno: status });
}
