import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError, OperationalError } from '@s2/base';
import { createPool, type Connection, type Pool } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { pollUntil } from '@s2/testing/vitest';
import { open, serverUrl } from './support.js';

/** Commands the wire session has written so far (a pipelined statement counts when it goes out). */
function written(conn: Connection): number {
  return (conn.transport() as unknown as { commandsSent: number }).commandsSent;
}

/** Commands waiting for the wire session's command lock (internal: read only by this test). */
function waitingForSession(conn: Connection): number {
  return (conn.transport() as unknown as { lock: { waiting: number } }).lock.waiting;
}

/** The pool's only connection (max 1), borrowed and given back so a test can watch it. */
async function onlyConnection(pool: Pool): Promise<Connection> {
  const lease = await pool.getConnection();
  const conn = lease.connection;
  lease.release();
  return conn;
}

/** Rows of `SELECT ... AS v` as the values of v (rows come as tuples or objects). */
function firstValue(rows: unknown[]): unknown {
  const row = rows[0] as unknown[] | Record<string, unknown>;
  return Array.isArray(row) ? row[0] : row.v;
}

let blocker: Connection;
let lockCount = 0;

/**
 * A user lock held by another session: a pool statement that asks for it runs on the server
 * until `free()`, so the statements behind it are in flight for as long as the test needs.
 */
async function holdLock(): Promise<{ name: string; free: () => Promise<void> }> {
  const name = `s2_pipeline_${process.pid}_${++lockCount}`;
  await blocker.query('SELECT GET_LOCK(?, 30)', [name]);
  return { name, free: async () => void (await blocker.query('SELECT RELEASE_LOCK(?)', [name])) };
}

/**
 * A pool of one connection (in a scratch database when asked) and a user lock held by another
 * session (see holdLock); `body` runs with both, then the pool's own hold on the lock is
 * released, the lock freed, the pool ended and the database dropped, whatever happened.
 */
async function withLockedPool(
  pipelineDepth: number,
  body: (pool: Pool, lock: Awaited<ReturnType<typeof holdLock>>) => Promise<void>,
  { scratchDatabase = false } = {},
): Promise<void> {
  const db = scratchDatabase ? uniqueDatabaseName('s2_pipeline') : undefined;
  if (db) await blocker.query(`CREATE DATABASE ${db}`);
  const pool = createPool({ url: serverUrl(db), max: 1, pipelineDepth });
  const lock = await holdLock();
  try {
    await body(pool, lock);
    await pool.query('SELECT RELEASE_LOCK(?)', [lock.name]);
  } finally {
    await lock.free();
    await pool.end();
    if (db) await blocker.query(`DROP DATABASE ${db}`);
  }
}

beforeAll(async () => {
  blocker = await open();
});
afterAll(async () => {
  await blocker.close();
});

describe('a pool pipelines one-shot statements on busy connections', () => {
  it('thousands of concurrent statements each get their own answer, on at most max connections', async () => {
    const pool = createPool({ url: serverUrl(), max: 2, pipelineDepth: 16 });
    try {
      const n = 3000;
      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) => pool.query('SELECT ? AS v, CONNECTION_ID() AS c', [i], { resultsType: 'objects' })),
      );
      const ids = new Set<unknown>();
      answers.forEach((rows, i) => {
        const row = rows[0] as { v: unknown; c: unknown };
        expect(Number(row.v)).toBe(i);
        ids.add(row.c);
      });
      expect(ids.size).toBeLessThanOrEqual(2);
      expect(pool.size).toBeLessThanOrEqual(2);
    } finally {
      await pool.end();
    }
  });

  it('statements go out behind a running one, and are answered in order once it ends', () =>
    withLockedPool(4, async (pool, lock) => {
      const conn = await onlyConnection(pool);
      const before = written(conn);
      const blocked = pool.query('SELECT GET_LOCK(?, 30) AS v', [lock.name]);
      const behind = [1, 2, 3].map((i) => pool.query('SELECT ? + 100 AS v', [i]));
      // All four are on the wire while the first one still waits for the lock on the server.
      expect(await pollUntil(() => written(conn) === before + 4)).toBe(true);
      expect(pool.toJSON().waiting).toBe(0);
      await lock.free();
      expect(Number(firstValue(await blocked))).toBe(1);
      expect((await Promise.all(behind)).map((rows) => Number(firstValue(rows)))).toEqual([101, 102, 103]);
    }));

  it('pipelineDepth 1 behaves as before: statements wait for the connection, nothing goes out behind', () =>
    withLockedPool(1, async (pool, lock) => {
      const conn = await onlyConnection(pool);
      const before = written(conn);
      const blocked = pool.query('SELECT GET_LOCK(?, 30) AS v', [lock.name]);
      const behind = [1, 2].map((i) => pool.query('SELECT ? + 100 AS v', [i]));
      expect(await pollUntil(() => pool.toJSON().waiting === 2 && written(conn) === before + 1)).toBe(true);
      await lock.free();
      expect(Number(firstValue(await blocked))).toBe(1);
      expect((await Promise.all(behind)).map((rows) => Number(firstValue(rows)))).toEqual([101, 102]);
      expect(written(conn)).toBe(before + 3);
    }));

  it('a statement naming LOAD is never pipelined: it waits for the connection and goes out alone', () =>
    withLockedPool(4, async (pool, lock) => {
      const conn = await onlyConnection(pool);
      const before = written(conn);
      const blocked = pool.query('SELECT GET_LOCK(?, 30) AS v', [lock.name]);
      const load = pool.query("SELECT 'LOAD' AS v");
      // Behind a waiting exclusive statement, a shareable one waits its turn too (no overtaking).
      const after = pool.query('SELECT 7 AS v');
      expect(await pollUntil(() => pool.toJSON().waiting === 2)).toBe(true);
      expect(written(conn)).toBe(before + 1);
      await lock.free();
      expect(Number(firstValue(await blocked))).toBe(1);
      expect(firstValue(await load)).toBe('LOAD');
      expect(Number(firstValue(await after))).toBe(7);
    }));

  it('statements that could change what follows them (BEGIN, SET, a signal) are not shared', () =>
    withLockedPool(4, async (pool, lock) => {
      const conn = await onlyConnection(pool);
      const before = written(conn);
      const blocked = pool.query('SELECT GET_LOCK(?, 30) AS v', [lock.name]);
      const others = [pool.query('BEGIN'), pool.query('SET @s2_x = 1'), pool.query('SELECT 1 AS v', undefined, { signal: new AbortController().signal })];
      expect(await pollUntil(() => pool.toJSON().waiting === 3)).toBe(true);
      expect(written(conn)).toBe(before + 1);
      await lock.free();
      await blocked;
      await Promise.all(others);
    }));

  it('an error in the middle of a pipeline fails only its own caller', () =>
    withLockedPool(
      8,
      async (pool, lock) => {
        await pool.query('CREATE TABLE t (id INT PRIMARY KEY)');
        const conn = await onlyConnection(pool);
        const before = written(conn);
        const blocked = pool.query('SELECT GET_LOCK(?, 30) AS v', [lock.name]);
        const results = [
          pool.query('INSERT INTO t VALUES (1)'),
          pool.query('INSERT INTO t VALUES (1)'),
          pool.query('SELECT * FROM nowhere_at_all'),
          pool.query('SELECT 1 +* 2'),
          pool.query('INSERT INTO t VALUES (2)'),
          pool.query('SELECT COUNT(*) AS v FROM t'),
        ].map((p) =>
          p.then(
            (rows) => ({ ok: true as const, rows }),
            (error: unknown) => ({ ok: false as const, error }),
          ),
        );
        expect(await pollUntil(() => written(conn) === before + 7)).toBe(true);
        await lock.free();
        await blocked;
        const [first, duplicate, missing, syntax, second, count] = await Promise.all(results);
        expect(first.ok).toBe(true);
        expect(second.ok).toBe(true);
        expect(duplicate.ok === false && duplicate.error instanceof DatabaseError && duplicate.error.errno).toBe(1062);
        expect(missing.ok === false && missing.error instanceof DatabaseError && missing.error.errno).toBe(1146);
        expect(syntax.ok === false && syntax.error instanceof DatabaseError && syntax.error.errno).toBe(1064);
        expect(count.ok && Number(firstValue(count.rows))).toBe(2);
      },
      { scratchDatabase: true },
    ));

  it('pool.execute statements pipelined on one connection run in the order of the calls', () =>
    withLockedPool(
      8,
      async (pool, lock) => {
        await pool.query('CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(10))');
        const conn = await onlyConnection(pool);
        const before = written(conn);
        const blocked = pool.query('SELECT GET_LOCK(?, 30) AS v', [lock.name]);
        const inserts = ['a', 'b', 'c'].map((label) => pool.execute('INSERT INTO t (label) VALUES (?)', [label]));
        expect(await pollUntil(() => written(conn) === before + 4)).toBe(true);
        await lock.free();
        await blocked;
        const results = await Promise.all(inserts);
        expect(results.map((r) => [r.rowcount, Number(r.lastrowid)])).toEqual([
          [1, 1],
          [1, 2],
          [1, 3],
        ]);
        const rows = (await pool.query('SELECT label FROM t ORDER BY id', undefined, { resultsType: 'tuples' })) as unknown[][];
        expect(rows.map((r) => r[0])).toEqual(['a', 'b', 'c']);
      },
      { scratchDatabase: true },
    ));

  it('statements that waited for room on a full pipeline go out in the order of the calls', () =>
    withLockedPool(
      2,
      async (pool, lock) => {
        await pool.query('CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(10))');
        const blocked = pool.query('SELECT GET_LOCK(?, 30) AS v', [lock.name]);
        const labels = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
        const inserts = labels.map((label) => pool.execute('INSERT INTO t (label) VALUES (?)', [label]));
        // One rides behind the blocked statement; the rest wait in the pool's queue.
        expect(await pollUntil(() => pool.toJSON().waiting === labels.length - 1)).toBe(true);
        await lock.free();
        await blocked;
        const ids = (await Promise.all(inserts)).map((r) => Number(r.lastrowid));
        expect(ids).toEqual(labels.map((_, i) => i + 1));
        const rows = (await pool.query('SELECT label FROM t ORDER BY id', undefined, { resultsType: 'tuples' })) as unknown[][];
        expect(rows.map((r) => r[0])).toEqual(labels);
      },
      { scratchDatabase: true },
    ));

  it('a statement whose quoted values hold a backslash waits its turn (its quoting depends on NO_BACKSLASH_ESCAPES)', () =>
    withLockedPool(4, async (pool, lock) => {
      const conn = await onlyConnection(pool);
      const before = written(conn);
      const blocked = pool.query('SELECT GET_LOCK(?, 30) AS v', [lock.name]);
      // Quoted as 'it\'s' with backslash escapes: not written behind the running statement.
      const quoted = pool.query('SELECT ? AS v', ["it's"]);
      const plain = pool.query('SELECT ? AS v', ['plain']);
      // Both reached the session (its command lock) and wait there: the plain one may not go out
      // ahead of the one before it, so neither is written.
      expect(await pollUntil(() => waitingForSession(conn) === 2)).toBe(true);
      expect(written(conn)).toBe(before + 1);
      expect(pool.toJSON().waiting).toBe(0);
      await lock.free();
      await blocked;
      expect(firstValue(await quoted)).toBe("it's");
      expect(firstValue(await plain)).toBe('plain');
      expect(written(conn)).toBe(before + 3);
    }));

  it('a connection killed mid-pipeline fails each statement in flight with its own OperationalError, and the pool recovers', async () => {
    const pool = createPool({ url: serverUrl(), max: 1, pipelineDepth: 4 });
    const lock = await holdLock();
    try {
      const conn = await onlyConnection(pool);
      const id = conn.connectionId;
      const before = written(conn);
      const inFlight = [pool.query('SELECT GET_LOCK(?, 30) AS v', [lock.name]), ...[1, 2, 3].map((i) => pool.query('SELECT ? AS v', [i]))].map((p) =>
        p.then(
          () => null,
          (error: unknown) => error,
        ),
      );
      expect(await pollUntil(() => written(conn) === before + 4)).toBe(true);
      await blocker.query(`KILL CONNECTION ${id}`);
      const errors = await Promise.all(inFlight);
      for (const error of errors) expect(error).toBeInstanceOf(DatabaseError);
      // The three written behind it never ran: the session was lost under them.
      for (const error of errors.slice(1)) {
        expect(error).toBeInstanceOf(OperationalError);
        expect((error as OperationalError).errno).toBe(2013);
      }
      expect(new Set(errors).size).toBe(4);
      const rows = await pool.query('SELECT CONNECTION_ID() AS v');
      expect(Number(firstValue(rows))).not.toBe(id);
    } finally {
      await lock.free();
      await pool.end();
    }
  });

  it('a connection borrowed with getConnection() is never shared', async () => {
    const pool = createPool({ url: serverUrl(), max: 1, pipelineDepth: 4 });
    try {
      const lease = await pool.getConnection();
      const before = written(lease.connection);
      const waiting = pool.query('SELECT 5 AS v');
      expect(await pollUntil(() => pool.toJSON().waiting === 1)).toBe(true);
      expect(written(lease.connection)).toBe(before);
      expect(Number(firstValue(await lease.query('SELECT 6 AS v')))).toBe(6);
      lease.release();
      expect(Number(firstValue(await waiting))).toBe(5);
    } finally {
      await pool.end();
    }
  });

  it('rejects a pipelineDepth that is not a positive integer', () => {
    expect(() => createPool({ url: serverUrl(), pipelineDepth: 0 })).toThrow(/pipelineDepth/);
    expect(() => createPool({ url: serverUrl(), pipelineDepth: 2.5 })).toThrow(/pipelineDepth/);
  });
});
