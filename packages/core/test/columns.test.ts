import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotSupportedError, type ColumnsFrame, type Connection } from '@s2/core';
import { open } from './support.js';

let conn: Connection;
beforeAll(async () => {
  conn = await open();
});
afterAll(() => conn.close());

describe("the 'columns' results type", () => {
  it('puts numbers in typed arrays of their exact width, keeping integers integral under NULLs', async () => {
    const frame = await conn.queryFrame(
      'SELECT `id`, `tinyint`, `unsigned_tinyint`, `smallint`, `int`, `unsigned_int`, `bigint`, `unsigned_bigint`, `float`, `double`, `decimal`, `char_100`, `blob`, `date`, `datetime_6`, `time` FROM alltypes ORDER BY id',
    );
    expect(frame.length).toBe(5);
    const types = Object.fromEntries(frame.columns.map((c) => [c.name, [c.type, c.values.constructor.name]]));
    expect(types).toMatchObject({
      id: ['int32', 'Int32Array'],
      tinyint: ['int8', 'Int8Array'],
      unsigned_tinyint: ['uint8', 'Uint8Array'],
      smallint: ['int16', 'Int16Array'],
      int: ['int32', 'Int32Array'],
      unsigned_int: ['uint32', 'Uint32Array'],
      bigint: ['int64', 'BigInt64Array'],
      unsigned_bigint: ['uint64', 'BigUint64Array'],
      float: ['float32', 'Float32Array'],
      double: ['float64', 'Float64Array'],
      decimal: ['decimal', 'Array'],
      char_100: ['string', 'Array'],
      blob: ['binary', 'Array'],
      date: ['date', 'Array'],
      datetime_6: ['datetime', 'Array'],
      time: ['time', 'Array'],
    });
    const big = frame.column('unsigned_bigint')!;
    expect(big.values[3]).toBe(18446744073709551615n);
    expect(Array.from(big.nulls!)).toEqual([0, 1, 0, 0, 0]);
    const tiny = frame.column('tinyint')!;
    expect(Array.from(tiny.values as Int8Array)).toEqual([80, 0, -128, 127, 0]);
    expect(tiny.nulls![1]).toBe(1);
    expect(Number.isNaN((frame.column('double')!.values as Float64Array)[1])).toBe(true);
    expect(frame.column('decimal')!.values[1]).toBeNull();
  });

  it('an empty result is an empty frame with its columns, not an empty list', async () => {
    const frame = await conn.queryFrame<ColumnsFrame>('SELECT id, value FROM data WHERE 1 = 0');
    expect(frame.length).toBe(0);
    expect(frame.names).toEqual(['id', 'value']);
    expect((frame.column('value')!.values as BigInt64Array).length).toBe(0);
  });

  it('works on streaming cursors and after partial fetches', async () => {
    const cur = conn.cursor({ resultsType: 'columns', buffered: false });
    await cur.execute('SELECT value FROM longer_data ORDER BY id');
    expect(await cur.fetchmany(2)).toEqual([[2], [2]]);
    const rest = (await cur.fetchframe()) as ColumnsFrame;
    expect(rest.length).toBe(10);
    await cur.close();
    const tuples = conn.cursor();
    await tuples.execute('SELECT 1');
    await expect(tuples.fetchframe()).rejects.toBeInstanceOf(NotSupportedError);
  });

  it('a whole-result frame larger than one decode batch is merged exactly (nulls, text, int64)', async () => {
    const sql = `WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 9)
      SELECT a.n * 10000 + b.n * 1000 + c.n * 100 + e.n * 10 + f.n AS i,
             IF((a.n + f.n) % 7 = 0, NULL, CONCAT('r', a.n, b.n, c.n, e.n, f.n)) AS s,
             CAST(a.n AS SIGNED) * 1000000000000 AS big
      FROM d a, d b, d c, d e, d f ORDER BY i`;
    const frame = await conn.queryFrame<ColumnsFrame>(sql);
    const rows = await conn.query<unknown[]>(sql);
    expect(frame.length).toBe(100_000);
    expect(rows.length).toBe(100_000);
    const s = frame.column('s')!;
    const i = frame.column('i')!.values as BigInt64Array;
    const big = frame.column('big')!.values as BigInt64Array;
    for (let r = 0; r < rows.length; r += 997) {
      expect(Number(i[r])).toBe(Number(rows[r][0]));
      expect(s.values[r]).toBe(rows[r][1]);
      expect(s.nulls![r]).toBe(rows[r][1] === null ? 1 : 0);
      expect(big[r]).toBe(BigInt(rows[r][2] as number));
    }
    expect(frame.column('s')!.nulls!.reduce((a, b) => a + b, 0)).toBe(rows.filter((r) => r[1] === null).length);
  });

  it('buffered frame cursors: row fetches, sized frames and the rest agree with the rows', async () => {
    // Enough rows to arrive over many socket chunks, so that buffered packets come in runs.
    const sql = `WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 9)
      SELECT a.n * 10000 + b.n * 1000 + c.n * 100 + e.n * 10 + f.n AS n, CONCAT('v', a.n * 10000 + b.n * 1000 + c.n * 100 + e.n * 10 + f.n) AS s
      FROM d a, d b, d c, d e, d f ORDER BY n`;
    const cur = conn.cursor({ resultsType: 'columns' });
    await cur.execute(sql);
    expect(await cur.fetchmany(3)).toEqual([
      [0, 'v0'],
      [1, 'v1'],
      [2, 'v2'],
    ]);
    const mid = (await cur.fetchframe(5)) as ColumnsFrame;
    expect(Array.from(mid.column('s')!.values)).toEqual(['v3', 'v4', 'v5', 'v6', 'v7']);
    expect(await cur.fetchone()).toEqual([8, 'v8']);
    // Boundaries deep inside the result (where packets arrived in runs) must cut exactly.
    const many = await cur.fetchmany(50_000);
    expect(many.length).toBe(50_000);
    expect(many[49_999]).toEqual([50_008, 'v50008']);
    const seven = (await cur.fetchframe(7)) as ColumnsFrame;
    expect(Array.from(seven.column('s')!.values)).toEqual(['v50009', 'v50010', 'v50011', 'v50012', 'v50013', 'v50014', 'v50015']);
    const rest = (await cur.fetchframe()) as ColumnsFrame;
    expect(rest.length).toBe(49_984);
    expect(Number((rest.column('n')!.values as BigInt64Array)[0])).toBe(50_016);
    expect(rest.column('s')!.values[49_983]).toBe('v99999');
    await cur.close();
  });
});
