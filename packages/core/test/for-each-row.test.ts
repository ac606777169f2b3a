import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { open } from './support.js';

const SQL = "SELECT seq, CONCAT('row ', seq) AS label FROM seq_1_to_20000";

describe('cursor.forEachRow (rows pushed as they are decoded)', () => {
  for (const pureJs of [true, false]) {
    for (const resultsType of ['tuples', 'objects'] as const) {
      it(`delivers the same rows as fetchall (${resultsType}, ${pureJs ? 'TypeScript' : 'native'} decoder)`, async () => {
        const conn = await open({ buffered: false, pureJs, resultsType });
        const expected = await conn.query(SQL);
        const cur = conn.cursor();
        await cur.execute(SQL);
        const got: unknown[] = [];
        const n = await cur.forEachRow((row) => got.push(row));
        expect(n).toBe(20_000);
        expect(got).toEqual(expected);
        expect(cur.rownumber).toBe(20_000);
        expect(await cur.fetchmany(10)).toEqual([]);
        await conn.close();
      });
    }
  }

  it('continues after rows already fetched, without repeating them', async () => {
    const conn = await open({ buffered: false });
    const cur = conn.cursor();
    await cur.execute(SQL);
    const head = (await cur.fetchmany(10)) as unknown[][];
    const rest: unknown[][] = [];
    await cur.forEachRow((row) => rest.push(row as unknown[]));
    expect(head.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rest).toHaveLength(19_990);
    expect(rest[0][0]).toBe(11);
    await conn.close();
  });

  it('an exception from the callback ends the call and the connection stays usable', async () => {
    const conn = await open({ buffered: false });
    const cur = conn.cursor();
    await cur.execute(SQL);
    let seen = 0;
    await expect(
      cur.forEachRow(() => {
        if (++seen === 5000) throw new Error('stop here');
      }),
    ).rejects.toThrow('stop here');
    expect(seen).toBe(5000);
    await cur.close();
    expect(await conn.query('SELECT 1')).toEqual([[1]]);
    await conn.close();
  });

  it('keeps no row it has handed over: an early row is collectable while the stream goes on', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const conn = await open({ buffered: false, pureJs: true });
    const cur = conn.cursor();
    await cur.execute("SELECT seq, REPEAT('x', 200) FROM seq_1_to_200000");
    let first: WeakRef<object> | undefined;
    let collectedBeforeEnd: boolean | undefined;
    await cur.forEachRow((row) => {
      first ??= new WeakRef(row as object);
      // Far past the first socket read (and so past at least one await): collect and look.
      if ((row as unknown[])[0] === 150_000) {
        gc();
        collectedBeforeEnd = first.deref() === undefined;
      }
    });
    expect(collectedBeforeEnd).toBe(true);
    await conn.close();
  });
});
