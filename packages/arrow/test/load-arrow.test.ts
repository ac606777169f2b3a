import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Field, Float32, Float64, Int64, List, makeVector, Table, tableFromArrays, Timestamp, TimeUnit, Utf8, vectorFromArray } from 'apache-arrow';
import { connect, ParameterError, type Connection } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';
import '@s2/arrow';

const db = uniqueDatabaseName('loadarrow');
let conn: Connection;

beforeAll(async () => {
  conn = await connect(`${testServer().url}/${testServer().database}`, { localInfile: true, int64: 'bigint' });
  await conn.execute(`CREATE DATABASE ${db}`);
});
afterAll(async () => {
  await conn.execute(`DROP DATABASE ${db}`);
  await conn.close();
});

describe('conn.load() from an Apache Arrow Table', () => {
  it('round-trips every column of alltypes through resultsType arrow', async () => {
    await conn.execute(`CREATE TABLE ${db}.copy LIKE alltypes`);
    const table = await conn.queryFrame<Table>('SELECT * FROM alltypes ORDER BY id', undefined, { resultsType: 'arrow' });
    const r = await conn.load(`${db}.copy`, table);
    expect(r).toEqual({ rows: table.numRows, warnings: 0 });
    const original = await conn.query('SELECT * FROM alltypes ORDER BY id');
    const copied = await conn.query(`SELECT * FROM ${db}.copy ORDER BY id`);
    expect(copied).toEqual(original);
    // Microseconds, decimals and negative TIME survive exactly.
    const text = await conn.query(`SELECT CAST(datetime_6 AS CHAR), CAST(time_6 AS CHAR), CAST(\`decimal\` AS CHAR) FROM ${db}.copy ORDER BY id`);
    expect(text).toEqual(await conn.query('SELECT CAST(datetime_6 AS CHAR), CAST(time_6 AS CHAR), CAST(`decimal` AS CHAR) FROM alltypes ORDER BY id'));
  });

  it('takes a hand-built table: Int64 beyond 2^53, nulls, strings with escapes, lists as vector JSON, naive timestamps', async () => {
    await conn.execute(`CREATE TABLE ${db}.built (id BIGINT PRIMARY KEY, name TEXT NULL, score DOUBLE NULL, vec TEXT NULL, at DATETIME(6) NULL)`);
    const ids = BigInt64Array.from([9007199254740993n, -5n, 0n]);
    const micros = BigInt64Array.from([BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1000n + 678_901n, 0n, -1n]);
    const table = new Table({
      id: makeVector(ids),
      name: vectorFromArray(['tab\there', null, 'back\\slash 😀'], new Utf8()),
      score: vectorFromArray([1.5, null, -0.25], new Float64()),
      vec: vectorFromArray([[0.5, 1], null, []], new List(new Field('item', new Float32(), true))),
      at: makeVector({ type: new Timestamp(TimeUnit.MICROSECOND), data: micros, length: 3, nullCount: 0 } as never),
    });
    expect(String(table.schema.fields[0].type)).toBe(String(new Int64()));
    expect(await conn.load(`${db}.built`, table)).toEqual({ rows: 3, warnings: 0 });
    const back = await conn.query(`SELECT id, name, score, vec, CAST(at AS CHAR) FROM ${db}.built ORDER BY id`);
    expect(back).toEqual([
      [-5n, null, null, null, '1970-01-01 00:00:00.000000'],
      [0n, 'back\\slash 😀', -0.25, '[]', '1969-12-31 23:59:59.999999'],
      [9007199254740993n, 'tab\there', 1.5, '[0.5,1]', '2024-01-02 03:04:05.678901'],
    ]);
  });

  it('loads many record batches, a chosen subset of columns, and rejects unknown ones', async () => {
    await conn.execute(`CREATE TABLE ${db}.many (a INT PRIMARY KEY, b DOUBLE)`);
    const part = (from: number, n: number) =>
      tableFromArrays({
        a: Int32Array.from({ length: n }, (_, i) => from + i),
        b: Float64Array.from({ length: n }, (_, i) => (from + i) / 4),
        ignored: Int32Array.from({ length: n }),
      });
    const table = part(0, 60_000).concat(part(60_000, 40_000));
    expect(table.batches.length).toBe(2);
    expect(await conn.load(`${db}.many`, table, { columns: ['a', 'b'] })).toEqual({ rows: 100_000, warnings: 0 });
    const [[n, sum]] = await conn.query<[bigint, number]>(`SELECT COUNT(*), SUM(b) FROM ${db}.many`);
    expect(n).toBe(100_000n);
    expect(sum).toBe((99_999 * 100_000) / 2 / 4);
    await expect(conn.load(`${db}.many`, table, { columns: ['a', 'nope'] })).rejects.toThrow(ParameterError);
    expect(await conn.query('SELECT 1')).toEqual([[1]]);
  });
});
