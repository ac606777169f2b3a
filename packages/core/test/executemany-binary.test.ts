import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uniqueDatabaseName } from '@s2/testing';
import { connect, IntegrityError, NotSupportedError, type Connection } from '@s2/core';
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
async function stmtCounters(): Promise<Record<string, number>> {
  const rows = await conn.query<[string, string]>("SHOW SESSION STATUS WHERE Variable_name IN ('Com_stmt_prepare', 'Com_stmt_execute', 'Com_stmt_close')");
  return Object.fromEntries(rows.map(([k, v]) => [k, Number(v)]));
}

async function delta<T>(work: () => Promise<T>): Promise<{ result: T; prepare: number; execute: number; close: number }> {
  const before = await stmtCounters();
  const result = await work();
  const after = await stmtCounters();
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
