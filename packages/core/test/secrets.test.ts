import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createPool, type Connection } from '@s2/core';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';

/** The password must not be reachable through inspection, JSON or error messages. */
const info = testServer();
const user = `s2sec_${Math.random().toString(36).slice(2, 8)}`;
const secret = 'S3cr3t-Pa55-Zq9';
const leaks = (text: string) => text.includes(secret) || text.includes(Buffer.from(`${user}:${secret}`).toString('base64'));
let admin: Connection;
let gateway: DataApiGateway;

beforeAll(async () => {
  admin = await connect(`${info.url}/${info.database}`);
  await admin.execute(`CREATE USER '${user}'@'%' IDENTIFIED BY '${secret}'`);
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
});
afterAll(async () => {
  await gateway.close();
  await admin.execute(`DROP USER '${user}'@'%'`);
  await admin.close();
});

function expectNoSecret(value: unknown): void {
  expect(leaks(inspect(value, { depth: 8, showHidden: false }))).toBe(false);
  expect(leaks(JSON.stringify(value) ?? '')).toBe(false);
}

describe('secrets stay out of inspection and JSON', () => {
  for (const driver of ['mysql', 'http'] as const) {
    it(`a ${driver} connection`, async () => {
      const url = driver === 'mysql' ? `mysql://${user}:${secret}@${info.host}:${info.port}` : `http://${user}:${secret}@127.0.0.1:${gateway.port}`;
      const conn = await connect(url);
      try {
        expect(await conn.query('SELECT 1')).toEqual([[1]]);
        expect((conn.params as { password?: string }).password).toBeUndefined();
        expectNoSecret(conn);
        expectNoSecret(conn.transport());
        expectNoSecret(conn.params);
        // The session still works after inspection: nothing was lost.
        expect(await conn.query('SELECT 2')).toEqual([[2]]);
      } finally {
        await conn.close();
      }
    });
  }

  it('a pool', async () => {
    const pool = createPool({ url: `mysql://${user}:${secret}@${info.host}:${info.port}`, password: secret, max: 1 });
    try {
      expect(await pool.query('SELECT 1')).toEqual([[1]]);
      expectNoSecret(pool);
      // A reconnect still has the credentials.
      const c = await pool.getConnection();
      c.connection.destroy();
      c.release();
      expect(await pool.query('SELECT 3')).toEqual([[3]]);
    } finally {
      await pool.end();
    }
  });

  it('URL errors do not echo the password', async () => {
    const err = await connect(`mysql://${user}:${secret}@[::1`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(leaks(String((err as Error).message))).toBe(false);
    const err2 = await connect(`mysql://${user}:${secret}@127.0.0.1:99999`).catch((e: unknown) => e);
    expect(leaks(String((err2 as Error).message))).toBe(false);
  });
});
