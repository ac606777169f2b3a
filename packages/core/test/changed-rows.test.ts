import { describe, expect, it } from 'vitest';
import { changedRowsOf, type Connection } from '@s2/core';

// Only the connection's parameters are read.
const conn = (params: Partial<Connection['params']>) => ({ params }) as unknown as Connection;
const wire = conn({ driver: 'mysql', clientFoundRows: false });

describe('changedRowsOf (mysql2 changedRows for ORM adapters)', () => {
  it('reads the info text when it says, whatever the statement and settings', () => {
    const info = 'Rows matched: 3  Changed: 2  Warnings: 0';
    expect(changedRowsOf(wire, 'UPDATE t SET v = 1', 3, info)).toBe(2);
    expect(changedRowsOf(conn({ driver: 'mysql', clientFoundRows: true }), 'update t set v = 1', 3, info)).toBe(2);
    expect(changedRowsOf(wire, 'WITH x AS (SELECT 1) UPDATE t SET v = 1', 3, info, true)).toBe(2);
  });

  it('without it: 0 for other statements, affected rows for an UPDATE unless they may be matched rows', () => {
    expect(changedRowsOf(wire, '/* c */ INSERT INTO t VALUES (1)', 1, 'Records: 1  Duplicates: 0  Warnings: 0')).toBe(0);
    expect(changedRowsOf(wire, '-- c\n update t set v = 1', 2, '')).toBe(2);
    expect(changedRowsOf(conn({ driver: 'mysql', clientFoundRows: true }), 'UPDATE t SET v = 1', 2, '')).toBeUndefined();
    expect(changedRowsOf(conn({ driver: 'https' }), 'UPDATE t SET v = 1', 2, '')).toBeUndefined();
    expect(changedRowsOf(wire, 'WITH x AS (SELECT 1) DELETE FROM t', 2, '')).toBeUndefined();
    expect(changedRowsOf(wire, 'UPDATE t SET v = 1; SELECT 1', 2, '', true)).toBeUndefined();
    expect(changedRowsOf(wire, 'CALL p()', 0, '', true)).toBe(0);
  });
});
