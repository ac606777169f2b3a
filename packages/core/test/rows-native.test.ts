import { loadNative, nativeStatus } from '@s2/native';
import { describe, expect, it } from 'vitest';
import { S2Error } from '@s2/core';
import { open } from './support.js';

const native = loadNative();
if (!native) console.warn(`[core] native row decoding tests skipped: ${nativeStatus().source}`);

// 40,000 rows (several decode batches) of mixed types; row 30,000 carries a byte that is not UTF-8
// once character_set_results is NULL (the server then sends latin1 bytes unconverted).
const SQL = `SELECT seq, seq * 1.5 AS d, CAST(seq AS CHAR) AS s, NOW() - INTERVAL seq SECOND AS dt,
  CASE WHEN seq = 30000 THEN CONVERT(X'61ff62' USING latin1) ELSE 'ok' END AS bad FROM seq_1_to_40000`;

describe.skipIf(!native)('buffered row formats decoded by the addon', () => {
  it('give the rows the TypeScript row decoder gives, in every row format', async () => {
    const fast = await open({ pureJs: false });
    const slow = await open({ pureJs: true });
    try {
      const sql = 'SELECT seq, -seq AS neg, seq * 1.25 AS d, CAST(seq AS DECIMAL(12,3)) AS dec3, CONCAT("é", seq) AS s FROM seq_1_to_40000';
      for (const resultsType of ['tuples', 'objects', 'namedtuples'] as const) {
        const a = await fast.query(sql, undefined, { resultsType });
        const b = await slow.query(sql, undefined, { resultsType });
        expect(a.length).toBe(40_000);
        expect(a).toEqual(b);
      }
    } finally {
      await fast.close();
      await slow.close();
    }
  });

  it('streaming cursors: fetchone, fetchmany and iteration give the same rows on both paths', async () => {
    const sql = 'SELECT seq, CONCAT("é", seq) AS s, seq * 0.5 AS half FROM seq_1_to_20000';
    const collect = async (pureJs: boolean) => {
      const conn = await open({ pureJs, buffered: false });
      try {
        const cur = conn.cursor();
        await cur.execute(sql);
        const rows: unknown[] = [await cur.fetchone(), ...(await cur.fetchmany(5000))];
        for await (const row of cur) rows.push(row);
        return rows;
      } finally {
        await conn.close();
      }
    };
    const fast = await collect(false);
    expect(fast.length).toBe(20_000);
    expect(fast).toEqual(await collect(true));
  });

  it("a bad value deep in the result is the row decoder's error, after the rest was read: the connection stays usable", async () => {
    for (const pureJs of [false, true]) {
      const conn = await open({ pureJs });
      try {
        await conn.execute('SET character_set_results = NULL');
        const err = await conn.query(SQL).then(() => null, (e: unknown) => e);
        expect(err, `pureJs ${pureJs}`).toBeInstanceOf(S2Error);
        expect((err as Error).message).toMatch(/'bad'.*encodingErrors/);
        expect(await conn.query('SELECT 1')).toEqual([[1]]);
      } finally {
        await conn.close();
      }
    }
  });
});
