import { afterEach, describe, expect, it } from 'vitest';
import { InterfaceError, OperationalError, ParameterError, S2Error, setStatementHook } from '@s2/core';
import { pollUntil } from '@s2/testing/vitest';
import { open, recordStatements } from './support.js';

afterEach(() => {
  setStatementHook(null);
});

describe('ping(reconnect = true) (wire spec 3.3)', () => {
  it('replaces a session killed by the server; the open transaction and session state are gone', async () => {
    const admin = await open();
    const conn = await open();
    try {
      await conn.execute('SET @kept = 1');
      await conn.begin();
      const first = conn.connectionId;
      await admin.kill(first);
      expect(await pollUntil(() => !conn.isConnected())).toBe(true);
      await expect(conn.ping(false)).rejects.toMatchObject({ errno: 2006 });
      await conn.ping();
      expect(conn.isConnected()).toBe(true);
      expect(conn.connectionId).not.toBe(first);
      expect(await conn.query('SELECT @@in_transaction, @kept, DATABASE()')).toEqual([[0, null, conn.params.database]]);
    } finally {
      await conn.close();
      await admin.close();
    }
  });

  it('reconnects when the ping itself finds the session gone, once for concurrent pings', async () => {
    const admin = await open();
    const conn = await open();
    try {
      const first = conn.connectionId;
      // Not waiting for the close to arrive: the ping goes out on a session the server has ended.
      await admin.execute(`KILL CONNECTION ${first}`);
      await Promise.all([conn.ping(), conn.ping()]);
      const second = conn.connectionId;
      expect(second).not.toBe(first);
      expect(await conn.query('SELECT CONNECTION_ID()')).toEqual([[second]]);
    } finally {
      await conn.close();
      await admin.close();
    }
  });

  it('keeps a live session whose ping was refused (a stream not read to its end)', async () => {
    const conn = await open({ buffered: false });
    try {
      const id = conn.connectionId;
      const cur = conn.cursor();
      await cur.execute('SELECT seq FROM seq_1_to_10000');
      await expect(conn.ping()).rejects.toMatchObject({ errno: 2014 });
      expect(conn.connectionId).toBe(id);
      await cur.close();
      await conn.ping();
      expect(conn.connectionId).toBe(id);
    } finally {
      await conn.close();
    }
  });

  it('a connection closed with close() stays closed', async () => {
    const conn = await open();
    await conn.close();
    await expect(conn.ping()).rejects.toBeInstanceOf(InterfaceError);
    expect(conn.isConnected()).toBe(false);
  });
});

describe('kill, showWarnings, enableDataApi / disableDataApi (wire spec 3.3, 13.3)', () => {
  it('kill(threadId) ends another session', async () => {
    const admin = await open();
    const victim = await open();
    try {
      await admin.kill(victim.connectionId);
      expect(await pollUntil(() => !victim.isConnected())).toBe(true);
      await expect(admin.kill(-1)).rejects.toBeInstanceOf(ParameterError);
      await expect(admin.kill(1.5)).rejects.toBeInstanceOf(ParameterError);
    } finally {
      victim.destroy();
      await admin.close();
    }
  });

  it('showWarnings() returns the raw SHOW WARNINGS rows of the last statement, whatever the results type', async () => {
    const conn = await open({ resultsType: 'objects' });
    try {
      await conn.execute("SELECT CAST('abc' AS SIGNED)");
      expect(await conn.showWarnings()).toEqual([['Warning', 1292, "Truncated incorrect INTEGER value: 'abc'"]]);
    } finally {
      await conn.close();
    }
  });

  it('enableDataApi sets the port and http_api, then restarts the proxy; disableDataApi turns it off', async () => {
    const conn = await open();
    try {
      const seen = recordStatements();
      // MariaDB has no Data API: the first SET is refused, which shows what was sent.
      await expect(conn.enableDataApi(9000)).rejects.toMatchObject({ errno: 1193 });
      await expect(conn.disableDataApi()).rejects.toMatchObject({ errno: 1193 });
      expect(seen).toEqual(['SET GLOBAL http_proxy_port = 9000', "SET GLOBAL http_api = 'OFF'"]);
      await expect(conn.enableDataApi(1.5)).rejects.toBeInstanceOf(ParameterError);
    } finally {
      await conn.close();
    }
  });

  it('after close: enableDataApi, disableDataApi, kill and showWarnings raise InterfaceError', async () => {
    const conn = await open();
    await conn.close();
    for (const call of [
      () => conn.enableDataApi(),
      () => conn.enableDataApi(9000),
      () => conn.disableDataApi(),
      () => conn.kill(1),
      () => conn.showWarnings(),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InterfaceError);
      expect(err).toMatchObject({ errno: 0, message: expect.stringMatching(/has been closed/) });
    }
    await expect(conn.close()).rejects.toBeInstanceOf(S2Error);
  });
});

describe('reconnect failures', () => {
  it('a reconnect that cannot log in surfaces the connect error and leaves the connection unusable', async () => {
    const admin = await open();
    const user = `s2_ping_${process.pid}`;
    await admin.execute(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
    try {
      const conn = await open({ user, password: 'pw', host: admin.params.host, port: admin.params.port });
      await admin.execute(`DROP USER '${user}'@'%'`);
      await admin.kill(conn.connectionId);
      expect(await pollUntil(() => !conn.isConnected())).toBe(true);
      await expect(conn.ping()).rejects.toMatchObject({ errno: 1045 });
      expect(conn.isConnected()).toBe(false);
      await expect(conn.query('SELECT 1')).rejects.toBeInstanceOf(OperationalError);
      conn.destroy();
    } finally {
      await admin.execute(`DROP USER IF EXISTS '${user}'@'%'`);
      await admin.close();
    }
  });
});
