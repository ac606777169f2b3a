import { afterEach, describe, expect, it } from 'vitest';
import { InterfaceError } from '@s2/core';
import { testServer } from '@s2/testing/vitest';
import { open } from './support.js';

const saved = process.env.SINGLESTOREDB_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.SINGLESTOREDB_URL;
  else process.env.SINGLESTOREDB_URL = saved;
});

describe('track_env: the connection follows SINGLESTOREDB_URL (wire spec 4.10)', () => {
  it('reconnects when the database (or host, port, user) changes; not for a password-only or charset-only change', async () => {
    const info = testServer();
    const base = `mysql://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@${info.host}:${info.port}`;
    process.env.SINGLESTOREDB_URL = `${base}/${info.database}`;
    const conn = await open({ trackEnv: true });
    try {
      const first = conn.connectionId;
      expect(await conn.query('SELECT DATABASE()')).toEqual([[info.database]]);
      process.env.SINGLESTOREDB_URL = `${base}/information_schema`;
      expect(await conn.query('SELECT DATABASE()')).toEqual([['information_schema']]);
      expect(conn.connectionId).not.toBe(first);
      const second = conn.connectionId;
      // A password-only change: were it to reconnect, the wrong password would fail the login.
      const wrongPassword = `mysql://${encodeURIComponent(info.root.user)}:${encodeURIComponent(`${info.root.password}-not-it`)}@${info.host}:${info.port}`;
      process.env.SINGLESTOREDB_URL = `${wrongPassword}/information_schema`;
      expect(await conn.query('SELECT DATABASE()')).toEqual([['information_schema']]);
      expect(conn.connectionId).toBe(second);
      // Nor does a change of a parameter outside host, port, user and database.
      process.env.SINGLESTOREDB_URL = `${wrongPassword}/information_schema?charset=utf8mb4`;
      await conn.query('SELECT 1');
      expect(conn.connectionId).toBe(second);
      process.env.SINGLESTOREDB_URL = 'mysql://u:p@singlestore.com:3306/db';
      await expect(conn.query('SELECT 1')).rejects.toBeInstanceOf(InterfaceError);
    } finally {
      await conn.close();
    }
  });

  it('without track_env a changed variable changes nothing', async () => {
    const conn = await open();
    try {
      const id = conn.connectionId;
      process.env.SINGLESTOREDB_URL = 'mysql://nobody:x@127.0.0.1:1/nowhere';
      await conn.query('SELECT 1');
      expect(conn.connectionId).toBe(id);
    } finally {
      await conn.close();
    }
  });
});
