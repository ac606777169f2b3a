import { DatabaseError, IntegrityError, ProgrammingError, S2Error } from '@s2/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { open } from './support.js';

/** The rejection of `promise`, which must be an s2 DatabaseError (narrowed by instanceof, so no cast anywhere). */
async function databaseErrorOf(promise: Promise<unknown>): Promise<DatabaseError> {
  const outcome = await promise.then(
    () => 'the statement succeeded',
    (e: unknown) => e,
  );
  if (outcome instanceof DatabaseError) return outcome;
  throw new Error(`expected a DatabaseError, got ${String(outcome)}`);
}

describe('err.code is part of the declared error type', () => {
  it('a duplicate key on MariaDB is ER_DUP_ENTRY, read through the DatabaseError type', async () => {
    const conn = await open();
    try {
      await conn.query('CREATE TEMPORARY TABLE dup_code (id INT PRIMARY KEY)');
      await conn.query('INSERT INTO dup_code VALUES (1)');
      const err = await databaseErrorOf(conn.query('INSERT INTO dup_code VALUES (1)'));
      expectTypeOf(err.code).toEqualTypeOf<string | null>();
      expect(err).toBeInstanceOf(IntegrityError);
      expect(err.errno).toBe(1062);
      expect(err.code).toBe('ER_DUP_ENTRY');
      // Non-enumerable, like `name`: spreading or logging the error shows the same fields as before.
      expect(Object.keys(err)).not.toContain('code');

      const missing = await databaseErrorOf(conn.query('SELECT * FROM no_such_table_for_codes'));
      expect(missing).toBeInstanceOf(ProgrammingError);
      expect(missing.code).toBe('ER_NO_SUCH_TABLE');
    } finally {
      await conn.close();
    }
  });

  it('S2Error declares code too; errors without a server number have null', () => {
    const err: S2Error = new S2Error('no number');
    expectTypeOf(err.code).toEqualTypeOf<string | null>();
    expect(err.code).toBeNull();
    expect(new S2Error('lost', { errno: 2013 }).code).toBe('CR_SERVER_LOST');
  });
});
