import { loadNative, nativeStatus, resetNativeLoader } from '@s2/native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  FieldType,
  InterfaceError,
  NotSupportedError,
  OperationalError,
  ParameterError,
  ProgrammingError,
  S2Error,
  SqlDateTime,
  SqlTime,
  options,
  withOptions,
  type Connection,
  type NamedRow,
} from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { skipUnless } from '@s2/testing/vitest';
import { open, serverUrl } from './support.js';

const DATA = [
  ['a', 'antelopes', 2],
  ['b', 'bears', 2],
  ['c', 'cats', 5],
  ['d', 'dogs', 4],
  ['e', 'elephants', 0],
];
const scratch = uniqueDatabaseName('core');
let conn: Connection;

beforeAll(async () => {
  conn = await open({ localInfile: true });
  await conn.query(`CREATE DATABASE ${scratch}`);
});
afterAll(async () => {
  await conn.query(`DROP DATABASE ${scratch}`);
  await conn.close();
});

describe('fetching (test_basics)', () => {
  it('lists the test database', async () => {
    const rows = await conn.query<[string]>('SHOW DATABASES');
    expect(rows.map((r) => r[0])).toContain('s2_test');
  });

  it('fetchall, rowcount, rownumber, lastrowid and description', async () => {
    const cur = conn.cursor();
    expect(await cur.execute('SELECT * FROM data ORDER BY id')).toBe(5);
    expect(cur.lastrowid).toBeNull();
    expect(cur.description!.map((d) => d.name)).toEqual(['id', 'name', 'value']);
    expect(cur.description!.map((d) => d.typeCode)).toEqual([FieldType.VAR_STRING, FieldType.VAR_STRING, FieldType.LONGLONG]);
    expect(await cur.fetchall()).toEqual(DATA);
    expect(cur.rownumber).toBe(5);
    expect(await cur.fetchall()).toEqual([]);
  });

  it('fetchone and fetchmany track rownumber; arraysize is the default size', async () => {
    const cur = conn.cursor();
    await cur.execute('SELECT * FROM data ORDER BY id');
    expect(await cur.fetchone()).toEqual(DATA[0]);
    expect(cur.rownumber).toBe(1);
    expect(await cur.fetchmany(3)).toEqual(DATA.slice(1, 4));
    expect(cur.rownumber).toBe(4);
    cur.arraysize = 3;
    expect(await cur.fetchmany()).toEqual(DATA.slice(4));
    expect(await cur.fetchone()).toBeNull();
  });

  it("info is the OK packet's text of a statement without rows, '' for a result with rows", async () => {
    await conn.execute('CREATE TEMPORARY TABLE info_t (id int primary key, v int)');
    const cur = conn.cursor();
    await cur.execute('INSERT INTO info_t VALUES (1, 0), (2, 0), (3, 0)');
    expect(cur.info).toMatch(/^Records: 3\s+Duplicates: 0\s+Warnings: 0$/);
    await cur.execute('UPDATE info_t SET v = 1 WHERE id < 3');
    expect(cur.info).toMatch(/^Rows matched: 2\s+Changed: 2\s+Warnings: 0$/);
    await cur.execute('SELECT * FROM info_t');
    expect(cur.info).toBe('');
    await cur.execute('DROP TEMPORARY TABLE info_t');
    expect(cur.info).toBe('');
  });

  it('iterates with for await', async () => {
    const cur = conn.cursor();
    await cur.execute('SELECT * FROM data ORDER BY id');
    const seen: unknown[] = [];
    for await (const row of cur) seen.push(row);
    expect(seen).toEqual(DATA);
  });

  it('streaming cursors report rowcount -1 and fetch on demand', async () => {
    const c = await open({ buffered: false });
    const cur = c.cursor();
    await cur.execute('SELECT * FROM longer_data ORDER BY id');
    expect(cur.rowcount).toBe(-1);
    expect(await cur.fetchmany(2)).toEqual(DATA.slice(0, 2));
    await cur.scroll(2);
    expect(await cur.fetchone()).toEqual(DATA[4]);
    await expect(cur.scroll(-1)).rejects.toBeInstanceOf(NotSupportedError);
    expect((await cur.fetchall()).length).toBe(7);
    await cur.close();
    await c.close();
  });

  it('dict, positional, ? and :name parameters; mismatches are ParameterErrors', async () => {
    const ids = (rows: unknown[][]) => rows.map((r) => r[0]);
    expect(ids(await conn.query<unknown[]>('SELECT * FROM data WHERE id < %(name)s ORDER BY id', { name: 'd' }))).toEqual(['a', 'b', 'c']);
    expect(ids(await conn.query<unknown[]>('SELECT * FROM data WHERE id < %s ORDER BY id', ['d']))).toEqual(['a', 'b', 'c']);
    expect(ids(await conn.query<unknown[]>('SELECT * FROM data WHERE id < ? ORDER BY id', ['d']))).toEqual(['a', 'b', 'c']);
    expect(ids(await conn.query<unknown[]>('SELECT * FROM data WHERE id < :name ORDER BY id', { name: 'd' }))).toEqual(['a', 'b', 'c']);
    await expect(conn.query('SELECT * FROM data WHERE id < %(name)s', { other: 'd' })).rejects.toBeInstanceOf(ParameterError);
    await expect(conn.query('SELECT * FROM data WHERE id < %s', ['d', 'e'])).rejects.toBeInstanceOf(ParameterError);
    await expect(conn.query('SELECT * FROM data WHERE id < %s AND id > %s', ['d'])).rejects.toBeInstanceOf(ParameterError);
  });

  it('colons and percent signs in SQL text are not placeholders', async () => {
    expect(await conn.query("SELECT 'foo::bar', 'foo:bar', ?", ['x'])).toEqual([['foo::bar', 'foo:bar', 'x']]);
    const [[t]] = await conn.query<[SqlTime]>('SELECT TIME(%s)', ['00:07:00']);
    expect(String(t)).toBe('00:07:00');
    expect(await conn.query('SELECT i FROM test_val_with_percent WHERE i = %s', ['a%a'])).toEqual([['a%a']]);
  });

  // The reference's test_mogrify_val_with_percent: its `%` formatting un-doubles `%%` inside quotes too.
  it('%% inside quoted strings becomes % when parameters are interpolated (test_mogrify_val_with_percent)', async () => {
    const replace = 'SELECT REPLACE(i, "%%", "\\%%") FROM test_val_with_percent';
    expect(conn.mogrify(`${replace} WHERE i = %s`, ['a%a'])).toBe('SELECT REPLACE(i, "%", "\\%") FROM test_val_with_percent WHERE i = \'a%a\'');
    expect(await conn.query(`${replace} WHERE i = %s`, ['a%a'])).toEqual([['a\\%a']]);
    const withEmpty = await open({ interpolateQueryWithEmptyArgs: true });
    try {
      expect(await withEmpty.query(replace, [])).toEqual([['a\\%a']]);
    } finally {
      await withEmpty.close();
    }
    // Without parameters nothing is interpolated: the server sees the doubled text.
    expect(await conn.query("SELECT '100%%'")).toEqual([['100%%']]);
    expect(await conn.query("SELECT '100%%', %s", [1])).toEqual([['100%', 1]]);
    // LIKE 'a\%' matches only the text 'a%'; the doubled 'a\%%' (the old behaviour) matched 'a%a' too.
    expect(await conn.query("SELECT COUNT(*) FROM test_val_with_percent WHERE i LIKE 'a\\%%' AND %s", [1])).toEqual([[0]]);
    expect(await conn.query("SELECT COUNT(*) FROM test_val_with_percent WHERE i LIKE 'a%%' -- 100%%\n AND %s", [1])).toEqual([[1]]);
  });

  it('server errors keep errno and message (test_wrap_exc)', async () => {
    const err = await conn.query('garbage syntax').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect((err as ProgrammingError).errno).toBe(1064);
    expect((err as Error).message).toMatch(/You have an error in your SQL syntax/);
    expect(conn.errors.ProgrammingError).toBe(ProgrammingError);
  });

  it('regressions: numbers next to long strings', async () => {
    expect(await conn.query(`SELECT 1, '${'a'.repeat(48)}'`)).toEqual([[1, 'a'.repeat(48)]]);
    expect(await conn.query(`SELECT CAST(1.2 AS DOUBLE), '${'a'.repeat(49)}'`)).toEqual([[1.2, 'a'.repeat(49)]]);
  });

  it('NaN and Infinity parameters raise, or become NULL when asked', async () => {
    await expect(conn.query('SELECT %s', [NaN])).rejects.toBeInstanceOf(ProgrammingError);
    await expect(conn.query('SELECT %s', [Infinity])).rejects.toThrow(/inf can not be used/);
    const lenient = await open({ nanAsNull: true, infAsNull: true });
    expect(await lenient.query('SELECT %s, %s, %s', [NaN, Infinity, 1.234])).toEqual([[null, null, 1.234]]);
    await lenient.close();
  });

  it('strict UTF-8 decoding names the column; replace substitutes', async () => {
    // With character_set_results = NULL the server sends latin1 bytes unconverted: 0xff is not UTF-8.
    const sql = "SELECT CONVERT(X'61ff62' USING latin1) AS bad";
    const strict = await open();
    await strict.execute('SET character_set_results = NULL');
    const err = await strict.query(sql).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(S2Error);
    expect((err as Error).message).toMatch(/'bad'.*encodingErrors/);
    expect(await strict.query('SELECT 1')).toEqual([[1]]);
    await strict.close();
    const lenient = await open({ encodingErrors: 'replace' });
    await lenient.execute('SET character_set_results = NULL');
    expect(await lenient.query(sql)).toEqual([['a\uFFFDb']]);
    await lenient.close();
    expect(await conn.query('SELECT text FROM badutf8 ORDER BY 1')).toEqual([['🥒rick.eth'], ['🥷🧙👻.eth']]);
  });
});

describe('results types (test_results)', () => {
  it('tuples, objects and named rows', async () => {
    expect((await conn.query('SELECT * FROM data ORDER BY id', undefined, { resultsType: 'tuples' }))[0]).toEqual(['a', 'antelopes', 2]);
    expect((await conn.query('SELECT * FROM data ORDER BY id', undefined, { resultsType: 'objects' }))[0]).toEqual({ id: 'a', name: 'antelopes', value: 2 });
    const [row] = await conn.query<NamedRow>('SELECT * FROM data ORDER BY id LIMIT 1', undefined, { resultsType: 'namedtuples' });
    expect(row.name).toBe('antelopes');
    expect(row[2]).toBe(2);
    expect([...row]).toEqual(['a', 'antelopes', 2]);
    expect(row.toObject()).toEqual({ id: 'a', name: 'antelopes', value: 2 });
  });

  it('duplicate names get the table prefix in objects, positions in named rows', async () => {
    const [obj] = await conn.query<Record<string, unknown>>(
      "SELECT a.id, b.id, 'x' AS id FROM data a JOIN data b ON a.id = b.id ORDER BY a.id LIMIT 1",
      undefined,
      {
        resultsType: 'objects',
      },
    );
    // The reference's MySQL cursor rule, '.id' for the expression; nothing dropped.
    expect(obj).toEqual({ id: 'a', 'b.id': 'a', '.id': 'x' });
    const [twice] = await conn.query<Record<string, unknown>>("SELECT 'x' AS id, 'y' AS id, 'z' AS id", undefined, { resultsType: 'objects' });
    expect(twice).toEqual({ id: 'x', '.id': 'y', '.id_2': 'z' });
    // Object builders are reused across results with the same keys (and only those): results
    // of other shapes in between, and more shapes than are kept, get their own keys every time.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 300; i += 37) {
        const [one] = await conn.query<Record<string, unknown>>(`SELECT ${i} AS \`k${i}\`, 'v' AS \`a\\0b\``, undefined, { resultsType: 'objects' });
        expect(one).toEqual({ [`k${i}`]: i, 'a\\0b': 'v' });
      }
      const [swapped] = await conn.query<Record<string, unknown>>('SELECT 1 AS b, 2 AS a', undefined, { resultsType: 'objects' });
      expect(Object.entries(swapped)).toEqual([
        ['b', 1],
        ['a', 2],
      ]);
    }
    const frame = await conn.queryFrame("SELECT a.id, b.id, 'x' AS id, 'y' AS id FROM data a JOIN data b ON a.id = b.id LIMIT 1");
    expect(frame.names).toEqual(['id', 'b.id', 'id_2', 'id_3']);
    const [named] = await conn.query<NamedRow>('SELECT 1 AS x, 2 AS x, 3 AS `not valid`', undefined, {
      resultsType: 'dicts' === 'dicts' ? 'namedtuples' : 'tuples',
    });
    expect(named.fields).toEqual(['x', '_1', '_2']);
  });

  it('the results.type option and the deprecated resultsFormat select the shape', async () => {
    await withOptions({ 'results.type': 'dicts' }, async () => {
      const c = await connect(serverUrl());
      expect((await c.query('SELECT 1 AS one'))[0]).toEqual({ one: 1 });
      await c.close();
    });
    const c = await connect(serverUrl(), { resultsFormat: 'dicts' });
    expect((await c.query('SELECT 1 AS one'))[0]).toEqual({ one: 1 });
    await c.close();
  });
});

describe('alltypes (test_alltypes*)', () => {
  it('row 0 decodes to the expected values', async () => {
    const [r] = await conn.query<Record<string, unknown>>('SELECT * FROM alltypes WHERE id = 0', undefined, { resultsType: 'objects' });
    expect(r).toMatchObject({
      tinyint: 80,
      unsigned_tinyint: 85,
      bool: 0,
      boolean: 1,
      smallint: -27897,
      unsigned_smallint: 27897,
      mediumint: 104729,
      unsigned_mediumint: 120999,
      int: -1295369311,
      unsigned_int: 3872362332,
      bigint: -266883847,
      unsigned_bigint: 980007287362,
      float: -146487000,
      double: -474646154.719356,
      decimal: '28111097.610822',
      numeric: '866689461.300046',
      year: 1923,
      char_100: 'This is a test of a 100 character column.',
      enum: 'one',
      set: 'two',
    });
    expect(String(r.time)).toBe('00:07:00');
    expect(String(r.time_6)).toBe('01:10:00.000002');
    expect((r.datetime_6 as SqlDateTime).toSqlString()).toBe('1756-10-29 02:02:42.000008');
    expect((r.date as Date).getFullYear()).toBe(8524);
    expect(r.binary_100).toEqual(Buffer.concat([Buffer.from([...Array(16).keys()]), Buffer.alloc(84)]));
    expect(r.bit).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80]));
    expect(JSON.parse(r.json as string)).toEqual({ a: 10, b: 2.75, c: 'hello world' });
  });

  it('row 1 is all NULL; rows 2 and 3 hold the extremes exactly', async () => {
    const rows = await conn.query<unknown[]>('SELECT * FROM alltypes ORDER BY id');
    expect(rows[1].slice(1).every((v) => v === null)).toBe(true);
    const cols = await conn.query<Record<string, unknown>>('SELECT * FROM alltypes WHERE id IN (2, 3) ORDER BY id', undefined, { resultsType: 'objects' });
    expect(cols[0]).toMatchObject({ bigint: -9223372036854775808n, unsigned_bigint: 0, decimal: '-99999999999999.999999', year: 1901 });
    expect(String(cols[0].time)).toBe('-838:59:59');
    expect(cols[1]).toMatchObject({ bigint: 9223372036854775807n, unsigned_bigint: 18446744073709551615n, double: 1.7976931348623157e308, year: 2155 });
    expect((cols[1].datetime_6 as SqlDateTime).toSqlString()).toBe('9999-12-31 23:59:59.999999');
    expect(cols[1].bit).toEqual(Buffer.alloc(8, 0xff));
  });

  it('character lengths across every length-encoding size, including > 16 MiB', async () => {
    const c = await open({ database: scratch });
    await c.query('CREATE TABLE lengths (id INT, t LONGTEXT CHARACTER SET utf8mb4)');
    const sizes = [1, 255, 256, 65535, 65536, 2 ** 24 - 1, 2 ** 24, 2 ** 24 - 1 + 100000];
    await c.executemany(
      'INSERT INTO lengths VALUES (%s, %s)',
      sizes.map((n, i) => [i, 'é'.repeat(n)]),
    );
    const rows = await c.query<[number, string]>('SELECT id, t FROM lengths ORDER BY id');
    expect(rows.map((r) => r[1].length)).toEqual(sizes);
    expect(rows.every((r) => /^é*$/.test(r[1]))).toBe(true);
    await c.close();
  });
});

describe('connection behaviour (test_connection)', () => {
  it('close semantics: second close is an error; closed connections raise InterfaceError', async () => {
    const c = await open();
    expect(c.isConnected()).toBe(true);
    await c.close();
    expect(c.isConnected()).toBe(false);
    await expect(c.close()).rejects.toThrow(/Already closed/);
    await expect(c.commit()).rejects.toBeInstanceOf(InterfaceError);
    await expect(c.locals.get('autocommit')).rejects.toBeInstanceOf(InterfaceError);
    await expect(c.cursor().execute('SELECT 1')).rejects.toMatchObject({ errno: 0 });
  });

  it('await using closes the connection', async () => {
    let leaked: Connection;
    {
      await using c = await open();
      leaked = c;
      expect(await c.query('SELECT 1')).toEqual([[1]]);
    }
    expect(leaked.isConnected()).toBe(false);
  });

  it('cursor close semantics', async () => {
    const cur = conn.cursor();
    await expect(cur.fetchone()).rejects.toThrow(/execute\(\) first/);
    await cur.execute('SELECT 1');
    await cur.close();
    await cur.close();
    expect(cur.isConnected()).toBe(false);
    await expect(cur.execute('SELECT 1')).rejects.toThrow(/Cursor closed/);
    await expect(cur.fetchall()).rejects.toBeInstanceOf(ProgrammingError);
    await expect(cur.nextset()).rejects.toBeInstanceOf(ProgrammingError);
    expect(cur.messages).toEqual([]);
  });

  it('scroll in buffered cursors', async () => {
    const cur = conn.cursor();
    await cur.execute('SELECT name FROM data ORDER BY name');
    expect(await cur.fetchone()).toEqual(['antelopes']);
    await cur.scroll(3);
    expect(await cur.fetchone()).toEqual(['elephants']);
    expect(cur.rownumber).toBe(5);
    await cur.scroll(0, 'absolute');
    expect(await cur.fetchone()).toEqual(['antelopes']);
    await expect(cur.scroll(1, 'sideways' as never)).rejects.toThrow(/unknown scroll mode/);
    await expect(cur.scroll(10)).rejects.toBeInstanceOf(ProgrammingError);
  });

  it('callproc returns each result set then an empty one', async () => {
    const cur = conn.cursor();
    await cur.callproc('get_animal', ['cats']);
    expect(await cur.fetchall()).toEqual([[5]]);
    expect(await cur.nextset()).toBe(true);
    expect(await cur.fetchall()).toEqual([[1, 2, 3]]);
    expect(await cur.nextset()).toBe(true);
    expect(await cur.fetchall()).toEqual([]);
    expect(await cur.nextset()).toBe(false);
    await cur.callproc('no_args');
    expect(await cur.fetchall()).toEqual([[4, 5, 6]]);
    await expect(cur.callproc('get_animal', ['a', 'b'])).rejects.toBeInstanceOf(OperationalError);
  });

  it('multi statements with nextset', async () => {
    const c = await open({ multiStatements: true });
    const cur = c.cursor();
    await cur.execute('SELECT 1; SELECT 2;');
    expect(await cur.fetchall()).toEqual([[1]]);
    expect(await cur.nextset()).toBe(true);
    expect(await cur.fetchall()).toEqual([[2]]);
    expect(await cur.nextset()).toBe(false);
    await c.close();
  });

  it('autocommit, commit and rollback', async () => {
    const c = await open({ database: scratch });
    await c.query('CREATE TABLE tx (v INT) ENGINE=InnoDB');
    await c.autocommit(false);
    expect(c.getAutocommit()).toBe(false);
    expect(await c.locals.get('autocommit')).toBe(false);
    await c.query('INSERT INTO tx VALUES (1)');
    expect(await c.query('SELECT COUNT(*) FROM tx')).toEqual([[1]]);
    await c.rollback();
    expect(await c.query('SELECT COUNT(*) FROM tx')).toEqual([[0]]);
    await c.query('INSERT INTO tx VALUES (2)');
    await c.commit();
    await c.autocommit(true);
    expect(await c.locals.get('autocommit')).toBe(true);
    expect(await c.query('SELECT v FROM tx')).toEqual([[2]]);
    await c.close();
  });

  it('session and global variables, one at a time and in bulk', async () => {
    await conn.locals.set('div_precision_increment', 7);
    expect(await conn.locals.get('div_precision_increment')).toBe('7');
    await conn.locals.setAll({ div_precision_increment: 9, unique_checks: false });
    expect(await conn.locals.getAll(['div_precision_increment', 'unique_checks'])).toEqual({ div_precision_increment: '9', unique_checks: false });
    await conn.locals.setAll({ div_precision_increment: 4, unique_checks: true });
    const before = await conn.globals.get('local_infile');
    await conn.globals.set('local_infile', false);
    expect(await conn.globals.get('local_infile')).toBe(false);
    await conn.globals.set('local_infile', before);
    await expect(conn.locals.get('no_such_variable_here')).rejects.toThrow(/No variable found/);
    await expect(conn.locals.get('foo.bar')).rejects.toThrow(/invalid characters/);
  });

  it('LOCAL INFILE loads CSV through the cursor', async () => {
    const c = await open({ database: scratch, localInfile: true });
    await c.query('CREATE TABLE people (first VARCHAR(20), last VARCHAR(20), age INT)');
    const cur = c.cursor();
    await cur.execute("LOAD DATA LOCAL INFILE ':stream:' INTO TABLE people FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n'", undefined, {
      infile: 'John,Doe,34\nSandy,Smith,24\nPatty,Jones,57\n'
        .split('\n')
        .map((l) => `${l}\n`)
        .slice(0, 3),
    });
    expect(cur.rowcount).toBe(3);
    expect(await c.query('SELECT COUNT(*) FROM people')).toEqual([[3]]);
    await c.close();
  });

  it('conv overrides decode TEXT columns', async () => {
    const upper = (v: string | Uint8Array) => String(v).toUpperCase();
    const c = await open({ conv: { 15: upper, 249: upper, 250: upper, 251: upper, 252: upper, 253: upper, 254: upper } });
    expect(await c.query("SELECT name FROM data WHERE id = 'a'")).toEqual([['ANTELOPES']]);
    await c.close();
    expect(await conn.query("SELECT name FROM data WHERE id = 'a'")).toEqual([['antelopes']]);
  });

  it('client_found_rows changes the affected-rows count of a no-op UPDATE', async () => {
    for (const [flag, expected] of [
      [false, 0],
      [true, 1],
    ] as const) {
      const c = await open({ database: scratch, clientFoundRows: flag });
      await c.query('CREATE TEMPORARY TABLE cf (id INT PRIMARY KEY, v INT)');
      await c.query('INSERT INTO cf VALUES (1, 1)');
      expect((await c.execute('UPDATE cf SET v = 1 WHERE id = 1')).rowcount).toBe(expected);
      await c.close();
    }
  });

  it('executemany batches inserts and reports the total; no params does nothing', async () => {
    const c = await open({ database: scratch });
    await c.query('CREATE TABLE em (a INT, b VARCHAR(20))');
    expect(
      await c.executemany(
        'INSERT INTO em VALUES (?, ?)',
        Array.from({ length: 2500 }, (_, i) => [i, `v${i}`]),
      ),
    ).toBe(2500);
    expect(await c.query('SELECT COUNT(*), SUM(a) FROM em')).toEqual([[2500, '3123750']]);
    expect(await c.executemany('DELETE FROM em WHERE a > %(n)s', [{ n: 10 }, { n: 5 }])).toBe(2494);
    expect(await c.executemany('DELETE FROM em', [])).toBeNull();
    await c.close();
  });

  it('connect_timeout is accepted and an out-of-range value is refused', async () => {
    const c = await open({ connectTimeout: 8 });
    await c.ping();
    await c.close();
    await expect(open({ connectTimeout: 0 })).rejects.toThrow(/connect_timeout/);
  });

  it('pure_js=false requires the native decoder: NotSupported when it is disabled or missing', async () => {
    const before = options.get('pure_js');
    options.set('pure_js', true);
    resetNativeLoader();
    try {
      const err = await open({ pureJs: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotSupportedError);
      expect(String((err as Error).message)).toMatch(/native accelerator is required.*SINGLESTOREDB_PURE_JS/);
    } finally {
      options.set('pure_js', before);
      resetNativeLoader();
    }
  });

  it(
    'pure_js=false with the native decoder loaded connects and decodes',
    skipUnless(loadNative() ? null : `the native addon is not loaded: ${nativeStatus().source}`, options.get('pure_js') === true ? 'opt-in' : 'missing-tool'),
    async () => {
      expect(loadNative()).not.toBeNull();
      const conn = await open({ pureJs: false });
      expect(await conn.query('SELECT 1')).toEqual([[1]]);
      await conn.close();
    },
  );

  it('an http URL selects the Data API connector (here: nothing listens, so a typed connect error)', async () => {
    const err = await connect('http://u:p@127.0.0.1:1/db').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2003);
  });
});

describe('show accessor (test_show_accessors)', () => {
  it('columns, tables, databases, status, indexes, processlist, create table', async () => {
    const cols = await conn.show.columns('data');
    expect(cols.columns).toEqual(['Name', 'Type', 'Null', 'Key', 'Default', 'Extra']);
    expect(cols.column('Name')).toEqual(['id', 'name', 'value']);
    expect(cols.column('Type')).toEqual(['varchar(255)', 'varchar(255)', 'bigint(20)']);
    expect((await conn.show.tables()).columns).toEqual(['Name']);
    expect((await conn.show.databases()).column('Name')).toContain('information_schema');
    expect((await conn.show.schemas()).columns).toEqual(['Name']);
    for (const rows of [await conn.show.globalStatus(), await conn.show.sessionStatus(), await conn.show.status()])
      expect(rows.columns).toEqual(['Name', 'Value']);
    const idx = await conn.show.indexes('data');
    expect(idx.column('Name')).toEqual(['data']);
    expect(idx.columns).toContain('KeyName');
    expect((await conn.show.processlist()).columns).toContain('Command');
    expect((await conn.show.tableStatus()).columns[0]).toBe('Name');
    const create = await conn.show.createTable('data');
    expect(create.columns).toEqual(['Name', 'CreateTable']);
    expect(String(create[0].CreateTable)).toContain('`value` bigint(20)');
    expect(create.toTable()).toMatch(/^\| Name +\| CreateTable/);
  });

  it('SingleStore-only SHOW commands surface the typed server error', async () => {
    await expect(conn.show.pipelines()).rejects.toBeInstanceOf(ProgrammingError);
    await expect(conn.show.plancache()).rejects.toBeInstanceOf(ProgrammingError);
  });
});

describe('object rows with awkward column names', () => {
  it('keeps __proto__, quotes and unicode as plain own keys', async () => {
    const [row] = await conn.query<Record<string, unknown>>('SELECT 1 AS `__proto__`, 2 AS `a"b\'c`, 3 AS `é ü`', undefined, { resultsType: 'objects' });
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row)).toEqual(['__proto__', 'a"b\'c', 'é ü']);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(1);
    const [plain] = await conn.query<Record<string, unknown>>('SELECT 1 AS `a"b\'c`, 2 AS `x\\\\y`', undefined, { resultsType: 'objects' });
    expect(plain).toEqual({ 'a"b\'c': 1, 'x\\\\y': 2 });
  });
});
