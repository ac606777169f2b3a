import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ProgrammingError, type Connection } from '@s2/core';
import { bindDataApiArgs, HttpConnection } from '@s2/http';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { uniqueDatabaseName } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';

/**
 * Data API parameters travel as `args` bound by the server, never spliced into the SQL, so a
 * value cannot leave its literal whatever the server's escaping mode (sql_mode) is at the time.
 */
const PAYLOADS = ["x' UNION SELECT CURRENT_USER() -- ", "x\\' UNION SELECT CURRENT_USER() -- ", "x\\\\' UNION SELECT CURRENT_USER() -- "];

describe('bindDataApiArgs', () => {
  it('turns placeholders into ? and values into JSON args', () => {
    const bytes = new Uint8Array([0, 255, 39]);
    expect(bindDataApiArgs('SELECT %s, ?, %s, %s, 100%%', ["a'b", 12345678901234567890n, bytes, [1, 'two']])).toEqual({
      sql: 'SELECT ?, CAST(? AS UNSIGNED), UNHEX(?), (?, ?), 100%',
      args: ["a'b", '12345678901234567890', '00ff27', 1, 'two'],
    });
    // A bigint a double holds exactly is a JSON number; past that, text the SQL turns back into an integer.
    expect(bindDataApiArgs('SELECT ?, ?, ?, ?, ?', [5n, -(2n ** 53n) + 1n, 2n ** 53n, -(2n ** 63n), -(2n ** 63n) - 1n])).toEqual({
      sql: 'SELECT ?, ?, CAST(? AS SIGNED), CAST(? AS SIGNED), CAST(? AS DECIMAL(65))',
      args: [5, -(2 ** 53) + 1, '9007199254740992', '-9223372036854775808', '-9223372036854775809'],
    });
    expect(bindDataApiArgs('SELECT ?', [10n ** 65n])).toEqual({ sql: 'SELECT ?', args: [(10n ** 65n).toString()] });
    expect(bindDataApiArgs('SELECT :a, :b, :a', { a: null, b: true })).toEqual({ sql: 'SELECT ?, ?, ?', args: [null, true, null] });
    expect(bindDataApiArgs('SELECT ?', [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))], { timezone: 'Z' }).args).toEqual(['2024-01-02 03:04:05.006']);
    expect(bindDataApiArgs('SELECT ?', [{ k: "it's" }]).args).toEqual(['{"k":"it\'s"}']);
    expect(bindDataApiArgs('SELECT 100%%', undefined)).toEqual({ sql: 'SELECT 100%%' });
    expect(() => bindDataApiArgs('SELECT ?', [NaN])).toThrow(ProgrammingError);
    expect(bindDataApiArgs('SELECT ?', [NaN], { nanAsNull: true }).args).toEqual([null]);
  });

  it('the request body carries the value in args and the SQL without it', async () => {
    const bodies: { sql: string; args?: unknown[] }[] = [];
    const fetchStub = (async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { sql: string; args?: unknown[] };
      bodies.push(body);
      const result = body.sql.startsWith('SELECT VERSION()')
        ? {
            columns: [
              { name: 'v', dataType: 'VARCHAR' },
              { name: 'n', dataType: 'BIGINT' },
            ],
            rows: [['8.0', 0]],
          }
        : { columns: [{ name: 'v', dataType: 'VARCHAR' }], rows: [[body.args?.[0] ?? null]] };
      return new Response(JSON.stringify({ results: [result] }), { status: 200 });
    }) as typeof fetch;
    const conn = new HttpConnection({ host: 'example.invalid', fetch: fetchStub });
    await conn.handshake();
    const res = await conn.queryWithParams('SELECT %s AS v', [PAYLOADS[0]]);
    expect(await res.current.read()).toEqual([[PAYLOADS[0]]]);
    expect(bodies.at(-1)).toEqual({ sql: 'SELECT ? AS v', args: [PAYLOADS[0]] });
  });
});

describe('Data API parameters against the gateway, under both escaping modes', () => {
  const info = testServer();
  const db = uniqueDatabaseName('args');
  const nbeUser = `s2nbe_${Math.random().toString(36).slice(2, 8)}`;
  const password = 'pw-nbe';
  let admin: Connection;
  let gateway: DataApiGateway;
  let previousInitConnect = '';

  const nbeInitConnect = `SET SESSION sql_mode = IF(SUBSTRING_INDEX(CURRENT_USER(), '@', 1) = '${nbeUser}', CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES'), @@SESSION.sql_mode)`;
  /** Sessions of the one test account start in NO_BACKSLASH_ESCAPES (on) or in the server's mode (off). */
  const setNbe = (on: boolean) => admin.execute('SET GLOBAL init_connect = %s', [on ? nbeInitConnect : previousInitConnect]);

  beforeAll(async () => {
    admin = await connect(`${info.url}/${info.database}`);
    await admin.execute(`CREATE DATABASE ${db}`);
    await admin.execute(`CREATE USER '${nbeUser}'@'%' IDENTIFIED BY '${password}'`);
    await admin.execute(`GRANT ALL ON ${db}.* TO '${nbeUser}'@'%'`);
    // init_connect skips privileged accounts and leaves every other account's mode as it is.
    [[previousInitConnect]] = await admin.query<[string]>('SELECT @@GLOBAL.init_connect');
    await setNbe(true);
    gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  });
  afterAll(async () => {
    await gateway?.close();
    await admin.execute('SET GLOBAL init_connect = %s', [previousInitConnect]);
    await admin.execute(`DROP USER '${nbeUser}'@'%'`);
    await admin.execute(`DROP DATABASE ${db}`);
    await admin.close();
  });

  const httpAs = (user: string, pw: string) => connect(`http://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${gateway.port}/${db}`);

  for (const mode of ['backslash escapes', 'NO_BACKSLASH_ESCAPES'] as const) {
    it(`no payload leaves its literal (${mode})`, async () => {
      const http = mode === 'NO_BACKSLASH_ESCAPES' ? await httpAs(nbeUser, password) : await httpAs(info.root.user, info.root.password);
      try {
        const [[sqlMode]] = await http.query<[string]>('SELECT @@SESSION.sql_mode');
        expect(sqlMode.includes('NO_BACKSLASH_ESCAPES')).toBe(mode === 'NO_BACKSLASH_ESCAPES');
        for (const payload of PAYLOADS) {
          expect(await http.query('SELECT %s AS v', [payload])).toEqual([[payload]]);
          expect(await http.query('SELECT :v AS v', { v: payload })).toEqual([[payload]]);
        }
      } finally {
        await http.close();
      }
    });
  }

  for (const [atConnect, atQuery] of [
    [false, true],
    [true, false],
  ] as const) {
    it(`the server's mode changing after connect cannot be exploited (${atConnect ? 'NO_BACKSLASH_ESCAPES' : 'backslash'} → ${atQuery ? 'NO_BACKSLASH_ESCAPES' : 'backslash'})`, async () => {
      await setNbe(atConnect);
      const http = await httpAs(nbeUser, password);
      try {
        await setNbe(atQuery);
        // The gateway opens a session per request: from now on they start in the other mode.
        const [[sqlMode]] = await http.query<[string]>('SELECT @@SESSION.sql_mode');
        expect(sqlMode.includes('NO_BACKSLASH_ESCAPES')).toBe(atQuery);
        for (const payload of PAYLOADS) expect(await http.query('SELECT %s AS v', [payload])).toEqual([[payload]]);
      } finally {
        await setNbe(true);
        await http.close();
      }
    });
  }

  it('a SET sql_mode sent through the Data API cannot be exploited either', async () => {
    const http = await httpAs(info.root.user, info.root.password);
    try {
      // The gateway may or may not keep this for the next request: either way the value must stay a value.
      await http.execute("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')");
      for (const payload of PAYLOADS) expect(await http.query('SELECT %s AS v', [payload])).toEqual([[payload]]);
    } finally {
      await http.close();
    }
  });

  it('callproc over HTTP binds its arguments into the CALL', async () => {
    await admin.execute(`CREATE PROCEDURE ${db}.echo_it(s TEXT) SELECT s AS v`);
    const http = await httpAs(info.root.user, info.root.password);
    try {
      const cur = http.cursor();
      for (const payload of PAYLOADS) {
        await cur.callproc('echo_it', [payload]);
        expect(await cur.fetchall()).toEqual([[payload]]);
      }
      await expect(cur.callproc('echo_it; DROP TABLE x', [])).rejects.toThrow(/plain procedure name/);
      await cur.close();
    } finally {
      await http.close();
    }
  });

  it('executemany over HTTP binds each set on the server', async () => {
    const http = await httpAs(info.root.user, info.root.password);
    try {
      await admin.execute(`CREATE TABLE ${db}.t (id INT, s TEXT)`);
      expect(
        await http.executemany(
          `INSERT INTO t VALUES (%s, %s)`,
          PAYLOADS.map((p, i) => [i, p]),
        ),
      ).toBe(3);
      expect(await admin.query(`SELECT s FROM ${db}.t ORDER BY id`)).toEqual(PAYLOADS.map((p) => [p]));
    } finally {
      await http.close();
    }
  });
});
