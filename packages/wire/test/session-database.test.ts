import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueDatabaseName } from '@s2/testing';
import type { WireConnection } from '@s2/wire';
import { open, rows } from './support/server.js';

/** The session's database: what `session.database` says, and what reset() puts back. */
const first = uniqueDatabaseName('sessdb_a');
const second = uniqueDatabaseName('sessdb_b');
let admin: WireConnection;

beforeAll(async () => {
  admin = await open();
  await rows(admin, `CREATE DATABASE ${first}`);
  await rows(admin, `CREATE DATABASE ${second}`);
});
afterAll(async () => {
  await rows(admin, `DROP DATABASE ${first}`);
  await rows(admin, `DROP DATABASE ${second}`);
  await admin.close();
});

describe('the session database', () => {
  it('session.database follows selectDb() and a lone USE statement, comments and backquotes included', async () => {
    const conn = await open({ database: first });
    expect(conn.session.database).toBe(first);
    await (await conn.query(`USE ${second}`)).drain();
    expect(conn.session.database).toBe(second);
    await (await conn.query(`/* back */ -- to the first\n  use \`${first}\`;`)).drain();
    expect(conn.session.database).toBe(first);
    await conn.selectDb(second);
    expect(conn.session.database).toBe(second);
    // A USE that fails leaves it alone.
    await expect(conn.query('USE no_such_database_here')).rejects.toMatchObject({ errno: 1049 });
    expect(conn.session.database).toBe(second);
    expect(await rows(conn, 'SELECT DATABASE()')).toEqual([[second]]);
    // Statements that merely mention USE are not taken for one.
    await (await conn.query("SELECT 'USE x'")).drain();
    expect(conn.session.database).toBe(second);
    await conn.close();
  });

  for (const deprecateEof of [true, false]) {
    it(`session.database follows what the server reports: a USE anywhere in a multi-statement text, EXECUTE IMMEDIATE, a dropped database (deprecateEof ${deprecateEof})`, async () => {
      const conn = await open({ database: first, multiStatements: true, deprecateEof });
      expect([conn.sessionTrack, conn.deprecateEof]).toEqual([true, deprecateEof]);
      await (await conn.query(`SELECT 1; USE ${second}`)).drain();
      expect(conn.session.database).toBe(second);
      await (await conn.query(`USE ${first}; SELECT 1`)).drain();
      expect(conn.session.database).toBe(first);
      await (await conn.query(`EXECUTE IMMEDIATE 'USE ${second}'`)).drain();
      expect(conn.session.database).toBe(second);
      // Streamed: query() returns after the first result, and the USE's OK is read by drain().
      const streamed = await conn.query(`SELECT 1; USE ${first}; SELECT 2`, { streaming: true });
      await streamed.drain();
      expect(conn.session.database).toBe(first);
      const doomed = uniqueDatabaseName('sessdb_doomed');
      await (await conn.query(`CREATE DATABASE ${doomed}; USE ${doomed}; DROP DATABASE ${doomed}; SELECT 1`)).drain();
      expect(conn.session.database).toBeNull();
      expect(await rows(conn, 'SELECT DATABASE()')).toEqual([[null]]);
      await conn.close();
    });

    it(`a procedure of another database leaves the session in the caller's (deprecateEof ${deprecateEof})`, async () => {
      const conn = await open({ database: first, deprecateEof });
      await (await conn.query(`CREATE PROCEDURE ${second}.where_am_i() BEGIN SELECT DATABASE(); SELECT 2; END`)).drain();
      try {
        // The server runs the body in the procedure's database and says so at the end of its rows.
        const r = await conn.query(`CALL ${second}.where_am_i()`);
        expect(await r.current.read()).toEqual([[second]]);
        await r.drain();
        expect(conn.session.database).toBe(first);
      } finally {
        await (await conn.query(`DROP PROCEDURE ${second}.where_am_i`)).drain();
        await conn.close();
      }
    });
  }

  it('reads the statement text when the server does not report the database (session tracking off, or session_track_schema off)', async () => {
    const untracked = await open({ database: first, multiStatements: true, sessionTrack: false });
    expect(untracked.sessionTrack).toBe(false);
    await (await untracked.query(`USE ${second}`)).drain();
    expect(untracked.session.database).toBe(second);
    await untracked.close();
    const quiet = await open({ database: first });
    expect(quiet.sessionTrack).toBe(true);
    await (await quiet.query('SET SESSION session_track_schema = OFF')).drain();
    await (await quiet.query(`USE ${second}`)).drain();
    expect(quiet.session.database).toBe(second);
    await quiet.close();
  });

  for (const sessionTrack of [true, false]) {
    it(`an OK packet's info reads the same with session tracking ${sessionTrack ? 'on' : 'off'}, state changes reported with it or not`, async () => {
      const conn = await open({ database: first, sessionTrack });
      expect(conn.sessionTrack).toBe(sessionTrack);
      const info = async (sql: string) => (await conn.query(sql)).current.status?.info;
      try {
        await info('CREATE TABLE infos (a INT)');
        // Each statement in a transaction changes its tracked state: a state block follows the info.
        await info('SET SESSION session_track_transaction_info = STATE');
        await info('BEGIN');
        expect(await info('INSERT INTO infos VALUES (1), (2), (3)')).toBe('Records: 3  Duplicates: 0  Warnings: 0');
        expect(await info('UPDATE infos SET a = a + 1')).toBe('Rows matched: 3  Changed: 3  Warnings: 0');
        await info('COMMIT');
        expect(await info('INSERT INTO infos VALUES (4), (5)')).toBe('Records: 2  Duplicates: 0  Warnings: 0');
        expect(await info("SET STATEMENT time_zone = '+01:00' FOR UPDATE infos SET a = a + 1 WHERE a > 3")).toBe('Rows matched: 3  Changed: 3  Warnings: 0');
      } finally {
        await info('DROP TABLE infos');
        await conn.close();
      }
    });
  }

  it('reset() selects the database the session was opened with again, after USE or selectDb()', async () => {
    const conn = await open({ database: first });
    await (await conn.query(`USE ${second}`)).drain();
    await rows(conn, 'SET @left_behind = 1');
    await conn.reset();
    expect(await rows(conn, 'SELECT DATABASE(), @left_behind')).toEqual([[first, null]]);
    expect(conn.session.database).toBe(first);
    await conn.selectDb(second);
    await conn.reset();
    expect(await rows(conn, 'SELECT DATABASE()')).toEqual([[first]]);
    await conn.close();
  });
});
