import { describe, expect, it } from 'vitest';
import {
  DatabaseError,
  DataError,
  errorClassForServerCode,
  IntegrityError,
  InterfaceError,
  InternalError,
  MySQLError,
  NotSupportedError,
  OperationalError,
  ParameterError,
  ProgrammingError,
  S2Error,
  S2Warning,
  serverError,
} from '@s2/base';

describe('error hierarchy', () => {
  it('formats errno, sqlstate and message like the reference', () => {
    expect(new S2Error().message).toBe('Unknown error');
    expect(new S2Error(null, { errno: 1 }).message).toBe('1');
    expect(new S2Error('hi there').message).toBe('hi there');
    expect(new S2Error('hi there', { errno: 1 }).message).toBe('1: hi there');
    expect(new S2Error('hi there', { errno: 1, sqlstate: '9' }).message).toBe('1 (9): hi there');
    expect(new S2Error('hi there', { sqlstate: '9' }).message).toBe('(9): hi there');
    expect(new S2Error(null, { sqlstate: '9' }).message).toBe('(9)');
  });
  it('supports instanceof along the DB-API tree, and warnings are not errors', () => {
    const e = new ParameterError('x');
    for (const cls of [ParameterError, ProgrammingError, DatabaseError, S2Error, MySQLError, Error]) expect(e).toBeInstanceOf(cls);
    expect(e).not.toBeInstanceOf(OperationalError);
    expect(new S2Warning('w')).not.toBeInstanceOf(S2Error);
    expect(e.name).toBe('ParameterError');
  });
  it('instanceof works for errors made by another copy of the classes', () => {
    const foreign = Object.create(Error.prototype, {
      [Symbol.for('@s2/error-kinds')]: { value: ['ProgrammingError', 'DatabaseError', 'S2Error', 'MySQLError'] },
    });
    expect(foreign).toBeInstanceOf(ProgrammingError);
    expect(foreign).not.toBeInstanceOf(InterfaceError);
  });
  it('maps server codes to classes with the fallbacks', () => {
    expect(errorClassForServerCode(1064)).toBe(ProgrammingError);
    expect(errorClassForServerCode(1062)).toBe(IntegrityError);
    expect(errorClassForServerCode(1406)).toBe(DataError);
    expect(errorClassForServerCode(1235)).toBe(NotSupportedError);
    expect(errorClassForServerCode(1045)).toBe(OperationalError);
    expect(errorClassForServerCode(999)).toBe(InternalError);
    expect(errorClassForServerCode(1999)).toBe(OperationalError);
    expect(serverError(1146, "Table 'x' doesn't exist", '42S02')).toMatchObject({ errno: 1146, sqlstate: '42S02', errmsg: "Table 'x' doesn't exist" });
  });
});

describe('symbolic error codes', () => {
  it('names server and client error numbers as mysql2 does', async () => {
    const { errorCodeName, serverError, OperationalError } = await import('@s2/base');
    expect(errorCodeName(1062)).toBe('ER_DUP_ENTRY');
    expect(errorCodeName(1146)).toBe('ER_NO_SUCH_TABLE');
    expect(errorCodeName(1213)).toBe('ER_LOCK_DEADLOCK');
    expect(errorCodeName(1000)).toBe('ER_HASHCHK');
    expect(errorCodeName(1699)).toBe('ER_SET_PASSWORD_AUTH_PLUGIN');
    expect(errorCodeName(2013)).toBe('CR_SERVER_LOST');
    expect(errorCodeName(1700)).toBeNull();
    expect(errorCodeName(null)).toBeNull();
    const err = serverError(1062, "Duplicate entry '1' for key 'PRIMARY'", '23000') as unknown as { code: string; errno: number };
    expect(err.code).toBe('ER_DUP_ENTRY');
    expect(err.errno).toBe(1062);
    expect((new OperationalError('x') as unknown as { code: unknown }).code).toBeNull();
  });
});
