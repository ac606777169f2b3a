/**
 * The same behaviours over both connectors (the reference's USE_DATA_API=1 mode): the wire
 * protocol straight to the server, and the Data API through the gateway in front of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, InterfaceError, NotSupportedError, ParameterError, ProgrammingError, SqlDateTime, type Connection, type ConnectOptions } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';

let gateway: DataApiGateway;
const scratch = uniqueDatabaseName('conf');

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  const admin = await connect(info.url);
  await admin.execute(`CREATE DATABASE ${scratch}`);
  await admin.close();
});
afterAll(async () => {
  const admin = await connect(testServer().url);
  await admin.execute(`DROP DATABASE ${scratch}`);
  await admin.close();
  await gateway.close();
});

function urlFor(driver: 'mysql' | 'http', database = 's2_test'): string {
  const info = testServer();
  const auth = `${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}`;
  return driver === 'mysql' ? `mysql://${auth}@${info.host}:${info.port}/${database}` : `http://${auth}@127.0.0.1:${gateway.port}/${database}`;
}

const DATA = [
  ['a', 'antelopes', 2],
  ['b', 'bears', 2],
  ['c', 'cats', 5],
  ['d', 'dogs', 4],
  ['e', 'elephants', 0],
];

describe.each(['mysql', 'http'] as const)('conformance over %s', (driver) => {
  let conn: Connection;
  const open = (options: ConnectOptions = {}, database?: string) => connect(urlFor(driver, database), options);
  beforeAll(async () => {
    conn = await open();
  });
  afterAll(() => conn.close());

  it('fetch methods, rowcount, rownumber and description', async () => {
    const cur = conn.cursor();
    expect(await cur.execute('SELECT * FROM data ORDER BY id')).toBe(5);
    expect(cur.description!.map((d) => [d.name, d.typeCode])).toEqual([
      ['id', 253],
      ['name', 253],
      ['value', 8],
    ]);
    expect(await cur.fetchone()).toEqual(DATA[0]);
    expect(await cur.fetchmany(2)).toEqual(DATA.slice(1, 3));
    expect(await cur.fetchall()).toEqual(DATA.slice(3));
    expect(cur.rownumber).toBe(5);
  });

  it('parameter styles and mismatches', async () => {
    expect(await conn.query('SELECT id FROM data WHERE id < %s ORDER BY id', ['c'])).toEqual([['a'], ['b']]);
    expect(await conn.query('SELECT id FROM data WHERE id < %(x)s ORDER BY id', { x: 'b' })).toEqual([['a']]);
    expect(await conn.query("SELECT ?, 'lit?'", ["it's"])).toEqual([["it's", 'lit?']]);
    await expect(conn.query('SELECT ?, ?', [1])).rejects.toBeInstanceOf(ParameterError);
  });

  it('result shapes', async () => {
    expect(await conn.query('SELECT id, value FROM data WHERE id = ?', ['c'], { resultsType: 'objects' })).toEqual([{ id: 'c', value: 5 }]);
    const [named] = await conn.query<{ name: string }>('SELECT name FROM data WHERE id = ?', ['d'], { resultsType: 'namedtuples' });
    expect(named.name).toBe('dogs');
  });

  it("the 'columns' frame format", async () => {
    const frame = await conn.queryFrame('SELECT value, name FROM data ORDER BY id');
    expect(frame.column('value')!.values).toEqual(new BigInt64Array([2n, 2n, 5n, 4n, 0n]));
    expect(frame.column('name')!.values).toEqual(['antelopes', 'bears', 'cats', 'dogs', 'elephants']);
  });

  it('alltypes extremes decode exactly', async () => {
    const [row] = await conn.query<Record<string, unknown>>('SELECT * FROM alltypes WHERE id = 3', undefined, { resultsType: 'objects' });
    expect(row).toMatchObject({
      tinyint: 127,
      unsigned_int: 4294967295,
      bigint: 9223372036854775807n,
      unsigned_bigint: 18446744073709551615n,
      decimal: '99999999999999.999999',
      year: 2155,
    });
    expect((row.datetime_6 as SqlDateTime).toSqlString()).toBe('9999-12-31 23:59:59.999999');
    expect(String(row.time)).toBe('838:59:59');
    expect(row.bit).toEqual(Buffer.alloc(8, 0xff));
  });

  it('server errors are typed with errno', async () => {
    const err = await conn.query('garbage syntax').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect((err as ProgrammingError).errno).toBe(1064);
    await expect(conn.query('SELECT %s', [NaN])).rejects.toThrow(/nan can not be used/);
  });

  it('executemany reports the total row count', async () => {
    const c = await open({}, scratch);
    await c.execute(`CREATE TABLE em_${driver} (a INT, b VARCHAR(10))`);
    expect(
      await c.executemany(
        `INSERT INTO em_${driver} VALUES (?, ?)`,
        Array.from({ length: 500 }, (_, i) => [i, `r${i}`]),
      ),
    ).toBe(500);
    expect(await c.query(`SELECT COUNT(*) FROM em_${driver}`)).toEqual([[500]]);
    await c.close();
  });

  it('multi-statements: supported over the wire, a typed error over HTTP', async () => {
    if (driver === 'http') {
      await expect(open({ multiStatements: true })).rejects.toBeInstanceOf(InterfaceError);
      return;
    }
    const c = await open({ multiStatements: true });
    const cur = c.cursor();
    await cur.execute('SELECT 1; SELECT 2');
    expect(await cur.nextset()).toBe(true);
    await c.close();
  });

  it('LOCAL INFILE: supported over the wire, a typed error over HTTP', async () => {
    const c = await open({ localInfile: true }, scratch);
    await c.execute(`CREATE TABLE li_${driver} (a INT)`);
    const load = c.execute(`LOAD DATA LOCAL INFILE ':stream:' INTO TABLE li_${driver}`, undefined, { infile: '1\n2\n' });
    if (driver === 'http') await expect(load).rejects.toBeInstanceOf(NotSupportedError);
    else expect((await load).rowcount).toBe(2);
    await c.close();
  });

  it('transactions: rolled back over the wire, a typed error over HTTP', async () => {
    const c = await open({}, scratch);
    await c.execute(`CREATE TABLE tx_${driver} (a INT) ENGINE=InnoDB`);
    if (driver === 'http') {
      await expect(c.begin()).rejects.toBeInstanceOf(NotSupportedError);
    } else {
      await c.begin();
      await c.execute(`INSERT INTO tx_${driver} VALUES (1)`);
      await c.rollback();
      expect(await c.query(`SELECT COUNT(*) FROM tx_${driver}`)).toEqual([[0]]);
    }
    await c.close();
  });
});
