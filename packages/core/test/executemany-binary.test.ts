import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uniqueDatabaseName } from '@s2/testing';
import { pollUntil, testServer } from '@s2/testing/vitest';
import { connect, IntegrityError, NotSupportedError, OperationalError, type Connection } from '@s2/core';
import { open, serverUrl } from './support.js';

const db = uniqueDatabaseName('bin_many');
let admin: Connection;
let conn: Connection;

beforeAll(async () => {
  admin = await open();
  await admin.execute(`CREATE DATABASE ${db}`);
  conn = await connect(serverUrl(db));
});

afterAll(async () => {
  await conn?.close();
  await admin?.execute(`DROP DATABASE IF EXISTS ${db}`);
  await admin?.close();
});

const COLUMNS = {
  id: 'INT PRIMARY KEY',
  big: 'BIGINT NULL',
  ubig: 'BIGINT UNSIGNED NULL',
  dbl: 'DOUBLE NULL',
  wide: 'DECIMAL(30,4) NULL',
  money: 'DECIMAL(12,2) NULL',
  name: 'VARCHAR(300) NULL',
  note: 'TEXT NULL',
  ts: 'DATETIME(6) NULL',
  doc: 'JSON NULL',
  bin: 'VARBINARY(32) NULL',
  flag: 'TINYINT NULL',
};
const NAMES = Object.keys(COLUMNS);
const PLACEHOLDERS = `(${NAMES.map(() => '?').join(', ')})`;

async function tables(...names: string[]): Promise<void> {
  for (const name of names) {
    await conn.execute(`DROP TABLE IF EXISTS ${name}`);
    await conn.execute(
      `CREATE TABLE ${name} (${Object.entries(COLUMNS)
        .map(([c, t]) => `${c} ${t}`)
        .join(', ')})`,
    );
  }
}

/** Session counters of the binary protocol's commands. */
async function stmtCounters(on: Connection = conn): Promise<Record<string, number>> {
  const rows = await on.query<[string, string]>(
    "SHOW SESSION STATUS WHERE Variable_name IN ('Com_stmt_prepare', 'Com_stmt_execute', 'Com_stmt_close', 'Com_insert')",
  );
  return Object.fromEntries(rows.map(([k, v]) => [k, Number(v)]));
}

async function delta<T>(work: () => Promise<T>, on: Connection = conn): Promise<{ result: T; prepare: number; execute: number; close: number }> {
  const before = await stmtCounters(on);
  const result = await work();
  const after = await stmtCounters(on);
  // SHOW STATUS itself is not a prepared statement: the differences are executemany's.
  return {
    result,
    prepare: after.Com_stmt_prepare - before.Com_stmt_prepare,
    execute: after.Com_stmt_execute - before.Com_stmt_execute,
    close: after.Com_stmt_close - before.Com_stmt_close,
  };
}

/** Rows of `a` and `b` that differ in any column (NULL-safe, exact), and the two counts. */
async function differences(a: string, b: string): Promise<{ differing: number[]; countA: number; countB: number }> {
  const same = NAMES.map((c) => `x.${c} <=> y.${c}`).join(' AND ');
  const rows = await conn.query<[number]>(`SELECT x.id FROM ${a} x LEFT JOIN ${b} y ON x.id = y.id WHERE NOT (${same}) ORDER BY x.id`);
  const [[countA]] = await conn.query<[number | bigint]>(`SELECT COUNT(*) FROM ${a}`);
  const [[countB]] = await conn.query<[number | bigint]>(`SELECT COUNT(*) FROM ${b}`);
  return { differing: rows.map((r) => Number(r[0])), countA: Number(countA), countB: Number(countB) };
}

/** Values at the edges of each kind the binary encoder handles, one row each, padded with NULLs. */
function edgeRows(): unknown[][] {
  const row = (id: number, values: Record<string, unknown>) => NAMES.map((c) => (c === 'id' ? id : (values[c] ?? null)));
  const cases: Record<string, unknown>[] = [
    { big: Number.MAX_SAFE_INTEGER, dbl: 0.1, wide: 0.1, money: 1.005, name: 'plain', flag: true },
    { big: -Number.MAX_SAFE_INTEGER, dbl: -0, wide: -0, money: -2.675, name: '', flag: false },
    { big: 2 ** 60, ubig: 2 ** 62, dbl: 1e300, wide: 123456789012345.6789, name: "it's a \\ back'slash?", note: null },
    { big: -(2 ** 62), wide: 1e20, dbl: 5e-324, name: 'naïve 😀 — ünïcödé', note: 'x'.repeat(5000) },
    { big: 9223372036854775807n, ubig: 18446744073709551615n, wide: 12345678901234567890123456n, dbl: Number.MAX_VALUE },
    { big: -9223372036854775808n, ubig: 9223372036854775808n, dbl: -1.5e-7, money: 99999.994 },
    { name: 'é'.repeat(100), note: 'ü'.repeat(300), ts: '2024-05-06 07:08:09.123456', doc: '{"k": [1, 2.5, "x"]}' },
    { name: 'a'.repeat(250), note: 'b'.repeat(251), ts: '1999-12-31 23:59:59', doc: '"just a string"' },
    { bin: new Uint8Array([0, 1, 0x27, 0x5c, 0x80, 0xff]), note: '\u0000nul\u0000', money: 0 },
    { bin: new Uint8Array(0), name: '0x41', ts: '2038-01-19 03:14:08.000001', money: '12.345', big: '42' },
    { big: undefined, dbl: 2 ** 53 + 2, wide: -(2 ** 70), flag: 1 },
  ];
  return cases.map((c, i) => row(i + 1, c));
}

describe('executemany({ binary: true }): the binary protocol stores what the text path stores', () => {
  it('edge values of every kind: the same rows, through COM_STMT_EXECUTE', async () => {
    await tables('t_text', 't_bin');
    const rows = edgeRows();
    await conn.executemany(`INSERT INTO t_text VALUES ${PLACEHOLDERS}`, rows);
    const bin = await delta(() => conn.executemany(`INSERT INTO t_bin VALUES ${PLACEHOLDERS}`, rows, { binary: true }));
    expect(bin.result).toBe(rows.length);
    expect(bin.execute).toBe(1);
    expect(bin.prepare).toBe(1);
    expect(bin.close).toBe(1);
    expect(await differences('t_text', 't_bin')).toEqual({ differing: [], countA: rows.length, countB: rows.length });
    // And what was read back is what was sent (a check that the comparison above compares something).
    const [[name, ubig]] = await conn.query<[string, bigint | number]>('SELECT name, ubig FROM t_bin WHERE id = 5');
    expect(name).toBeNull();
    expect(BigInt(ubig)).toBe(18446744073709551615n);
  });

  it('2,500 rows go as two full chunks and a last one of 500, with every statement closed', async () => {
    await tables('t_text', 't_bin');
    const rows = Array.from({ length: 2500 }, (_, i) =>
      NAMES.map((c) => (c === 'id' ? i : c === 'dbl' ? i / 7 : c === 'name' ? `n-${i}` : c === 'money' ? `${i}.25` : c === 'note' && i % 3 ? `t${i}` : null)),
    );
    await conn.executemany(`INSERT INTO t_text VALUES ${PLACEHOLDERS}`, rows);
    const bin = await delta(() => conn.executemany(`INSERT INTO t_bin VALUES ${PLACEHOLDERS}`, rows, { binary: true }));
    expect(bin).toMatchObject({ result: 2500, execute: 3, prepare: 2, close: 2 });
    expect(await differences('t_text', 't_bin')).toEqual({ differing: [], countA: 2500, countB: 2500 });
  });

  it('a chunk is cut at 4 MiB of values: 1 MB strings go a few rows per execute', async () => {
    await conn.execute('DROP TABLE IF EXISTS t_big');
    await conn.execute('CREATE TABLE t_big (id INT PRIMARY KEY, v LONGTEXT)');
    const rows = Array.from({ length: 9 }, (_, i) => [i, String.fromCharCode(97 + i).repeat(1_000_000)]);
    const bin = await delta(() => conn.executemany('INSERT INTO t_big VALUES (?, ?)', rows, { binary: true }));
    expect(bin.result).toBe(9);
    expect(bin.execute).toBeGreaterThanOrEqual(3);
    const stored = await conn.query<[number, number, string]>('SELECT id, LENGTH(v), LEFT(v, 2) FROM t_big ORDER BY id');
    expect(stored.map((r) => [Number(r[0]), Number(r[1]), r[2]])).toEqual(rows.map((_r, i) => [i, 1_000_000, String.fromCharCode(97 + i).repeat(2)]));
  });

  it('a failing chunk stops the run: earlier chunks stay, the error says how many rows, the session is usable', async () => {
    await tables('t_bin');
    const rows = Array.from({ length: 2500 }, (_, i) => NAMES.map((c) => (c === 'id' ? i : null)));
    rows[1500][0] = 10; // a duplicate key in the second chunk
    const err = await conn.executemany(`INSERT INTO t_bin VALUES ${PLACEHOLDERS}`, rows, { binary: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect((err as { rowsAffectedBefore?: number }).rowsAffectedBefore).toBe(1000);
    const [[n]] = await conn.query<[number | bigint]>('SELECT COUNT(*) FROM t_bin');
    expect(Number(n)).toBe(1000);
    const after = await stmtCounters();
    await conn.query('SELECT 1');
    expect(await stmtCounters()).toEqual(after);
  });

  it('falls back to the text path for values without a binary form and for rows with expressions', async () => {
    await conn.execute('DROP TABLE IF EXISTS t_fb');
    await conn.execute('CREATE TABLE t_fb (id INT PRIMARY KEY, ts DATETIME(3), v INT)');
    const dates = await delta(() =>
      conn.executemany('INSERT INTO t_fb VALUES (?, ?, ?)', [[1, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), 1]], { binary: true }),
    );
    expect(dates).toMatchObject({ result: 1, execute: 0, prepare: 0 });
    const expr = await delta(() => conn.executemany('INSERT INTO t_fb (id, v) VALUES (?, ? + 1)', [[2, 41]], { binary: true }));
    expect(expr).toMatchObject({ result: 1, execute: 0, prepare: 0 });
    const [[v]] = await conn.query<[number]>('SELECT v FROM t_fb WHERE id = 2');
    expect(v).toBe(42);
  });

  it('a server that refuses COM_STMT_PREPARE (SingleStore with audit logging) gets the text path', async () => {
    // MariaDB prepares anything; SingleStore's refusal is played by the transport's prepare.
    await conn.execute('DROP TABLE IF EXISTS t_fb');
    await conn.execute('CREATE TABLE t_fb (id INT PRIMARY KEY, v VARCHAR(10))');
    const link = conn.transport() as unknown as { withPreparedStatements(work: (c: unknown) => Promise<unknown>): Promise<unknown> };
    const refused = new NotSupportedError("Feature 'Audit logging with binary protocol' is not supported by SingleStore.", { errno: 1706 });
    const spy = vi.spyOn(link, 'withPreparedStatements').mockImplementation((work) =>
      work({
        prepare: () => Promise.reject(refused),
        execute: () => Promise.reject(new Error('execute after a refused prepare')),
        close: () => {},
      }),
    );
    try {
      const n = await conn.executemany(
        'INSERT INTO t_fb VALUES (?, ?)',
        [
          [1, 'a'],
          [2, 'b'],
        ],
        { binary: true },
      );
      expect(spy).toHaveBeenCalledTimes(1);
      expect(n).toBe(2);
      expect(await conn.query('SELECT id, v FROM t_fb ORDER BY id')).toEqual([
        [1, 'a'],
        [2, 'b'],
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});

/** How a run ended: the affected rows, or the error's class, errno and message (table names made alike). */
function outcome(run: Promise<number | null>, table: string): Promise<string> {
  return run.then(
    (n) => `ok ${n}`,
    (e: Error & { errno?: number; rowsAffectedBefore?: number }) =>
      `${e.constructor.name} ${e.errno} before=${e.rowsAffectedBefore} ${e.message.replaceAll(table, 'T').replace(/near '.*' at line/s, 'near … at line')}`,
  );
}

const asJson = (rows: unknown) => JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/**
 * Runs `sql` (with TBL for the table) over `rows` on the text path into a fresh `t_text` and on
 * the binary path into a fresh `t_bin`: how each ended, what each table holds, and the binary
 * run's prepared statement counters.
 */
async function textAndBinary(
  create: string,
  sql: string,
  rows: unknown[][],
  on: Connection = conn,
): Promise<{ text: string; bin: string; textRows: string; binRows: string; prepare: number; execute: number; close: number }> {
  const out: string[] = [];
  let counts = { prepare: 0, execute: 0, close: 0 };
  for (const [table, binary] of [
    ['t_text', false],
    ['t_bin', true],
  ] as const) {
    await on.execute(`DROP TABLE IF EXISTS ${table}`);
    await on.execute(create.replaceAll('TBL', table));
    const d = await delta(() => outcome(on.executemany(sql.replaceAll('TBL', table), rows, { binary }), table), on);
    if (binary) counts = d;
    out.push(d.result, asJson(await on.query(`SELECT * FROM ${table} ORDER BY 1`)));
  }
  return { text: out[0], textRows: out[1], bin: out[2], binRows: out[3], prepare: counts.prepare, execute: counts.execute, close: counts.close };
}

describe('executemany({ binary: true }) against the text path, value by value and statement by statement', () => {
  const KINDS: Record<string, string> = {
    dec: 'DECIMAL(30,10)',
    dec0: 'DECIMAL(65,0)',
    dec30: 'DECIMAL(38,30)',
    flt: 'FLOAT',
    dbl: 'DOUBLE',
    big: 'BIGINT',
    ubig: 'BIGINT UNSIGNED',
    tiny: 'TINYINT',
    bit: 'BIT(64)',
    yr: 'YEAR',
    vc: 'VARCHAR(100)',
    blb: 'BLOB',
    dt: 'DATE',
    dtm: 'DATETIME(6)',
    tm: 'TIME',
    js: 'JSON',
    en: "ENUM('a','b','c')",
    st: "SET('a','b','c')",
  };
  const VALUES: unknown[] = [
    0.1,
    1234567.125,
    0.1 + 0.2,
    1 / 3,
    -2.675,
    123456789.12345678,
    1e-20,
    1e-7,
    5e-324,
    1.7976931348623157e308,
    -0,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 60,
    2 ** 63,
    2 ** 64,
    -(2 ** 63),
    1e20,
    1e21,
    -1.5e-7,
    1.5,
    2024,
    20240102,
    5,
    -5,
    2n ** 63n - 1n,
    2n ** 63n,
    2n ** 64n - 1n,
    2n ** 64n,
    -(2n ** 63n),
    -(2n ** 63n) - 1n,
    10n ** 40n,
    -(10n ** 64n),
    10n ** 65n - 1n,
    -(10n ** 70n),
    -(10n ** 85n),
    '12.5',
    '2024-01-02',
    '2024-02-29 23:59:59.9999995',
    '10:11:12',
    '{"a":[1,2.5]}',
    'b',
    'a,c',
    '2',
    '',
    'a\u0000b',
    '😀x',
    new Uint8Array([0x41]),
    new Uint8Array([0xff]),
    new Uint8Array(0),
    Buffer.from('12'),
    true,
    false,
    undefined,
  ];

  it('numbers, bigints, strings, bytes and booleans into every column kind: the same row or the same error', async () => {
    const divergences: string[] = [];
    let stored = 0;
    for (const [name, kind] of Object.entries(KINDS)) {
      for (const table of ['t_text', 't_bin']) {
        await conn.execute(`DROP TABLE IF EXISTS ${table}`);
        await conn.execute(`CREATE TABLE ${table} (id INT PRIMARY KEY, v ${kind} NULL)`);
      }
      for (const [i, v] of VALUES.entries()) {
        const text = await outcome(conn.executemany('INSERT INTO t_text VALUES (?, ?)', [[i, v]]), 't_text');
        const bin = await outcome(conn.executemany('INSERT INTO t_bin VALUES (?, ?)', [[i, v]], { binary: true }), 't_bin');
        if (text !== bin) divergences.push(`${kind} ${String(v)}: text ${text} | binary ${bin}`);
        if (text.startsWith('ok')) stored++;
      }
      const rows = await conn.query<[number, string | null, string | null]>(
        'SELECT x.id, HEX(CAST(x.v AS BINARY)), HEX(CAST(y.v AS BINARY)) FROM t_text x LEFT JOIN t_bin y ON x.id = y.id WHERE NOT (x.v <=> y.v AND HEX(CAST(x.v AS BINARY)) <=> HEX(CAST(y.v AS BINARY)))',
      );
      for (const [id, a, b] of rows) divergences.push(`${name} ${kind} ${String(VALUES[id])}: text stored ${a} | binary ${b}`);
      if (name === 'bit') {
        // 2 ** 63's literal is 9223372036854776000 (String(n)), stored as that number's bits, not as its characters.
        const [[bits]] = await conn.query<[string]>(`SELECT HEX(v) FROM t_bin WHERE id = ${VALUES.indexOf(2 ** 63)}`);
        expect(bits).toBe('80000000000000C0');
      }
      if (name === 'blb') {
        const [[digits]] = await conn.query<[Uint8Array]>(`SELECT v FROM t_bin WHERE id = ${VALUES.indexOf(2 ** 60)}`);
        expect(Buffer.from(digits).toString()).toBe('1152921504606847000');
      }
    }
    expect(divergences).toEqual([]);
    expect(stored).toBeGreaterThan(400);
  });

  it('one prepared statement re-executed with other value types in each chunk: the same rows as the text path', async () => {
    // The full-chunk statement is prepared once; each execute sends its own parameter types.
    const kinds = [
      (i: number) => i * 3,
      (i: number) => `${i}.5`,
      (i: number) => i / 8,
      (i: number) => BigInt(i) * 10n ** 12n,
      (i: number) => (i % 2 ? null : true),
      (i: number) => Buffer.from(String(i)),
    ];
    const rows = Array.from({ length: 6000 }, (_, i) => {
      const kind = kinds[(Math.floor(i / 1000) + i) % kinds.length];
      return [i, kind(i), kind(i + 1), kind(i + 2), kind(i + 3)];
    });
    const r = await textAndBinary(
      'CREATE TABLE TBL (id INT PRIMARY KEY, d DECIMAL(40,10), s VARCHAR(40), b BIT(64), f DOUBLE)',
      'INSERT INTO TBL VALUES (?, ?, ?, ?, ?)',
      rows,
    );
    expect(r).toMatchObject({ text: 'ok 6000', bin: 'ok 6000', prepare: 1, execute: 6, close: 1 });
    expect(r.binRows === r.textRows).toBe(true);
  });

  it('bigints of 66 digits or more take the text path (MariaDB drops the sign of such a NEWDECIMAL); 65 digits go binary', async () => {
    const create = 'CREATE TABLE TBL (id INT PRIMARY KEY, s VARCHAR(200), d DECIMAL(65,0), f DOUBLE)';
    const long = await textAndBinary(create, 'INSERT INTO TBL VALUES (?, ?, ?, ?)', [[1, -(10n ** 85n), null, -(10n ** 70n)]]);
    expect(long).toMatchObject({ text: 'ok 1', bin: 'ok 1', prepare: 0 });
    expect(long.binRows).toBe(long.textRows);
    expect(long.binRows).toContain(`"-${'9'.repeat(65)}"`);
    const n65 = 10n ** 65n - 1n;
    const edge = await textAndBinary(create, 'INSERT INTO TBL VALUES (?, ?, ?, ?)', [
      [1, -n65, -n65, -n65],
      [2, n65, n65, n65],
    ]);
    expect(edge).toMatchObject({ text: 'ok 2', bin: 'ok 2', prepare: 1, execute: 1 });
    expect(edge.binRows).toBe(edge.textRows);
  });

  it('bad parameters fail before anything is written, with the text path error', async () => {
    const create = 'CREATE TABLE TBL (id INT PRIMARY KEY, v VARCHAR(20))';
    const good: unknown[][] = Array.from({ length: 1500 }, (_, i) => [i, `v${i}`]);
    const bad: unknown[] = ['\ud800 lone', NaN, Infinity, Symbol('s'), () => 1, new Map(), new Date(Number.NaN)];
    for (const v of bad) {
      const rows = good.map((r) => [...r]);
      rows[1200][1] = v;
      const r = await textAndBinary(create, 'INSERT INTO TBL VALUES (?, ?)', rows);
      expect(r.bin).toBe(r.text);
      expect(r.text).toMatch(/^(ParameterError|ProgrammingError) .*nothing was sent/);
      expect([r.binRows, r.prepare, r.execute]).toEqual(['[]', 0, 0]);
    }
    const short = await textAndBinary(create, 'INSERT INTO TBL VALUES (?, ?)', [[1, 'a'], [2]]);
    expect(short.bin).toBe(short.text);
    expect(short.text).toMatch(/^ParameterError .*2 placeholder\(s\) but 1 parameter/);
    expect([short.binRows, short.prepare]).toEqual(['[]', 0]);
  });

  it('NaN and Infinity with nanAsNull / infAsNull: NULL through the binary path', async () => {
    const lenient = await connect(serverUrl(db), { nanAsNull: true, infAsNull: true });
    try {
      const r = await textAndBinary(
        'CREATE TABLE TBL (id INT PRIMARY KEY, v DOUBLE)',
        'INSERT INTO TBL VALUES (?, ?)',
        [
          [1, NaN],
          [2, Infinity],
          [3, -Infinity],
          [4, 0.5],
        ],
        lenient,
      );
      expect(r).toMatchObject({ text: 'ok 4', bin: 'ok 4', execute: 1, textRows: '[[1,null],[2,null],[3,null],[4,0.5]]' });
      expect(r.binRows).toBe(r.textRows);
    } finally {
      await lenient.close();
    }
  });

  it('dates, objects, Sets, typed arrays and nested arrays take the text path and store what it stores', async () => {
    const create = 'CREATE TABLE TBL (id INT PRIMARY KEY, v TEXT)';
    for (const v of [
      new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 7)),
      { a: [1, 2n ** 70n] },
      new Set(['a', 'b']),
      new Float32Array([0.5]),
      [1, 'x'],
      { toSqlString: () => 'raw' },
    ]) {
      const r = await textAndBinary(create, 'INSERT INTO TBL VALUES (?, ?)', [
        [1, 'plain'],
        [2, v],
      ]);
      expect(r).toMatchObject({ text: r.bin, prepare: 0 });
      expect(r.binRows).toBe(r.textRows);
    }
  });

  it('INSERT IGNORE, REPLACE, ON DUPLICATE KEY UPDATE, column lists, %s and %%: the same counts and rows', async () => {
    const create = "CREATE TABLE TBL (id INT PRIMARY KEY, v TINYINT, w VARCHAR(10) DEFAULT 'd')";
    const rows = [
      [1, 2],
      [1, 3],
      [2, 5],
    ];
    const statements = [
      'INSERT IGNORE INTO TBL (id, v) VALUES (?, ?)',
      'REPLACE INTO TBL (id, v) VALUES (?, ?)',
      "INSERT INTO TBL (id, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = v + VALUES(v), w = 'why?'",
      'insert into TBL (v, id) value (%s, %s);',
      "INSERT INTO TBL (id, v, w) VALUES (%s, %s, '100%%') ON DUPLICATE KEY UPDATE w = '50%%'",
      'INSERT /* ? */ INTO TBL (id, v) VALUES (?,?) ON DUPLICATE KEY UPDATE w = "x"',
    ];
    for (const sql of statements) {
      const r = await textAndBinary(create, sql, rows);
      expect({ sql, bin: r.bin, binRows: r.binRows }).toEqual({ sql, bin: r.text, binRows: r.textRows });
      // A template with a constant in the row has no bare placeholders: the text path ran.
      expect(r.prepare).toBe(sql.includes("'100%%'") ? 0 : 1);
    }
    const ignored = await textAndBinary(create, 'INSERT IGNORE INTO TBL (id, v) VALUES (?, ?)', [
      [1, 500],
      [2, 'x'],
    ]);
    expect(ignored).toMatchObject({ text: 'ok 2', bin: 'ok 2', prepare: 1, binRows: '[[1,127,"d"],[2,0,"d"]]' });
  });

  it('a ? outside the row (ON DUPLICATE KEY UPDATE v = ?) fails as on the text path, nothing written, the statement closed', async () => {
    const r = await textAndBinary('CREATE TABLE TBL (id INT PRIMARY KEY, v INT)', 'INSERT INTO TBL VALUES (?, ?) ON DUPLICATE KEY UPDATE v = ?', [
      [1, 2],
      [1, 3],
    ]);
    expect(r.text).toMatch(/^ProgrammingError 1064 before=0 /);
    expect(r.bin).toBe(r.text);
    expect(r.binRows).toBe('[]');
    expect(r.close).toBe(r.prepare);
    expect(r.execute).toBe(0);
  });

  it('a 17 MiB value (more than one 16 MiB packet) between small rows: three executes, the same bytes', async () => {
    const big = 'é'.repeat(9 * 1024 * 1024);
    const r = await textAndBinary('CREATE TABLE TBL (id INT PRIMARY KEY, v LONGTEXT)', 'INSERT INTO TBL VALUES (?, ?)', [
      [1, 'a'],
      [2, big],
      [3, 'c'],
    ]);
    expect(r).toMatchObject({ text: 'ok 3', bin: 'ok 3', execute: 3 });
    const sums = await conn.query<[number, number, string]>(
      'SELECT x.id, LENGTH(y.v), MD5(x.v) = MD5(y.v) FROM t_text x JOIN t_bin y ON x.id = y.id ORDER BY x.id',
    );
    expect(sums.map((s) => s.map(Number))).toEqual([
      [1, 1, 1],
      [2, 18 * 1024 * 1024, 1],
      [3, 1, 1],
    ]);
  });
});

describe('executemany({ binary: true }) when a chunk fails', () => {
  const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => NAMES.map((c) => (c === 'id' ? i : c === 'name' ? `r${i}` : null)));

  it('a failing chunk closes every statement it prepared on the live session', async () => {
    await tables('t_bin');
    const rows = rowsOf(2500);
    rows[2200][0] = 5; // a duplicate key in the third chunk
    const d = await delta(() => conn.executemany(`INSERT INTO t_bin VALUES ${PLACEHOLDERS}`, rows, { binary: true }).catch((e: unknown) => e));
    expect(d.result).toBeInstanceOf(IntegrityError);
    expect((d.result as { rowsAffectedBefore?: number }).rowsAffectedBefore).toBe(2000);
    expect(d).toMatchObject({ prepare: 2, execute: 3, close: 2 });
  });

  /** Runs 2,500 rows whose second chunk waits on a row lock another session holds, then `kill`s the run's session or statement. */
  async function killedMidRun(kill: 'QUERY' | 'CONNECTION') {
    await tables('t_kill');
    const victim = await connect(serverUrl(db));
    const holder = await connect(serverUrl(db));
    try {
      const [[id]] = await victim.query<[number | bigint]>('SELECT CONNECTION_ID()');
      await holder.execute('BEGIN');
      await holder.execute('INSERT INTO t_kill (id) VALUES (1500)');
      const counters = () => victim.query<[string, string]>("SHOW SESSION STATUS WHERE Variable_name IN ('Com_stmt_prepare', 'Com_stmt_close')");
      const before = await counters();
      const run = victim.executemany(`INSERT INTO t_kill VALUES ${PLACEHOLDERS}`, rowsOf(2500), { binary: true }).catch((e: unknown) => e);
      // The second chunk is running (waiting for the lock on id 1500) once the first one's 1,000 rows are committed.
      for (let tries = 0; ; tries++) {
        const [[committed]] = await admin.query<[number | bigint]>(`SELECT COUNT(*) FROM ${db}.t_kill`);
        const [[executing]] = await admin.query<[number | bigint]>(
          `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ${id} AND COMMAND = 'Execute'`,
        );
        if (Number(committed) === 1000 && Number(executing) === 1) break;
        if (tries > 400) throw new Error(`the run never reached its second chunk: ${String(await Promise.race([run, 'still running']))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      await admin.execute(`KILL ${kill} ${id}`);
      const err = (await run) as Error & { rowsAffectedBefore?: number };
      await holder.execute('ROLLBACK');
      const [[count]] = await holder.query<[number | bigint]>('SELECT COUNT(*) FROM t_kill');
      const after = victim.isConnected() ? await counters() : null;
      return { err, count: Number(count), before, after, alive: victim.isConnected() };
    } finally {
      await victim.close().catch(() => {});
      await holder.close();
    }
  }

  it('KILL QUERY between chunks: a typed error, the rows before it counted, the statements closed, the session usable', async () => {
    const { err, count, before, after, alive } = await killedMidRun('QUERY');
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as { errno?: number }).errno).toBe(1317);
    expect(err.rowsAffectedBefore).toBe(1000);
    expect(err.message).toContain('1000 row(s) affected by earlier statements');
    expect(count).toBe(1000);
    expect(alive).toBe(true);
    const change = Object.fromEntries(after!.map(([k, v], i) => [k, Number(v) - Number(before[i][1])]));
    expect(change).toEqual({ Com_stmt_prepare: 1, Com_stmt_close: 1 });
  });

  it('KILL CONNECTION between chunks: an OperationalError with the rows before it counted', async () => {
    const { err, count, alive } = await killedMidRun('CONNECTION');
    expect(err).toBeInstanceOf(OperationalError);
    expect(err.rowsAffectedBefore).toBe(1000);
    expect(count).toBe(1000);
    expect(alive).toBe(false);
  });
});

describe('executemany({ binary: true }) with a statement deadline', () => {
  /**
   * A fresh `table`, an ALTER TABLE on it queued behind another session's open transaction (so
   * every later statement on the table waits behind the ALTER), and `victim`, a session with a
   * deadline, for `body`. `release` ends the transaction and waits for the ALTER.
   */
  async function behindPendingAlter(
    table: string,
    victimUrl: string,
    queryTimeoutMs: number,
    body: (victim: Connection, release: () => Promise<void>) => Promise<void>,
  ): Promise<void> {
    await conn.execute(`DROP TABLE IF EXISTS ${table}`);
    await conn.execute(`CREATE TABLE ${table} (id INT PRIMARY KEY, v INT)`);
    const reader = await connect(serverUrl(db));
    const alterer = await connect(serverUrl(db));
    const victim = await connect(victimUrl, { queryTimeoutMs });
    try {
      await reader.execute('BEGIN');
      await reader.query(`SELECT * FROM ${table}`);
      const alter = alterer.execute(`ALTER TABLE ${table} ADD COLUMN w INT`).catch((e: unknown) => e);
      const queued = await pollUntil(async () => {
        const rows = await conn.query<[string]>(`SELECT STATE FROM information_schema.PROCESSLIST WHERE INFO LIKE 'ALTER TABLE ${table}%'`);
        return rows.some(([state]) => /metadata lock/i.test(state));
      });
      expect(queued).toBe(true);
      await body(victim, async () => {
        await reader.execute('COMMIT');
        expect(await alter).not.toBeInstanceOf(Error);
      });
    } finally {
      await reader.close();
      await alterer.close();
      await victim.close();
    }
  }

  it('queryTimeoutMs bounds COM_STMT_PREPARE too: a prepare queued behind a pending ALTER TABLE fails with 3024, nothing written, the session usable', async () => {
    await behindPendingAlter('t_prepare_deadline', serverUrl(db), 500, async (victim, release) => {
      const before = await stmtCounters(victim);
      const err = (await victim
        .executemany(
          'INSERT INTO t_prepare_deadline VALUES (?, ?)',
          [
            [1, 1],
            [2, 2],
          ],
          { binary: true },
        )
        .catch((e: unknown) => e)) as OperationalError & {
        rowsAffectedBefore?: number;
      };
      expect(err).toBeInstanceOf(OperationalError);
      expect(err.errno).toBe(3024);
      expect(err.rowsAffectedBefore).toBe(0);
      await release();
      // The killed prepare left no statement behind, and the session runs the next one.
      const after = await stmtCounters(victim);
      expect(after.Com_stmt_execute - before.Com_stmt_execute).toBe(0);
      // Stopped, not refused: no retry on the text path (which would run after the deadline).
      expect(after.Com_insert - before.Com_insert).toBe(0);
      const [[count]] = await victim.query<[number | bigint]>('SELECT COUNT(*) FROM t_prepare_deadline');
      expect(Number(count)).toBe(0);
    });
  });

  it('a prepare past its deadline whose lock is released soon after writes nothing (no retry on the text path)', async () => {
    await behindPendingAlter('t_prepare_late', serverUrl(db), 400, async (victim, release) => {
      // The lock goes 300 ms after the deadline: a retry would get through and write the rows.
      const released = new Promise((r) => setTimeout(r, 700)).then(release);
      const err = (await victim
        .executemany(
          'INSERT INTO t_prepare_late (id, v) VALUES (?, ?)',
          [
            [1, 1],
            [2, 2],
          ],
          { binary: true },
        )
        .catch((e: unknown) => e)) as OperationalError;
      await released;
      expect(err).toBeInstanceOf(OperationalError);
      expect(err.errno).toBe(3024);
      const [[count]] = await conn.query<[number | bigint]>('SELECT COUNT(*) FROM t_prepare_late');
      expect(Number(count)).toBe(0);
    });
  });

  it('a prepare ended at once by its KILL keeps the session even when the side session answers the KILL slowly', async () => {
    // The KILL's side session goes through the proxy too, which holds its answer 3 s: past the 2 s grace.
    const proxy = await slowKillProxy(new URL(testServer().url));
    const via = new URL(serverUrl(db));
    via.port = String(proxy.port);
    try {
      await behindPendingAlter('t_prepare_grace', `${via.toString()}?ssl_disabled=true`, 300, async (victim, release) => {
        const err = (await victim
          .executemany('INSERT INTO t_prepare_grace VALUES (?, ?)', [[1, 1]], { binary: true })
          .catch((e: unknown) => e)) as OperationalError;
        await release();
        expect(err).toBeInstanceOf(OperationalError);
        expect(err.errno).toBe(3024);
        expect(await victim.query('SELECT 41 + 1')).toEqual([[42]]);
      });
    } finally {
      proxy.close();
    }
  });

  it('queryTimeoutMs (1.5 s, generous for the first chunk on a busy machine) on a chunk: a typed timeout, the rows before it counted, the statement closed, the session usable', async () => {
    await conn.execute('DROP TABLE IF EXISTS t_deadline');
    await conn.execute('CREATE TABLE t_deadline (id INT PRIMARY KEY, v INT)');
    const victim = await connect(serverUrl(db), { queryTimeoutMs: 1500 });
    const holder = await connect(serverUrl(db));
    try {
      await holder.execute('BEGIN');
      await holder.execute('INSERT INTO t_deadline (id) VALUES (1500)'); // the second chunk waits for this row's lock
      const rows = Array.from({ length: 2500 }, (_, i) => [i, i]);
      const d = await delta(() => victim.executemany('INSERT INTO t_deadline VALUES (?, ?)', rows, { binary: true }).catch((e: unknown) => e), victim);
      await holder.execute('ROLLBACK');
      const err = d.result as OperationalError & { rowsAffectedBefore?: number };
      expect(err).toBeInstanceOf(OperationalError);
      expect(err.errno).toBe(3024);
      expect(err.rowsAffectedBefore).toBe(1000);
      expect(d).toMatchObject({ prepare: 1, execute: 2, close: 1 });
      const [[count]] = await victim.query<[number | bigint]>('SELECT COUNT(*) FROM t_deadline');
      expect(Number(count)).toBe(1000);
    } finally {
      await victim.close();
      await holder.close();
    }
  });
});

/**
 * A TCP proxy to the test server: the first connection passes straight through; on later ones
 * (a KILL's side sessions) the server's answers after a KILL QUERY are held back 3 s, while the
 * KILL itself reaches the server at once.
 */
function slowKillProxy(target: URL): Promise<{ port: number; close: () => void }> {
  let connections = 0;
  const server = net.createServer((client) => {
    const side = connections++ > 0;
    const upstream = net.connect(Number(target.port), target.hostname);
    let killSent = false;
    client.on('data', (d: Buffer) => {
      if (side && d.includes('KILL QUERY')) killSent = true;
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (killSent) setTimeout(() => !client.destroyed && client.write(d), 3000);
      else client.write(d);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => setTimeout(() => client.destroy(), 3100));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, close: () => server.close() })),
  );
}
