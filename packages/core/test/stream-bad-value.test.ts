import { loadNative } from '@s2/native';
import { describe, expect, it } from 'vitest';
import { S2Error } from '@s2/core';
import { open } from './support.js';

// Row `bad` of 40 carries bytes that are not UTF-8 once character_set_results is NULL.
const sql = (bad: number) => `SELECT seq, CASE WHEN seq = ${bad} THEN CONVERT(X'61ff62' USING latin1) ELSE 'ok' END AS v FROM seq_1_to_40`;

// The addon path is compared where it loads; the TypeScript path always runs.
const paths = loadNative() ? [true, false] : [true];

describe.each(paths)('a streaming read that meets a row that does not decode (pureJs %s)', (pureJs) => {
  const session = async () => {
    const conn = await open({ pureJs, buffered: false });
    await conn.execute('SET character_set_results = NULL');
    return conn;
  };

  it('fetchone: the read of the bad row throws; the loop never ends as if the result were whole', async () => {
    const conn = await session();
    try {
      const cur = conn.cursor();
      await cur.execute(sql(3));
      const seen: unknown[] = [];
      const err = await (async () => {
        for (let row = await cur.fetchone(); row !== null; row = await cur.fetchone()) seen.push(row);
      })().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(S2Error);
      expect((err as Error).message).toMatch(/'v'.*encodingErrors/);
      expect(seen.length).toBeLessThan(3);
      // The error was this read's, not the next statement's.
      expect(await conn.query('SELECT 42')).toEqual([[42]]);
    } finally {
      await conn.close();
    }
  });

  it('fetchmany: the batch that holds the bad row throws', async () => {
    const conn = await session();
    try {
      const cur = conn.cursor();
      await cur.execute(sql(5));
      await expect(cur.fetchmany(5)).rejects.toThrow(/'v'.*encodingErrors/);
      expect(await conn.query('SELECT 42')).toEqual([[42]]);
    } finally {
      await conn.close();
    }
  });

  it('for await: the loop throws instead of ending early', async () => {
    const conn = await session();
    try {
      const cur = conn.cursor();
      await cur.execute(sql(30));
      let n = 0;
      await expect(
        (async () => {
          for await (const _ of cur) n++;
        })(),
      ).rejects.toThrow(/'v'.*encodingErrors/);
      expect(n).toBeLessThan(30);
      expect(await conn.query('SELECT 42')).toEqual([[42]]);
    } finally {
      await conn.close();
    }
  });
  it('forEachRow: a deadline that passes while the rest is read after the bad row ends the call (3024)', async () => {
    const conn = await session();
    try {
      const cur = conn.cursor();
      // Millions of rows after the bad one: reading them all takes far longer than the deadline.
      await cur.execute("SELECT seq, CASE WHEN seq = 5 THEN CONVERT(X'61ff62' USING latin1) ELSE 'ok' END AS v FROM seq_1_to_20000000", undefined, {
        timeoutMs: 300,
      });
      let n = 0;
      const started = Date.now();
      const err = await cur
        .forEachRow(() => {
          n++;
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(S2Error);
      expect((err as { errno?: number }).errno).toBe(3024);
      expect(n).toBeLessThan(5);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await conn.query('SELECT 42')).toEqual([[42]]);
    } finally {
      await conn.close();
    }
  }, 30_000);
});
