/** The recording fake MySQL server of @s2/testing, as the vector store tests rely on it. */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, DatabaseError } from '@s2/core';
import { startRecordingMysqlServer, type RecordingServer } from '@s2/testing';

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('recording fake MySQL server', () => {
  it('records each statement as sent, per connection, with exact byte counts', async () => {
    server = await startRecordingMysqlServer();
    const a = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
    const b = await connect({ host: server.host, port: server.port, user: 'v', password: 'p', database: 'db2' });
    server.reset();
    await a.execute('INSERT INTO t VALUES (?, ?)', ["it's", 1.5]);
    await b.execute('DELETE FROM t');
    expect(server.statements).toEqual([
      { connection: 1, sql: "INSERT INTO t VALUES ('it\\'s', 1.5e0)" },
      { connection: 2, sql: 'DELETE FROM t' },
    ]);
    // Payload = command byte + SQL, plus the 4-byte packet header.
    expect(server.counters).toMatchObject({
      statements: 2,
      bytes: 2 * 5 + Buffer.byteLength(server.statements[0]!.sql) + 'DELETE FROM t'.length,
      connections: 2,
    });
    expect(server.logins.map((l) => [l.user, l.database])).toEqual([
      ['u', 'db'],
      ['v', 'db2'],
    ]);
    await a.close();
    await b.close();
  });

  it('joins statements longer than one 16 MiB packet', async () => {
    server = await startRecordingMysqlServer();
    const conn = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
    server.reset();
    const big = 'x'.repeat(17 * 2 ** 20);
    await conn.execute(`SELECT '${big}'`);
    await conn.execute('SELECT 1');
    expect(server.statements.map((s) => s.sql.length)).toEqual([big.length + 9, 8]);
    expect(server.statements[0]!.sql.endsWith("xx'")).toBe(true);
    await conn.close();
  });

  it('answers with scripted errors and result sets; record: false keeps counters only', async () => {
    server = await startRecordingMysqlServer({
      record: false,
      respond: (sql) =>
        sql.startsWith('BAD')
          ? { kind: 'error', errno: 1064, sqlstate: '42000', message: 'scripted failure' }
          : sql.startsWith('SELECT')
            ? {
                kind: 'rows',
                columns: [
                  { name: 'a', type: 253 },
                  { name: 'b', type: 3 },
                ],
                rows: [
                  ['x', '1'],
                  [null, '2'],
                ],
              }
            : undefined,
    });
    const conn = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
    const err = await conn.execute('BAD STATEMENT').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).errno).toBe(1064);
    expect(await conn.query('SELECT a, b FROM t')).toEqual([
      ['x', 1],
      [null, 2],
    ]);
    expect((await conn.execute('UPDATE t SET a = 1')).rowcount).toBe(0);
    expect(server.statements).toEqual([]);
    expect(server.counters.statements).toBeGreaterThanOrEqual(3);
    await conn.close();
    expect(server.errors).toEqual([]);
  });
});
