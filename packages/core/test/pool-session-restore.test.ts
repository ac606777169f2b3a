import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Connection, type Pool } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';
import { open, serverUrl } from './support.js';

/**
 * What a borrower changed in its session that the next borrower must not see: the database
 * (selectDb, USE) whatever the health check, and with 'reset' the session's variables too.
 */
const home = uniqueDatabaseName('pool_home');
const elsewhere = uniqueDatabaseName('pool_elsewhere');
let admin: Connection;

beforeAll(async () => {
  admin = await open();
  await admin.execute(`CREATE DATABASE ${home}`);
  await admin.execute(`CREATE DATABASE ${elsewhere}`);
});
afterAll(async () => {
  await admin.execute(`DROP DATABASE ${home}`);
  await admin.execute(`DROP DATABASE ${elsewhere}`);
  await admin.close();
});

/** The database and connection id the pool's next one-shot statement runs on. */
async function whereAndWho(pool: Pool): Promise<[string | null, number]> {
  const [[database, id]] = await pool.query<[string | null, number | bigint]>('SELECT DATABASE(), CONNECTION_ID()');
  return [database, Number(id)];
}

/** Counts the COM_INIT_DBs sent on a connection. */
function countSelects(conn: Connection, counter: { selects: number }): void {
  const selectDb = conn.selectDb.bind(conn);
  conn.selectDb = (database: string) => {
    counter.selects++;
    return selectDb(database);
  };
}

describe('the database a borrower switched to', () => {
  for (const healthCheck of ['ping', 'reset', 'none'] as const) {
    it(`is switched back on release (healthCheck '${healthCheck}'), after USE or selectDb()`, async () => {
      const pool = createPool({ url: serverUrl(home), max: 1, healthCheck });
      try {
        const borrower = await pool.getConnection();
        const id = borrower.connection.connectionId;
        await borrower.query(`USE ${elsewhere}`);
        borrower.release();
        expect(await whereAndWho(pool)).toEqual([home, id]);
        const again = await pool.getConnection();
        await again.connection.selectDb(elsewhere);
        again.release();
        expect(await whereAndWho(pool)).toEqual([home, id]);
        // A one-shot USE is undone as well.
        await pool.query(`USE ${elsewhere}`);
        expect(await pool.query('SELECT DATABASE()')).toEqual([[home]]);
      } finally {
        await pool.end();
      }
    });
  }

  it('is switched back after USE with comments, semicolons or a backquoted name', async () => {
    const pool = createPool({ url: serverUrl(home), max: 1 });
    try {
      for (const use of [`USE ${elsewhere} -- why`, `USE \`${elsewhere}\`;;`, `/* a */ USE ${elsewhere} # b`]) {
        await pool.query(use);
        expect(await pool.query('SELECT DATABASE()')).toEqual([[home]]);
      }
    } finally {
      await pool.end();
    }
  });

  it('is switched back after a USE among the statements of a multi-statement text, or run by EXECUTE IMMEDIATE', async () => {
    const pool = createPool({ url: serverUrl(home), max: 1, multiStatements: true });
    try {
      const texts = [`SELECT 1; USE ${elsewhere}`, `USE ${elsewhere}; SELECT 1`, `DO 1; USE ${elsewhere}; SELECT 2`, `EXECUTE IMMEDIATE 'USE ${elsewhere}'`];
      for (const text of texts) {
        const borrower = await pool.getConnection();
        const id = borrower.connection.connectionId;
        await borrower.query(text);
        expect(await borrower.query('SELECT DATABASE()')).toEqual([[elsewhere]]);
        borrower.release();
        expect(await whereAndWho(pool)).toEqual([home, id]);
      }
    } finally {
      await pool.end();
    }
  });

  it('costs no round trip when the borrower left the database alone', async () => {
    const pool = createPool({ url: serverUrl(home), max: 1 });
    try {
      const counter = { selects: 0 };
      const first = await pool.getConnection();
      countSelects(first.connection, counter);
      await first.query('SELECT 1');
      first.release();
      for (let i = 0; i < 10; i++) await pool.query('SELECT DATABASE()');
      expect(counter.selects).toBe(0);
      await pool.query(`USE ${elsewhere}`);
      expect(counter.selects).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('closes the connection instead when the pool has no database (none can be unselected)', async () => {
    const pool = createPool({ url: testServer().url, max: 1 });
    try {
      const borrower = await pool.getConnection();
      const id = borrower.connection.connectionId;
      await borrower.query(`USE ${elsewhere}`);
      borrower.release();
      const [database, next] = await whereAndWho(pool);
      expect(database).toBeNull();
      expect(next).not.toBe(id);
    } finally {
      await pool.end();
    }
  });
});

describe("what the health check leaves of a borrower's session", () => {
  it("'reset' clears user variables and session variables (sql_mode back to the server's default)", async () => {
    const pool = createPool({ url: serverUrl(home), max: 1, healthCheck: 'reset' });
    try {
      const [[defaultMode]] = await pool.query<[string]>('SELECT @@SESSION.sql_mode');
      const borrower = await pool.getConnection();
      await borrower.query("SET @left_behind = 'yes'");
      await borrower.query("SET SESSION sql_mode = 'ANSI_QUOTES'");
      borrower.release();
      expect(await pool.query('SELECT @left_behind, @@SESSION.sql_mode')).toEqual([[null, defaultMode]]);
    } finally {
      await pool.end();
    }
  });

  it("'ping' (the default) keeps them, as documented: only the transaction, autocommit, an unread stream and the database are put back", async () => {
    const pool = createPool({ url: serverUrl(home), max: 1 });
    try {
      const borrower = await pool.getConnection();
      await borrower.query("SET @left_behind = 'yes'");
      await borrower.query("SET SESSION sql_mode = 'ANSI_QUOTES'");
      borrower.release();
      expect(await pool.query('SELECT @left_behind, @@SESSION.sql_mode')).toEqual([['yes', 'ANSI_QUOTES']]);
    } finally {
      await pool.end();
    }
  });
});
