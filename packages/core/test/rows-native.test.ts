import { loadNative, nativeStatus } from '@s2/native';
import { describe, expect, it, vi } from 'vitest';
import { S2Error } from '@s2/core';
import { options } from '@s2/base';
import { skipUnless } from '@s2/testing/vitest';
import { open } from './support.js';

const native = loadNative();

/**
 * What the addon itself did while `f` ran: batches it decoded, handed back to TypeScript
 * (null), or rejected. Without it, a connection that silently fell back to the TypeScript
 * decoder would pass as a native/pure comparison of TypeScript with itself.
 */
async function addonCalls<T>(f: () => Promise<T>): Promise<{ value: T; decoded: number; declined: number; threw: number }> {
  const spy = vi.spyOn(native!, 'decodeTextSegments');
  try {
    const value = await f();
    const decoded = spy.mock.results.filter((r) => r.type === 'return' && r.value !== null).length;
    const declined = spy.mock.results.filter((r) => r.type === 'return' && r.value === null).length;
    const threw = spy.mock.results.filter((r) => r.type === 'throw').length;
    return { value, decoded, declined, threw };
  } finally {
    spy.mockRestore();
  }
}

// 40,000 rows (several decode batches) of mixed types; row 30,000 carries a byte that is not UTF-8
// once character_set_results is NULL (the server then sends latin1 bytes unconverted).
const SQL = `SELECT seq, seq * 1.5 AS d, CAST(seq AS CHAR) AS s, NOW() - INTERVAL seq SECOND AS dt,
  CASE WHEN seq = 30000 THEN CONVERT(X'61ff62' USING latin1) ELSE 'ok' END AS bad FROM seq_1_to_40000`;

describe(
  'buffered row formats decoded by the addon',
  skipUnless(native ? null : `the native addon is not loaded: ${nativeStatus().source}`, options.get('pure_js') === true ? 'opt-in' : 'missing-tool'),
  () => {
    it('give the rows the TypeScript row decoder gives, in every row format', async () => {
      const fast = await open({ pureJs: false });
      const slow = await open({ pureJs: true });
      try {
        const sql = 'SELECT seq, -seq AS neg, seq * 1.25 AS d, CAST(seq AS DECIMAL(12,3)) AS dec3, CONCAT("é", seq) AS s FROM seq_1_to_40000';
        for (const resultsType of ['tuples', 'objects', 'namedtuples'] as const) {
          const a = await addonCalls(() => fast.query(sql, undefined, { resultsType }));
          // Several batches, every one decoded by the addon itself.
          expect(a, resultsType).toMatchObject({ declined: 0, threw: 0 });
          expect(a.decoded, resultsType).toBeGreaterThan(1);
          const b = await addonCalls(() => slow.query(sql, undefined, { resultsType }));
          expect(b, `${resultsType}: pureJs never reaches the addon`).toMatchObject({ decoded: 0, declined: 0, threw: 0 });
          expect(a.value.length).toBe(40_000);
          expect(a.value).toEqual(b.value);
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
      const fast = await addonCalls(() => collect(false));
      expect(fast).toMatchObject({ declined: 0, threw: 0 });
      expect(fast.decoded).toBeGreaterThan(1);
      const slow = await addonCalls(() => collect(true));
      expect(slow).toMatchObject({ decoded: 0, declined: 0, threw: 0 });
      expect(fast.value.length).toBe(20_000);
      expect(fast.value).toEqual(slow.value);
    });

    it('small results and the first rows of larger ones (decoded one at a time before batches take over) match the TypeScript path', async () => {
      const fast = await open({ pureJs: false });
      const slow = await open({ pureJs: true });
      const fastStream = await open({ pureJs: false, buffered: false });
      const slowStream = await open({ pureJs: true, buffered: false });
      const streamed = async (conn: typeof fast, sql: string, resultsType: string) => {
        const cur = conn.cursor({ resultsType });
        await cur.execute(sql);
        const rows: unknown[] = [await cur.fetchone(), ...(await cur.fetchmany(3))];
        for await (const row of cur) rows.push(row);
        return rows;
      };
      const eachRow = async (conn: typeof fast, sql: string, resultsType: string) => {
        const cur = conn.cursor({ resultsType });
        await cur.execute(sql);
        const rows: unknown[] = [];
        await cur.forEachRow((row) => rows.push(row));
        return rows;
      };
      try {
        for (const n of [1, 15, 16, 17, 40, 5000]) {
          const sql = `SELECT seq, CONCAT("é", seq) AS s, seq * 0.5 AS half FROM seq_1_to_${n}`;
          for (const resultsType of ['tuples', 'objects', 'namedtuples'] as const) {
            const what = `${n} rows, ${resultsType}`;
            const want = await slow.query(sql, undefined, { resultsType });
            expect(want.length, what).toBe(n);
            const a = await addonCalls(() => fast.query(sql, undefined, { resultsType }));
            // The first 16 rows are decoded one at a time; the rest reach the addon as a batch
            // once it is big enough for it (16 rows, as @s2/native's minimum).
            expect(a.decoded > 0, what).toBe(n - 16 >= 16);
            expect(a.value, what).toEqual(want);
            if (resultsType === 'namedtuples') expect((a.value[0] as { seq: unknown }).seq, what).toBe(1);
            expect(await streamed(fastStream, sql, resultsType), `${what}, streaming`).toEqual(await streamed(slowStream, sql, resultsType));
            expect(await eachRow(fastStream, sql, resultsType), `${what}, forEachRow`).toEqual(want);
          }
        }
        // A bad value among the first rows: the same error on both paths, the session still usable.
        for (const conn of [fast, slow]) {
          await conn.execute('SET character_set_results = NULL');
          const err = await conn
            .query("SELECT seq, CASE WHEN seq = 3 THEN CONVERT(X'61ff62' USING latin1) ELSE 'ok' END AS bad FROM seq_1_to_40")
            .catch((e: unknown) => e);
          expect(err).toBeInstanceOf(S2Error);
          expect((err as Error).message).toMatch(/'bad'.*encodingErrors/);
          expect(await conn.query('SELECT 1')).toEqual([[1]]);
        }
      } finally {
        await Promise.all([fast, slow, fastStream, slowStream].map((c) => c.close()));
      }
    });

    it("a bad value deep in the result is the row decoder's error, after the rest was read: the connection stays usable", async () => {
      for (const pureJs of [false, true]) {
        const conn = await open({ pureJs });
        try {
          await conn.execute('SET character_set_results = NULL');
          const { value: err, ...addon } = await addonCalls(() =>
            conn.query(SQL).then(
              () => null,
              (e: unknown) => e,
            ),
          );
          // The addon reads every batch (the bad bytes included) and the shared conversion of the
          // 'bad' column raises; with pureJs it is never reached.
          expect(addon.decoded > 0, `pureJs ${pureJs}: batches decoded by the addon`).toBe(!pureJs);
          expect(addon.declined + addon.threw, `pureJs ${pureJs}`).toBe(0);
          expect(err, `pureJs ${pureJs}`).toBeInstanceOf(S2Error);
          expect((err as Error).message).toMatch(/'bad'.*encodingErrors/);
          expect(await conn.query('SELECT 1')).toEqual([[1]]);
        } finally {
          await conn.close();
        }
      }
    });
  },
);
