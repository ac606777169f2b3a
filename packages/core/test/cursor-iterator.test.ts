import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, InterfaceError, type ColumnsFrame, type Connection } from '@s2/core';
import { open, serverUrl } from './support.js';

// 1..1000: more than one of the iterator's 256-row reads, so a break leaves rows read but not handed out.
const SQL = 'SELECT seq FROM seq_1_to_1000';
const seq = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => [from + i]);

/** Iterates `cur` and breaks after `n` rows; returns the rows seen. */
async function takeThenBreak(cur: AsyncIterable<unknown>, n: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  for await (const row of cur) {
    seen.push(row);
    if (seen.length === n) break;
  }
  return seen;
}

describe.each([
  ['buffered', true],
  ['streaming', false],
] as const)('for await over a %s cursor', (_label, buffered) => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await open({ buffered });
  });
  afterAll(async () => {
    await conn.close();
  });

  it('a break loses no row: rownumber counts the rows handed out and the next fetch goes on from there', async () => {
    const cur = conn.cursor();
    await cur.execute(SQL);
    expect(await takeThenBreak(cur, 1)).toEqual([[1]]);
    expect(cur.rownumber).toBe(1);
    expect(await cur.fetchone()).toEqual([2]);
    expect(await cur.fetchmany(3)).toEqual(seq(3, 5));
    expect(await takeThenBreak(cur, 300)).toEqual(seq(6, 305));
    expect(cur.rownumber).toBe(305);
    const rest = await cur.fetchall();
    expect(rest).toEqual(seq(306, 1000));
    expect(cur.rownumber).toBe(1000);
    await cur.close();
  });

  it('rows left by a break are found by scroll, forEachRow and a second loop', async () => {
    const cur = conn.cursor();
    await cur.execute(SQL);
    await takeThenBreak(cur, 10);
    await cur.scroll(5);
    expect(cur.rownumber).toBe(15);
    expect(await takeThenBreak(cur, 2)).toEqual([[16], [17]]);
    const each: unknown[] = [];
    expect(await cur.forEachRow((row) => each.push(row))).toBe(983);
    expect(each).toEqual(seq(18, 1000));
    expect(cur.rownumber).toBe(1000);
    const after: unknown[] = [];
    for await (const row of cur) after.push(row);
    expect(after).toEqual([]);
    await cur.close();
  });

  it('objects keep their shape across a break', async () => {
    const c = await open({ buffered, resultsType: 'objects' });
    const cur = c.cursor();
    await cur.execute(SQL);
    expect(await takeThenBreak(cur, 3)).toEqual([{ seq: 1 }, { seq: 2 }, { seq: 3 }]);
    expect(await cur.fetchmany(2)).toEqual([{ seq: 4 }, { seq: 5 }]);
    await c.close();
  });

  it('columns frames start with the rows a break left, sized or whole', async () => {
    const c = await connect(serverUrl(), { buffered, resultsType: 'columns' });
    const cur = c.cursor();
    await cur.execute(SQL);
    await takeThenBreak(cur, 4);
    const sized = (await cur.fetchframe(3)) as ColumnsFrame;
    expect(Array.from(sized.column('seq')!.values as ArrayLike<bigint>, Number)).toEqual([5, 6, 7]);
    const whole = (await cur.fetchframe()) as ColumnsFrame;
    expect(whole.length).toBe(993);
    expect(Array.from(whole.column('seq')!.values as ArrayLike<bigint>, Number).slice(0, 2)).toEqual([8, 9]);
    expect(cur.rownumber).toBe(1000);
    await c.close();
  });

  it('a new statement ends an iteration of the previous one', async () => {
    const cur = conn.cursor();
    await cur.execute(SQL);
    const it = cur[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual([1]);
    await cur.execute('SELECT 42');
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(await cur.fetchall()).toEqual([[42]]);
    await cur.close();
  });

  it('a closed cursor refuses to iterate (InterfaceError 2048)', async () => {
    const cur = conn.cursor();
    await cur.execute(SQL);
    await cur.close();
    await expect(takeThenBreak(cur, 1)).rejects.toBeInstanceOf(InterfaceError);
  });
});

describe.each([
  ['tuples, buffered', 'tuples', true],
  ['tuples, streaming', 'tuples', false],
  ['columns, buffered', 'columns', true],
  ['columns, streaming', 'columns', false],
] as const)('fetches inside a for await loop (%s)', (_label, resultsType, buffered) => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await open({ buffered, resultsType });
  });
  afterAll(async () => {
    await conn.close();
  });
  const first = (row: unknown) => (row as unknown[])[0];

  it('fetchone() in the loop body takes the next row, and the loop goes on after it', async () => {
    const cur = conn.cursor();
    await cur.execute(SQL);
    const seen: unknown[] = [];
    for await (const row of cur) {
      seen.push(first(row));
      if (seen.length === 1) seen.push(`fetched ${first(await cur.fetchone())}`);
      if (seen.length === 5) break;
    }
    expect(seen).toEqual([1, 'fetched 2', 3, 4, 5]);
    expect(cur.rownumber).toBe(5);
    await cur.close();
  });

  it('scroll() in the loop body skips rows for the loop too', async () => {
    const cur = conn.cursor();
    await cur.execute(SQL);
    const seen: unknown[] = [];
    for await (const row of cur) {
      seen.push(first(row));
      if (seen.length === 1) await cur.scroll(2);
      if (seen.length === 4) break;
    }
    expect(seen).toEqual([1, 4, 5, 6]);
    expect(cur.rownumber).toBe(6);
    expect(first(await cur.fetchone())).toBe(7);
    await cur.close();
  });

  it('two iterators over one cursor share its rows: none lost, none repeated', async () => {
    const cur = conn.cursor();
    await cur.execute(SQL);
    const a = cur[Symbol.asyncIterator]();
    const b = cur[Symbol.asyncIterator]();
    const seen = [first((await a.next()).value), first((await b.next()).value), first((await a.next()).value)];
    await a.return?.();
    await b.return?.();
    const rest = await cur.fetchall();
    expect(seen).toEqual([1, 2, 3]);
    expect(rest.map(first)).toEqual(seq(4, 1000).map(([v]) => v));
    await cur.close();
  });
});

it('an abort in the loop body neither counts nor loses the row it stopped before', async () => {
  for (const buffered of [true, false]) {
    const conn = await open({ buffered });
    const cur = conn.cursor();
    const ac = new AbortController();
    await cur.execute(SQL, undefined, { signal: ac.signal });
    let handed = 0;
    const err = await (async () => {
      for await (const _row of cur) {
        handed++;
        if (handed === 10) ac.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ errno: 1317 });
    expect(cur.rownumber).toBe(10);
    if (buffered) expect(await cur.fetchone()).toEqual([11]);
    await cur.close();
    await conn.close();
  }
});
