import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, DataError, loadStatement, NotSupportedError, ParameterError, SqlDateTime, SqlTime, type Connection } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { startDataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';
import { open } from './support.js';

const db = uniqueDatabaseName('load');
let conn: Connection;

beforeAll(async () => {
  conn = await open({ localInfile: true, timezone: 'Z' });
  await conn.execute(`CREATE DATABASE ${db}`);
  await conn.selectDb(db);
});
afterAll(async () => {
  await conn.execute(`DROP DATABASE ${db}`);
  await conn.close();
});

async function table(name: string, columns: string): Promise<string> {
  await conn.execute(`DROP TABLE IF EXISTS ${name}`);
  await conn.execute(`CREATE TABLE ${name} (${columns}) ENGINE=InnoDB`);
  return name;
}

/** A full garbage collection on demand (V8's gc, exposed at run time for memory measurements). */
function forcedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const count = async (t: string) => Number((await conn.query<[number]>(`SELECT COUNT(*) FROM ${t}`))[0][0]);

describe('the statement', () => {
  it('quotes the table (optionally db.table) and the columns', () => {
    expect(loadStatement('t', ['a', 'b c'])).toBe(
      "LOAD DATA LOCAL INFILE ':stream:' INTO TABLE `t` CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`a`, `b c`)",
    );
    expect(loadStatement('db.t', null, { replace: true })).toMatch(
      /^LOAD DATA LOCAL INFILE ':stream:' REPLACE INTO TABLE `db`.`t` CHARACTER SET utf8mb4 FIELDS/,
    );
    expect(loadStatement('`my.db`.`odd``name`', ['x`y'], { ignore: true })).toMatch(/ IGNORE INTO TABLE `my.db`.`odd``name` .* \(`x``y`\)$/);
    for (const bad of ['', 'a.b.c', 'a.', '.a', 'a`b', '`unterminated', 't; DROP TABLE x']) {
      if (bad === 't; DROP TABLE x') expect(loadStatement(bad, null)).toContain('`t; DROP TABLE x`');
      else expect(() => loadStatement(bad, null)).toThrow(ParameterError);
    }
  });
});

describe('conn.load() round trips', () => {
  it('text with tabs, newlines, CR, backslashes, NUL, \\N and emoji; NULL vs empty', async () => {
    const t = await table('texts', 'id INT PRIMARY KEY, s MEDIUMTEXT NULL, v VARCHAR(64) NULL');
    const values = [
      'tab\there',
      'line\nbreak',
      'cr\rlf\r\n',
      'back\\slash\\',
      'nul\0byte',
      '\\N',
      'N',
      '😀 emoji ✓ ñ',
      '',
      '\t\n\\\0',
      `long ${'ü😀\t'.repeat(20_000)}`,
      'quote \' and " and `',
    ];
    const rows = values.map((s, i) => [i, s, s.length <= 64 ? s : null]);
    rows.push([values.length, null, null]);
    const r = await conn.load(t, rows, { columns: ['id', 's', 'v'] });
    expect(r).toEqual({ rows: rows.length, warnings: 0 });
    const back = await conn.query<[number, string | null, string | null]>(`SELECT id, s, v FROM ${t} ORDER BY id`);
    expect(back).toEqual(rows);
  });

  it('integers: BIGINT beyond 2^53, UNSIGNED max, negatives; booleans as 1/0; doubles exact', async () => {
    const t = await table('ints', 'id INT PRIMARY KEY, b BIGINT NULL, u BIGINT UNSIGNED NULL, flag TINYINT NULL, d DOUBLE NULL');
    const rows = [
      [1, 9007199254740993n, 18446744073709551615n, true, 0.1],
      [2, -9223372036854775808n, 0n, false, -1.7976931348623157e308],
      [3, 9223372036854775807n, 9007199254740993n, null, 5e-324],
      [4, -0, 12345678901234567890n, 1, 123456789.123456789],
      [5, 2 ** 53 - 1, null, 0, -0.000001234],
    ];
    await conn.load(t, rows);
    const c = await open({ database: db, int64: 'bigint' });
    try {
      const back = await c.query<unknown[]>(`SELECT id, b, u, flag, d FROM ${t} ORDER BY id`);
      expect(back).toEqual([
        [1, 9007199254740993n, 18446744073709551615n, 1, 0.1],
        [2, -9223372036854775808n, 0n, 0, -1.7976931348623157e308],
        [3, 9223372036854775807n, 9007199254740993n, null, 5e-324],
        [4, 0n, 12345678901234567890n, 1, 123456789.123456789],
        [5, 9007199254740991n, null, 0, -0.000001234],
      ]);
    } finally {
      await c.close();
    }
  });

  it('DECIMAL(30,10) keeps every digit', async () => {
    const t = await table('decs', 'id INT PRIMARY KEY, d DECIMAL(30,10) NULL');
    const decs = ['12345678901234567890.0123456789', '-99999999999999999999.9999999999', '0.0000000001', '0.0000000000', null];
    await conn.load(
      t,
      decs.map((d, i) => ({ id: i, d })),
    );
    const back = await conn.query<[number, string | null]>(`SELECT id, d FROM ${t} ORDER BY id`);
    expect(back.map((r) => r[1])).toEqual(decs);
  });

  it('DATETIME(6) with microseconds (SqlDateTime), Dates in the connection zone, DATE and TIME', async () => {
    const t = await table('times', 'id INT PRIMARY KEY, dt DATETIME(6) NULL, d DATE NULL, tm TIME(6) NULL');
    const [[micro]] = await conn.query<[SqlDateTime]>("SELECT CAST('2024-02-29 23:59:58.123456' AS DATETIME(6))");
    expect(micro).toBeInstanceOf(SqlDateTime);
    await conn.load(t, [
      [1, micro, '2024-02-29', SqlTime.parse('-838:59:59.000001')],
      [2, new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 7)), new Date(Date.UTC(2000, 0, 1)), '12:34:56.5'],
      [3, '1000-01-01 00:00:00.000001', null, null],
      [4, new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), '9999-12-31', new SqlTime(1, 0, 0, 0, 1)],
    ]);
    const back = await conn.query<string[]>(`SELECT CAST(dt AS CHAR), CAST(d AS CHAR), CAST(tm AS CHAR) FROM ${t} ORDER BY id`);
    expect(back).toEqual([
      ['2024-02-29 23:59:58.123456', '2024-02-29', '-838:59:59.000001'],
      ['1999-12-31 23:59:59.007000', '2000-01-01', '12:34:56.500000'],
      ['1000-01-01 00:00:00.000001', null, null],
      ['9999-12-31 23:59:59.999000', '9999-12-31', '00:00:00.000001'],
    ]);
  });

  it('Dates follow the timezone option, as query parameters do', async () => {
    const t = await table('zoned', 'id INT PRIMARY KEY, dt DATETIME(3)');
    const c = await open({ database: db, localInfile: true, timezone: '+05:30' });
    try {
      const when = new Date(Date.UTC(2024, 5, 1, 12, 0, 0, 250));
      await c.load(t, [[1, when]]);
      await c.execute(`INSERT INTO ${t} VALUES (2, ?)`, [when]);
      const back = await c.query<string[]>(`SELECT CAST(dt AS CHAR) FROM ${t} ORDER BY id`);
      expect(back).toEqual([['2024-06-01 17:30:00.250'], ['2024-06-01 17:30:00.250']]);
    } finally {
      await c.close();
    }
  });

  it('binary bytes 0..255 survive in VARBINARY and BLOB (raw bytes, utf8mb4 file)', async () => {
    const t = await table('bins', 'id INT PRIMARY KEY, vb VARBINARY(600) NULL, bl LONGBLOB NULL');
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const reversed = Buffer.from(all).reverse();
    const big = Buffer.alloc(200_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    await conn.load(t, [
      [1, all, reversed],
      [2, Buffer.alloc(0), big],
      [3, null, all.buffer],
    ]);
    const back = await conn.query<[number, Uint8Array | null, Uint8Array | null]>(`SELECT id, vb, bl FROM ${t} ORDER BY id`);
    expect(Buffer.from(back[0][1]!).equals(Buffer.from(all))).toBe(true);
    expect(Buffer.from(back[0][2]!).equals(reversed)).toBe(true);
    expect(back[1][1]!.length).toBe(0);
    expect(Buffer.from(back[1][2]!).equals(big)).toBe(true);
    expect(back[2][1]).toBeNull();
    expect(Buffer.from(back[2][2]!).equals(Buffer.from(all))).toBe(true);
  });

  it('JSON from objects and arrays (bigint members exact); typed arrays as vector JSON', async () => {
    const t = await table('docs', 'id INT PRIMARY KEY, j JSON NULL, vec TEXT NULL');
    const doc = { name: 'tab\there', nested: { list: [1, 'two', null, true] }, big: 12345678901234567890n, emoji: '😀' };
    await conn.load(t, [
      { id: 1, j: doc, vec: new Float32Array([0.5, 1, -2.25]) },
      { id: 2, j: [1, 2, { a: 'b' }], vec: new Int16Array([1, -2, 3]) },
      { id: 3, j: null, vec: new Float64Array([0.1]) },
    ]);
    const back = await conn.query<[number, string | null, string | null]>(`SELECT id, CAST(j AS CHAR), vec FROM ${t} ORDER BY id`);
    const parsed = JSON.parse(back[0][1]!.replace(/12345678901234567890/, '"12345678901234567890"'));
    expect(parsed).toEqual({ ...doc, big: '12345678901234567890' });
    expect(JSON.parse(back[1][1]!)).toEqual([1, 2, { a: 'b' }]);
    expect(back[2][1]).toBeNull();
    expect(back.map((r) => r[2])).toEqual(['[0.5,1,-2.25]', '[1,-2,3]', '[0.1]']);
  });
});

describe('conn.load() sources and options', () => {
  let t: string;
  beforeEach(async () => {
    t = await table('people', 'id BIGINT PRIMARY KEY, name VARCHAR(32) NULL, score DOUBLE NULL');
  });

  it('array rows fill the table positionally; object rows use the first row’s keys (missing keys are NULL)', async () => {
    expect(
      await conn.load(t, [
        [1, 'a', 1.5],
        [2, 'b', null],
      ]),
    ).toEqual({ rows: 2, warnings: 0 });
    expect(
      await conn.load(t, [
        { score: 3, id: 3, name: 'c' },
        { id: 4, name: 'd' },
      ]),
    ).toEqual({ rows: 2, warnings: 0 });
    expect(await conn.load(t, [{ name: 'e', id: 5 }], { columns: ['id', 'name'] })).toEqual({ rows: 1, warnings: 0 });
    expect(await conn.query(`SELECT id, name, score FROM ${t} ORDER BY id`)).toEqual([
      [1, 'a', 1.5],
      [2, 'b', null],
      [3, 'c', 3],
      [4, 'd', null],
      [5, 'e', null],
    ]);
  });

  it('streams an async generator of 100k rows, in one statement or in batches', async () => {
    let produced = 0;
    async function* rows(n: number, from = 0) {
      for (let i = from; i < from + n; i++) {
        produced++;
        yield { id: i, name: `name ${i}\t${i % 7}`, score: i / 3 };
      }
    }
    expect(await conn.load(t, rows(100_000))).toEqual({ rows: 100_000, warnings: 0 });
    expect(produced).toBe(100_000);
    expect(await count(t)).toBe(100_000);
    const [[sum]] = await conn.query<[string]>(`SELECT SUM(id) FROM ${t}`);
    expect(Number(sum)).toBe((99_999 * 100_000) / 2);
    // batchRows: several LOAD DATA statements, one total.
    expect(await conn.load(t, rows(25_000, 100_000), { batchRows: 10_000 })).toEqual({ rows: 25_000, warnings: 0 });
    expect(await count(t)).toBe(125_000);
  });

  it('streams in bounded memory: while the generator runs, what is held stays far below what was produced', async () => {
    // Memory after a forced full GC, sampled inside the generator: a loader that collected the
    // rows (or queued socket writes without backpressure) before the server took them would hold
    // most of the ~25 MB produced by the last sample; a streaming one holds a few socket buffers.
    const gc = forcedGc();
    const held = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const big = await table('big', 'id BIGINT PRIMARY KEY, payload TEXT NOT NULL');
    const ROWS = 100_000;
    const WIDTH = 250;
    let produced = 0;
    let peak = 0;
    const samples: number[] = [];
    const base = held();
    async function* rows() {
      for (let i = 0; i < ROWS; i++) {
        if (i > 0 && i % 10_000 === 0) {
          const now = held() - base;
          samples.push(now);
          peak = Math.max(peak, now);
        }
        produced += WIDTH;
        yield [i, `${i}:`.padEnd(WIDTH, String.fromCharCode(97 + (i % 26)))];
      }
    }
    expect(await conn.load(big, rows())).toEqual({ rows: ROWS, warnings: 0 });
    expect(samples).toHaveLength(9);
    expect(produced).toBe(ROWS * WIDTH);
    expect(await count(big)).toBe(ROWS);
    expect(peak, `held after GC at each 10k rows: ${samples.map((b) => (b / 2 ** 20).toFixed(1)).join(', ')} MiB`).toBeLessThan(produced / 2.5);
  });

  it('takes sync iterables and nodejs-polars-like frames (columns, height, slice, rows)', async () => {
    function* gen() {
      yield [1, 'x', 1];
      yield [2, 'y', 2];
    }
    expect(await conn.load(t, gen())).toEqual({ rows: 2, warnings: 0 });
    const data = { id: [3, 4, 5], name: ['p', 'q', null], score: [0.5, null, 2] };
    const frame = (
      offset: number,
      length: number,
    ): { columns: string[]; height: number; slice: unknown; rows: unknown; toRecords: unknown; select: unknown } => ({
      columns: Object.keys(data),
      height: length,
      slice: (o: number, l: number) => frame(offset + o, Math.min(l, length - o)),
      rows: () => Array.from({ length }, (_, i) => Object.values(data).map((col) => col[offset + i])),
      toRecords: () => {
        throw new Error('rows() is preferred');
      },
      select: () => {
        throw new Error('not needed');
      },
    });
    expect(await conn.load(t, frame(0, 3) as never)).toEqual({ rows: 3, warnings: 0 });
    expect(await conn.query(`SELECT id, name, score FROM ${t} ORDER BY id`)).toEqual([
      [1, 'x', 1],
      [2, 'y', 2],
      [3, 'p', 0.5],
      [4, 'q', null],
      [5, null, 2],
    ]);
  });

  it('replace and ignore handle duplicate keys; an empty source sends nothing', async () => {
    await conn.load(t, [[1, 'old', 1]]);
    expect(
      await conn.load(
        t,
        [
          [1, 'ignored', 2],
          [2, 'new', 2],
        ],
        { ignore: true },
      ),
    ).toMatchObject({ rows: 1 });
    expect(await conn.query(`SELECT name FROM ${t} ORDER BY id`)).toEqual([['old'], ['new']]);
    expect(await conn.load(t, [[1, 'replaced', 3]], { replace: true })).toMatchObject({ rows: 2 });
    expect(await conn.query(`SELECT name FROM ${t} ORDER BY id`)).toEqual([['replaced'], ['new']]);
    await expect(conn.load(t, [[3, 'x', 1]], { replace: true, ignore: true })).rejects.toThrow(ParameterError);
    expect(await conn.load(t, [])).toEqual({ rows: 0, warnings: 0 });
    expect(await conn.load(t, (async function* () {})())).toEqual({ rows: 0, warnings: 0 });
  });

  it('works under NO_BACKSLASH_ESCAPES and with quoted db.table names', async () => {
    const c = await open({ localInfile: true });
    try {
      await c.execute(`CREATE TABLE ${db}.\`odd name\` (\`a col\` INT, \`b\`\`q\` TEXT)`);
      await c.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
      expect(c.literalContext().noBackslashEscapes).toBe(true);
      await c.load(`${db}.\`odd name\``, [{ 'a col': 1, 'b`q': 'back\\slash\ttab\nnl' }]);
      expect(await c.query(`SELECT * FROM ${db}.\`odd name\``)).toEqual([[1, 'back\\slash\ttab\nnl']]);
    } finally {
      await c.close();
    }
  });
});

describe('conn.load() errors', () => {
  let t: string;
  beforeEach(async () => {
    t = await table('strict', 'id INT PRIMARY KEY, v DOUBLE NOT NULL');
  });

  it('NaN and Infinity are ParameterErrors; nothing is loaded and the connection stays usable', async () => {
    await expect(
      conn.load(t, [
        [1, 1],
        [2, NaN],
      ]),
    ).rejects.toThrow(ParameterError);
    await expect(conn.load(t, [{ id: 1, v: Infinity }])).rejects.toThrow(/row 1: Infinity cannot be loaded/);
    expect(await count(t)).toBe(0);
    expect(await conn.query('SELECT 1')).toEqual([[1]]);
  });

  it('a bad value found after earlier chunks were sent rolls the whole load back', async () => {
    async function* rows() {
      for (let i = 0; i < 50_000; i++) yield [i, i === 40_000 ? NaN : i];
    }
    const err = await conn.load(t, rows()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParameterError);
    expect((err as Error).message).toMatch(/row 40001/);
    expect(await count(t)).toBe(0);
    // atomic: false keeps what the server already took.
    await expect(conn.load(t, rows(), { atomic: false })).rejects.toThrow(ParameterError);
    expect(await count(t)).toBeGreaterThan(0);
    expect(await count(t)).toBeLessThan(40_000);
    expect(await conn.query('SELECT 2')).toEqual([[2]]);
  });

  it('wrong column counts, mixed row shapes and unsupported values are ParameterErrors', async () => {
    await expect(conn.load(t, [[1, 1], [2]])).rejects.toThrow(/row 2 has 1 value\(s\), expected 2/);
    await expect(conn.load(t, [[1, 1, 1]], { columns: ['id', 'v'] })).rejects.toThrow(ParameterError);
    await expect(conn.load(t, [[1, 1], { id: 2, v: 2 }] as never)).rejects.toThrow(/one shape/);
    await expect(conn.load(t, [{ id: 1, v: 1 }, [2, 2]] as never)).rejects.toThrow(ParameterError);
    await expect(conn.load(t, [[1, new Map()]])).rejects.toThrow(ParameterError);
    await expect(conn.load(t, [[1, 'lone \ud800 surrogate']])).rejects.toThrow(ParameterError);
    await expect(conn.load(t, 42 as never)).rejects.toThrow(ParameterError);
    await expect(conn.load(t, [1, 2] as never)).rejects.toThrow(ParameterError);
    await expect(conn.load(t, [[1, 1]], { batchRows: 0 })).rejects.toThrow(ParameterError);
    expect(await conn.query('SELECT 3')).toEqual([[3]]);
  });

  it('server-side errors are DatabaseErrors; the connection stays usable', async () => {
    await expect(conn.load('no_such_table', [[1, 1]])).rejects.toMatchObject({ errno: 1146 });
    await expect(conn.load(t, [[1, 1]], { columns: ['id', 'nope'] })).rejects.toMatchObject({ errno: 1054 });
    expect(await count(t)).toBe(0);
    expect(await conn.query('SELECT 4')).toEqual([[4]]);
  });

  it('bad values and duplicates are warnings for LOCAL loads; failOnWarnings turns them into a DataError and rolls back', async () => {
    // MariaDB/MySQL: LOCAL implies IGNORE semantics, whatever the sql_mode.
    expect(
      await conn.load(t, [
        [1, 'not a number'],
        [1, 2],
      ]),
    ).toEqual({ rows: 1, warnings: 2 });
    await conn.execute(`DELETE FROM ${t}`);
    const err = await conn
      .load(
        t,
        [
          [1, 1],
          [2, 'oops'],
        ],
        { failOnWarnings: true },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/1 warning\(s\): Warning 1366: Incorrect double value: 'oops'/);
    expect(await count(t)).toBe(0);
    expect(await conn.load(t, [[1, 1]], { failOnWarnings: true })).toEqual({ rows: 1, warnings: 0 });
    expect(await conn.query('SELECT 5')).toEqual([[5]]);
  });

  it('an aborted signal stops the load', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(conn.load(t, [[1, 1]], { signal: ac.signal })).rejects.toThrow(/AbortSignal/);
    const ac2 = new AbortController();
    async function* rows() {
      for (let i = 0; i < 200_000; i++) {
        if (i === 100_000) ac2.abort();
        yield [i, i];
      }
    }
    await expect(conn.load(t, rows(), { signal: ac2.signal })).rejects.toThrow(/interrupted/);
    expect(await count(t)).toBe(0);
    expect(await conn.query('SELECT 6')).toEqual([[6]]);
  });

  it('needs localInfile: true at connect time', async () => {
    const c = await open();
    try {
      await expect(c.load(`${db}.${t}`, [[1, 1]])).rejects.toThrow(NotSupportedError);
      await expect(c.load(`${db}.${t}`, [[1, 1]])).rejects.toThrow(/localInfile: true/);
    } finally {
      await c.close();
    }
  });

  it('is NotSupportedError over the Data API (HTTP)', async () => {
    const info = testServer();
    const gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
    try {
      const auth = `${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}`;
      const c = await connect(`http://${auth}@127.0.0.1:${gateway.port}/${db}`, { localInfile: true });
      try {
        await expect(c.load(t, [[1, 1]])).rejects.toThrow(NotSupportedError);
        await expect(c.load(t, [[1, 1]])).rejects.toThrow(/Data API/);
      } finally {
        await c.close();
      }
    } finally {
      await gateway.close();
    }
  });
});
