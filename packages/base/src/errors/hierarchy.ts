/**
 * The s2 exception hierarchy (DB-API shaped, after the SingleStoreDB Python SDK):
 *
 *   MySQLError
 *   ├── S2Error                    (DB-API `Error`)
 *   │   ├── InterfaceError
 *   │   │   └── OptionError        (bad option / URL / connect parameter; the Python SDK's ValueError)
 *   │   ├── DatabaseError
 *   │   │   ├── InternalError
 *   │   │   ├── OperationalError
 *   │   │   ├── ProgrammingError
 *   │   │   │   └── ParameterError (placeholder/argument mismatch; the Python SDK's TypeError/KeyError)
 *   │   │   ├── IntegrityError
 *   │   │   ├── DataError
 *   │   │   │   └── DecodeError    (a value that cannot be decoded, e.g. invalid UTF-8 in strict mode)
 *   │   │   └── NotSupportedError
 *   │   └── ManagementError
 *   └── S2Warning                  (DB-API `Warning`; deliberately not an S2Error)
 *
 * `instanceof` is answered from a brand list stored on each instance under a registry symbol,
 * so it keeps working when two copies of this package are loaded (ESM + CJS, or two versions).
 */

import { errorCodeName } from './code-names.js';

const KINDS = Symbol.for('@s2/error-kinds');

export interface ErrorDetails {
  errno?: number | null;
  sqlstate?: string | null;
  cause?: unknown;
}

function formatErrorText(errno: number | null, sqlstate: string | null, msg: string | null): string {
  const head = [errno != null ? String(errno) : '', sqlstate != null ? `(${sqlstate})` : ''].filter(Boolean).join(' ');
  if (msg != null && msg !== '') return head ? `${head}: ${msg}` : msg;
  return head || 'Unknown error';
}

export class MySQLError extends globalThis.Error {
  /** Error number: server errno (1000+), client errno (2000+) or null. */
  readonly errno: number | null;
  /** Five-character SQLSTATE when the server sent one. */
  readonly sqlstate: string | null;
  /** The bare message without errno/sqlstate decoration. */
  readonly errmsg: string | null;
  /**
   * The symbolic name of `errno` ('ER_DUP_ENTRY' for 1062, 'CR_SERVER_LOST' for 2013), where
   * mysql2 users look for it; null for numbers without a well-known name. Declared only: the
   * constructor defines it non-enumerable, and a subclass may narrow it to codes of its own
   * (ManagementFsError's 'ENOENT'...).
   */
  declare readonly code: string | null;

  constructor(message?: string | null, details: ErrorDetails = {}) {
    const errno = details.errno ?? null;
    const sqlstate = details.sqlstate ?? null;
    const msg = message ?? null;
    super(formatErrorText(errno, sqlstate, msg), details.cause !== undefined ? { cause: details.cause } : undefined);
    this.errno = errno;
    this.sqlstate = sqlstate;
    this.errmsg = msg;
    const kinds: string[] = [];
    for (let c: unknown = new.target; c && c !== globalThis.Error; c = Object.getPrototypeOf(c)) {
      kinds.push((c as unknown as { kind: string }).kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds, enumerable: false });
    // Non-enumerable, like `name`, so that logging an error shows the same fields as before.
    Object.defineProperty(this, 'code', { value: errorCodeName(errno), enumerable: false, configurable: true, writable: true });
    Object.defineProperty(this, 'name', { value: (new.target as unknown as { kind: string }).kind, enumerable: false, configurable: true, writable: true });
  }

  /** Alias of `errmsg`, as in the Python SDK. */
  get msg(): string | null {
    return this.errmsg;
  }

  static readonly kind: string = 'MySQLError';

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (value === null || typeof value !== 'object') return false;
    const kinds = (value as Record<symbol, unknown>)[KINDS];
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

export class S2Error extends MySQLError {
  static override readonly kind: string = 'S2Error';
}
export class S2Warning extends MySQLError {
  static override readonly kind: string = 'S2Warning';
}
export class InterfaceError extends S2Error {
  static override readonly kind: string = 'InterfaceError';
}
export class OptionError extends InterfaceError {
  static override readonly kind: string = 'OptionError';
}
export class DatabaseError extends S2Error {
  static override readonly kind: string = 'DatabaseError';
}
export class InternalError extends DatabaseError {
  static override readonly kind: string = 'InternalError';
}
export class OperationalError extends DatabaseError {
  static override readonly kind: string = 'OperationalError';
}
export class ProgrammingError extends DatabaseError {
  static override readonly kind: string = 'ProgrammingError';
}
export class ParameterError extends ProgrammingError {
  static override readonly kind: string = 'ParameterError';
}
export class IntegrityError extends DatabaseError {
  static override readonly kind: string = 'IntegrityError';
}
export class DataError extends DatabaseError {
  static override readonly kind: string = 'DataError';
}
export class DecodeError extends DataError {
  static override readonly kind: string = 'DecodeError';
}
export class NotSupportedError extends DatabaseError {
  static override readonly kind: string = 'NotSupportedError';
}
export class ManagementError extends S2Error {
  static override readonly kind: string = 'ManagementError';
  /** Raw response payload from the management API, when there was one. */
  readonly response: unknown;
  constructor(message?: string | null, details: ErrorDetails & { response?: unknown } = {}) {
    super(message, details);
    this.response = details.response;
  }
}

/** Every error class, by name: handy for attaching to connections (`conn.errors.ProgrammingError`). */
export const errorClasses = {
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
} as const;
