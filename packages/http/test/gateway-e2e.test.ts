import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, InterfaceError, NotSupportedError, ProgrammingError, type Connection } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';

let gateway: DataApiGateway;
let http: Connection;
let wire: Connection;
const scratch = uniqueDatabaseName('http');

function httpUrl(database = 's2_test'): string {
  const info = testServer();
  return `http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${gateway.port}/${database}`;
}

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  wire = await connect(`${info.url}/s2_test`);
  await wire.execute(`CREATE DATABASE ${scratch}`);
  http = await connect(httpUrl());
});
afterAll(async () => {
  await wire.execute(`DROP DATABASE ${scratch}`);
  await wire.close();
  await http.close();
  await gateway.close();
});

/** Comparable spelling of a value, whichever connector produced it. */
function canonical(v: unknown): unknown {
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  if (v instanceof Date) return `date:${v.getTime()}:${(v as { microsecond?: number }).microsecond ?? ''}`;
  if (typeof v === 'bigint') return `int:${v}`;
  if (v && typeof v === 'object') return `obj:${String(v)}`;
  return v;
}

describe('the same code over HTTP and over the wire', () => {
  it('fetches rows, description and rowcount', async () => {
    const cur = http.cursor();
    await cur.execute('SELECT * FROM data ORDER BY id');
    expect(cur.rowcount).toBe(5);
    expect(cur.description!.map((d) => [d.name, d.typeCode])).toEqual([
      ['id', 253],
      ['name', 253],
      ['value', 8],
    ]);
    expect(await cur.fetchall()).toEqual(await wire.query('SELECT * FROM data ORDER BY id'));
  });

  it('decodes every alltypes value to the same JavaScript value', async () => {
    const overHttp = await http.query<unknown[]>('SELECT * FROM alltypes ORDER BY id');
    const overWire = await wire.query<unknown[]>('SELECT * FROM alltypes ORDER BY id');
    expect(overHttp.length).toBe(5);
    expect(overHttp.map((r) => r.map(canonical))).toEqual(overWire.map((r) => r.map(canonical)));
  });

  it('keeps BIGINT and DECIMAL exact through JSON', async () => {
    expect(await http.query('SELECT CAST(18446744073709551615 AS UNSIGNED), 9007199254740993, CAST(12345678901234567890.123456 AS DECIMAL(30,6))')).toEqual([
      [18446744073709551615n, 9007199254740993n, '12345678901234567890.123456'],
    ]);
  });

  it('bigint parameters reach the server as the same integers as over the wire', async () => {
    const values = [
      5n,
      -5n,
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 1n,
      -(2n ** 53n) - 1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      2n ** 63n,
      2n ** 64n - 1n,
      2n ** 64n,
      -(2n ** 63n) - 1n,
      10n ** 40n,
      -(10n ** 64n) - 1n,
    ];
    const sql = `SELECT ?, ? + 0, ? - 1, ? = %s, ? IN (%s)`;
    for (const v of values) {
      const literal = sql.replaceAll('%s', String(v));
      const params = [v, v, v, v, v];
      const w = wire.cursor();
      const h = http.cursor();
      // An overflow (`? - 1` at the edges) must be the same error on both.
      const run = (c: typeof w) =>
        c.execute(literal, params).then(
          async () => (await c.fetchall()) as unknown[][],
          (e: unknown) => `errno ${(e as { errno?: number }).errno}`,
        );
      const [overWire, overHttp] = await Promise.all([run(w), run(h)]);
      expect(overHttp, String(v)).toEqual(overWire);
      if (typeof overWire === 'string') continue;
      const types = (c: typeof w) => c.description!.map((d) => d.typeCode);
      expect(types(h), String(v)).toEqual(types(w));
      expect(overWire[0].slice(3), String(v)).toEqual([1, 1]);
    }
    const c = await connect(httpUrl(scratch));
    try {
      await c.execute('CREATE TABLE big (id BIGINT PRIMARY KEY, v VARCHAR(10))');
      await c.execute('INSERT INTO big VALUES (?, ?), (?, ?)', [2n ** 53n, 'even', 2n ** 53n + 1n, 'odd']);
      expect(await c.query('SELECT v FROM big WHERE id = ?', [2n ** 53n + 1n])).toEqual([['odd']]);
      expect(await c.query('SELECT v FROM big WHERE id IN ?', [[2n ** 53n + 1n]])).toEqual([['odd']]);
      expect(await wire.query(`SELECT id FROM ${scratch}.big ORDER BY id`)).toEqual([[2n ** 53n], [2n ** 53n + 1n]]);
    } finally {
      await c.close();
    }
  });

  it('routes statements that start with comments or parentheses to the row endpoint', async () => {
    expect(await http.query('/* note */ SELECT 1')).toEqual([[1]]);
    expect(await http.query('(SELECT 2)')).toEqual([[2]]);
  });

  it('parameters, results types and server errors', async () => {
    expect(await http.query('SELECT ?, ?', ["O'Brien \\ 🥷", null])).toEqual([["O'Brien \\ 🥷", null]]);
    expect(await http.query('SELECT id FROM data WHERE id < :id ORDER BY id', { id: 'c' }, { resultsType: 'objects' })).toEqual([{ id: 'a' }, { id: 'b' }]);
    const err = await http.query('garbage syntax').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect((err as ProgrammingError).errno).toBe(1064);
  });

  it('exec statements report affected rows and insert ids; executemany batches', async () => {
    const c = await connect(httpUrl(scratch));
    await c.execute('CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))');
    const r = await c.execute('INSERT INTO t (v) VALUES (?), (?)', ['a', 'b']);
    expect(r.rowcount).toBe(2);
    expect(r.lastrowid).toBe(1);
    expect(
      await c.executemany(
        'INSERT INTO t (v) VALUES (?)',
        Array.from({ length: 300 }, (_, i) => [`v${i}`]),
      ),
    ).toBe(300);
    expect(await c.query('SELECT COUNT(*) FROM t')).toEqual([[302]]);
    await c.close();
  });

  it('what the Data API cannot do fails with documented typed errors', async () => {
    await expect(http.query("LOAD DATA LOCAL INFILE ':stream:' INTO TABLE x")).rejects.toBeInstanceOf(NotSupportedError);
    await expect(http.begin()).rejects.toBeInstanceOf(NotSupportedError);
    await http.commit();
    await expect(connect(httpUrl(), { multiStatements: true })).rejects.toBeInstanceOf(InterfaceError);
  });

  it('ping, abort and closed connections', async () => {
    await http.ping();
    const ac = new AbortController();
    const pending = http.query('SELECT SLEEP(2)', undefined, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await expect(pending).rejects.toMatchObject({ errno: 1317 });
    const c = await connect(httpUrl());
    await c.close();
    await expect(c.query('SELECT 1')).rejects.toBeInstanceOf(InterfaceError);
  });

  it('a wrong password is an error from the server table', async () => {
    const info = testServer();
    const bad = `http://${info.root.user}:wrong@127.0.0.1:${gateway.port}/s2_test`;
    await expect(connect(bad)).rejects.toMatchObject({ errno: 1045 });
  });
});
