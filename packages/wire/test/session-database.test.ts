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
