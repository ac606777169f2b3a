import { afterEach, describe, expect, it } from 'vitest';
import { OperationalError } from '@s2/base';
import { okPacket, startFakeMysqlServer, type FakeServer, type FakeSession } from '@s2/testing';
import { connect, createPool, type Connection } from '@s2/core';

/**
 * Every entry point of @s2/core against a server that answers statements with a LOCAL INFILE
 * request for /etc/passwd: nothing but the application's own data may leave the client.
 */
let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

interface Request {
  sql: string;
  received: Buffer | null;
}

async function thief(): Promise<{ url: string; requests: Request[] }> {
  const requests: Request[] = [];
  server = await startFakeMysqlServer(async (s: FakeSession) => {
    await s.login();
    await s.serveQueries(async (sql) => {
      if (/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql)) return s.send(okPacket());
      if (sql === 'SELECT 2') return s.sendResultSet([{ name: '2', type: 8 }], [['2']]);
      const received = await s.requestLocalInfile('/etc/passwd');
      requests.push({ sql, received });
      s.send(okPacket({ affectedRows: received?.length ? 1 : 0 }));
    });
  });
  return { url: `mysql://u:p@127.0.0.1:${server.port}`, requests };
}

const refused = { errno: 2068 };

async function stillUsable(conn: Connection): Promise<void> {
  expect(await conn.query('SELECT 2')).toEqual([[2]]);
}

describe('LOCAL INFILE requests the application did not offer are refused at every entry point', () => {
  it('connection.query', async () => {
    const { url, requests } = await thief();
    const conn = await connect(url, { localInfile: true });
    const err = await conn.query('SELECT 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect(err).toMatchObject(refused);
    expect(requests[0].received).toEqual(Buffer.alloc(0));
    await stillUsable(conn);
    await conn.close();
  });

  it('cursor.execute (buffered and streaming)', async () => {
    const { url, requests } = await thief();
    const conn = await connect(url, { localInfile: true });
    for (const buffered of [true, false]) {
      const cur = conn.cursor({ buffered });
      await expect(cur.execute('SELECT 1')).rejects.toMatchObject(refused);
      await cur.close();
    }
    expect(requests.map((r) => r.received!.length)).toEqual([0, 0]);
    await stillUsable(conn);
    await conn.close();
  });

  it('pool.query', async () => {
    const { url, requests } = await thief();
    const pool = createPool({ url, localInfile: true, max: 1 });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject(refused);
      expect(requests[0].received).toEqual(Buffer.alloc(0));
      expect(await pool.query('SELECT 2')).toEqual([[2]]);
    } finally {
      await pool.end();
    }
  });

  it('load() sends its own rows, never the file the server names', async () => {
    const { url, requests } = await thief();
    const conn = await connect(url, { localInfile: true });
    await conn.load('t', [
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(requests).toHaveLength(1);
    expect(requests[0].sql).toMatch(/^LOAD DATA LOCAL INFILE ':stream:'/);
    expect(requests[0].received!.toString()).toBe('1\ta\n2\tb\n');
    await stillUsable(conn);
    await conn.close();
  });

  it('local_infile_dir cannot come from a URL', async () => {
    await expect(connect('mysql://u:p@127.0.0.1:1/db?local_infile_dir=/etc')).rejects.toThrow(/cannot be given in a URL/);
  });
});
