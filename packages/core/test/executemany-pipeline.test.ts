import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errPacket, okPacket, uniqueDatabaseName } from '@s2/testing';
import { connect, IntegrityError, OperationalError, ParameterError, ProgrammingError, type Connection } from '@s2/core';
import { BulkInsert, options } from '@s2/base';
import { PIPELINED_BATCH_BYTES, pipelinedBatchBytes } from '../src/connection/executemany.js';
import { useInsertServer } from './fake-insert-server.js';
import { open, serverUrl } from './support.js';

const db = uniqueDatabaseName('p1_many');
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

async function freshTable(ddl: string): Promise<void> {
  await conn.execute('DROP TABLE IF EXISTS t');
  await conn.execute(`CREATE TABLE t ${ddl}`);
}

const count = async () => Number((await conn.query<[number | bigint]>('SELECT COUNT(*) FROM t'))[0][0]);

/** ~10 KB per row: about 26 rows per 256 KiB pipelined statement, so a few hundred rows make many statements. */
const PAD = 'p'.repeat(10_000);

describe('executemany checks every row before anything is sent', () => {
  it('a bad value in the middle of 30,000 rows fails with nothing written', async () => {
    await freshTable('(id INT PRIMARY KEY, name VARCHAR(20), d DOUBLE)');
    const rows: unknown[][] = Array.from({ length: 30_000 }, (_, i) => [i, `n${i}`, i / 3]);
    rows[17_000] = [17_000, 'n', Number.NaN];
    const err = await conn.executemany('INSERT INTO t VALUES (?, ?, ?)', rows).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect((err as Error).message).toMatch(/parameter set 17001 of 30000; nothing was sent/);
    expect(await count()).toBe(0);
  });

  it('a row of the wrong length, a lone surrogate, an Invalid Date or a symbol: nothing written', async () => {
    await freshTable('(id INT PRIMARY KEY, v TEXT)');
    const good = Array.from({ length: 500 }, (_, i) => [i, 'ok']);
    for (const bad of [[1], [1, '\ud800'], [1, new Date(Number.NaN)], [1, Symbol('x')]]) {
      const err = await conn.executemany('INSERT INTO t VALUES (?, ?)', [...good, bad]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ParameterError);
      expect(await count()).toBe(0);
    }
  });

  it('also for statements run once per row (UPDATE): nothing updated', async () => {
    await freshTable('(id INT PRIMARY KEY, v INT)');
    await conn.executemany('INSERT INTO t VALUES (?, ?)', [
      [1, 0],
      [2, 0],
    ]);
    const err = await conn
      .executemany('UPDATE t SET v = ? WHERE id = ?', [
        [5, 1],
        [Number.POSITIVE_INFINITY, 2],
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect(await conn.query('SELECT v FROM t ORDER BY id')).toEqual([[0], [0]]);
  });
});

describe('pipelined multi-row statements', () => {
  it('several statements keep the rows in order', async () => {
    await freshTable('(seq INT AUTO_INCREMENT PRIMARY KEY, v INT, pad TEXT)');
    const rows = Array.from({ length: 450 }, (_, i) => [i, PAD]);
    expect(await conn.executemany('INSERT INTO t (v, pad) VALUES (?, ?)', rows)).toBe(450);
    const got = await conn.query<[number]>('SELECT v FROM t ORDER BY seq');
    expect(got.map((r) => r[0])).toEqual(rows.map((r) => r[0]));
  });

  it('statements end at the pipelined byte bounds (16 KiB doubling up to 256 KiB): as many INSERTs as the bounds make, none larger', async () => {
    await freshTable('(id INT PRIMARY KEY, pad TEXT)');
    const rows = Array.from({ length: 450 }, (_, i) => [i, PAD]);
    const bulk = BulkInsert.parse('INSERT INTO t VALUES (?, ?)')!;
    let expected = 0;
    for (let start = 0; start < rows.length; expected++) {
      const stmt = bulk.statementBytesAt(rows, start, {}, pipelinedBatchBytes(expected));
      expect(stmt.bytes.length).toBeLessThanOrEqual(PIPELINED_BATCH_BYTES);
      start = stmt.end;
    }
    expect([0, 1, 2, 3, 4, 9].map(pipelinedBatchBytes)).toEqual([16_384, 32_768, 65_536, 131_072, PIPELINED_BATCH_BYTES, PIPELINED_BATCH_BYTES]);
    expect(expected).toBeGreaterThan(10);
    const inserts = async () => Number((await conn.query<[string, string]>("SHOW SESSION STATUS LIKE 'Com_insert'"))[0][1]);
    const before = await inserts();
    expect(await conn.executemany('INSERT INTO t VALUES (?, ?)', rows)).toBe(450);
    expect((await inserts()) - before).toBe(expected);
    expect(await count()).toBe(450);
  });

  it('debug.queries prints each pipelined statement as text', async () => {
    await freshTable('(id INT PRIMARY KEY, v TEXT)');
    const printed: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    options.set('debug.queries', true);
    try {
      await conn.executemany('INSERT INTO t VALUES (?, ?)', [
        [1, "é'x"],
        [2, null],
      ]);
    } finally {
      options.reset('debug.queries');
      spy.mockRestore();
    }
    expect(printed).toEqual(["[QUERY] INSERT INTO t VALUES (1, 'é\\'x'),(2, NULL)\n"]);
  });

  it('an error in statement k reports the rows of statements before k, and the statement behind it never runs', async () => {
    await freshTable('(id INT PRIMARY KEY, pad TEXT)');
    const rows = Array.from({ length: 450 }, (_, i) => [i, PAD]);
    // A duplicate key in the ninth statement (rows 126-151; the first four ramp up from 16 KiB).
    rows[150] = [3, PAD];
    const err = await conn.executemany('INSERT INTO t VALUES (?, ?)', rows).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    const before = (err as { rowsAffectedBefore?: number }).rowsAffectedBefore!;
    expect(before).toBeGreaterThan(50);
    expect(before).toBeLessThan(150);
    expect((err as Error).message).toMatch(new RegExp(`${before} row\\(s\\) affected by earlier statements`));
    // Exactly the first statement's rows: the failed one was rolled back, the one behind it
    // (already on the wire but for its last row) was called off.
    expect(await count()).toBe(before);
    expect(await conn.query('SELECT MIN(id), MAX(id) FROM t')).toEqual([[0, before - 1]]);
    // The session is in sync: the called-off statement's answer was read.
    expect(await conn.query('SELECT 1 + 1')).toEqual([[2]]);
  });

  it('atomic: true leaves nothing behind', async () => {
    await freshTable('(id INT PRIMARY KEY, pad TEXT)');
    const rows = Array.from({ length: 450 }, (_, i) => [i, PAD]);
    rows[300] = [3, PAD];
    const err = await conn.executemany('INSERT INTO t VALUES (?, ?)', rows, { atomic: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect(await count()).toBe(0);
  });

  it('respects the session escaping mode (NO_BACKSLASH_ESCAPES)', async () => {
    await freshTable('(id INT PRIMARY KEY, v TEXT)');
    const tricky = ["it's", 'back\\slash', "\\'; DROP TABLE t; --", 'q"uote', 'nul\0byte'];
    const rows = Array.from({ length: 400 }, (_, i) => [i, `${tricky[i % tricky.length]}${PAD.slice(0, 5000)}`]);
    await conn.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
    try {
      expect(await conn.executemany('INSERT INTO t VALUES (?, ?)', rows)).toBe(400);
    } finally {
      await conn.execute("SET SESSION sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
    }
    const got = await conn.query<[number, string]>('SELECT id, v FROM t ORDER BY id');
    expect(got).toEqual(rows);
  });
});

describe('a statement that switches NO_BACKSLASH_ESCAPES mid-run (fake server)', () => {
  const insertServer = useInsertServer();

  it('the statement behind it is called off and sent again quoted for the new mode', async () => {
    const received: string[] = [];
    const AUTOCOMMIT = 0x0002;
    const NO_BACKSLASH_ESCAPES = 0x0200;
    const url = await insertServer((sql, s) => {
      received.push(sql);
      // Every INSERT "switches" the mode on; a called-off statement is a syntax error.
      if (/VALUES \)\s*$/.test(sql)) s.send(errPacket(1064, '42000', 'You have an error in your SQL syntax'));
      else s.send(okPacket({ affectedRows: 1, status: AUTOCOMMIT | NO_BACKSLASH_ESCAPES }));
    });
    const fake = await connect(`${url}/x`);
    try {
      // ~600 KB per row: one row per statement.
      const big = 'x'.repeat(600_000);
      const rows = [[`a'1${big}`], [`b'2${big}`], [`c'3${big}`]];
      expect(await fake.executemany('INSERT INTO t VALUES (?)', rows)).toBe(3);
      const short = received.map((q) => q.replace(big, '…').trimEnd());
      expect(short).toEqual(["INSERT INTO t VALUES ('a\\'1…')", 'INSERT INTO t VALUES )', "INSERT INTO t VALUES ('b''2…')", "INSERT INTO t VALUES ('c''3…')"]);
      // The called-off statement kept its length: the held-back row was swapped for ')' and blanks.
      expect(received[1].length).toBe(received[0].length);
    } finally {
      await fake.close();
    }
  });

  it('queryTimeoutMs bounds a pipelined statement the server never answers: a typed error, no hang', async () => {
    let inserts = 0;
    // The first INSERT is answered, the second never; KILL QUERY (from a side session) is answered OK.
    const url = await insertServer((_sql, s) => {
      if (++inserts === 1) s.send(okPacket({ affectedRows: 1 }));
    });
    const fake = await connect(`${url}/x`, { queryTimeoutMs: 300 });
    const big = 'z'.repeat(600_000);
    const outcome = fake.executemany('INSERT INTO t VALUES (?)', [[`1${big}`], [`2${big}`], [`3${big}`]]).catch((e: unknown) => e);
    // A generous bound: only a hang fails it.
    const err = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('pending'), 10_000).unref())]);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(3024);
    expect((err as { rowsAffectedBefore?: number }).rowsAffectedBefore).toBe(1);
    fake.destroy();
  });

  it('a server that drops the session mid-run: a typed error with the earlier rows counted, no hang', async () => {
    let inserts = 0;
    const url = await insertServer((_sql, s) => {
      if (++inserts === 2) return 'close';
      s.send(okPacket({ affectedRows: 1 }));
    });
    const fake = await connect(`${url}/x`);
    const big = 'y'.repeat(600_000);
    const err = await fake.executemany('INSERT INTO t VALUES (?)', [[`1${big}`], [`2${big}`], [`3${big}`]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2013);
    expect((err as { rowsAffectedBefore?: number }).rowsAffectedBefore).toBe(1);
    expect(fake.isConnected()).toBe(false);
    fake.destroy();
  });
});

describe('executemany({ atomic: true }) after a rollback', () => {
  it('says the transaction was rolled back and leaves rowcount at 0', async () => {
    await freshTable('(id INT PRIMARY KEY, pad TEXT)');
    // Enough ~10 KB rows for several statements, so earlier ones succeed before the duplicate.
    const rows = Array.from({ length: 450 }, (_, i) => [i, PAD]);
    rows[300] = [3, 'dup'];
    const cur = conn.cursor();
    const err = await cur.executemany('INSERT INTO t VALUES (?, ?)', rows, { atomic: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err).toMatchObject({ rowsAffectedBefore: 0 });
    const message = (err as Error).message;
    expect(message).toContain('rolled back');
    expect(message).toContain('no rows were kept');
    expect(message).not.toMatch(/committed/);
    expect(message).not.toMatch(/[1-9]\d* row\(s\) affected/);
    expect(cur.rowcount).toBe(0);
    expect(await count()).toBe(0);
    await cur.close();
  });
});
