/**
 * Kysely over s2, through Kysely's own API only, on both routes: the wire straight to the
 * throwaway MariaDB, and the Data API gateway in front of it (no transactions there).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, statementRunning } from '@s2/testing/vitest';
import { CompiledQuery, Kysely, Migrator, NO_MIGRATIONS, sql, type Generated, type Migration } from 'kysely';
import { createPool, DatabaseError, IntegrityError, NotSupportedError, OperationalError, ProgrammingError, SqlDateTime } from '@s2/core';
import { S2Dialect, S2KyselyConnection, withQueryOptions } from '@s2/kysely';
import { Scratch, type Route } from './support.js';

interface Kitchen {
  id: Generated<bigint | number>;
  i: number | null;
  big: bigint | number | string | null;
  ubig: bigint | number | string | null;
  f: number | null;
  d: number | null;
  price: string | null;
  name: string | null;
  body: string | null;
  kind: 'a' | 'b' | null;
  at: Date | string | null;
  day: Date | string | null;
  clock: string | null;
  yr: number | null;
  bytes: Buffer | null;
  flag: number | boolean | null;
  doc: string | null;
}
interface Owner {
  id: Generated<number>;
  name: string;
}
interface Pet {
  id: Generated<number>;
  owner_id: number;
  name: string;
  legs: number;
}
interface DB {
  kitchen: Kitchen;
  owner: Owner;
  pet: Pet;
}

const scratch = new Scratch();
beforeAll(() => scratch.start());
afterAll(() => scratch.stop());

async function createSchema(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('kitchen')
    .addColumn('id', 'bigint', (c) => c.autoIncrement().primaryKey())
    .addColumn('i', 'integer')
    .addColumn('big', 'bigint')
    .addColumn('ubig', sql`bigint unsigned`)
    .addColumn('f', 'float4')
    .addColumn('d', 'double precision')
    .addColumn('price', 'decimal(30, 10)')
    .addColumn('name', 'varchar(100)')
    .addColumn('body', 'text')
    .addColumn('kind', sql`enum('a','b')`)
    .addColumn('at', sql`datetime(6)`)
    .addColumn('day', 'date')
    .addColumn('clock', sql`time(6)`)
    .addColumn('yr', sql`year`)
    .addColumn('bytes', sql`varbinary(16)`)
    .addColumn('flag', 'boolean')
    .addColumn('doc', 'json')
    .execute();
}

describe.each(['mysql', 'http'] as const)('Kysely over s2 (%s)', (route: Route) => {
  let db: Kysely<DB>;
  const wire = route === 'mysql';
  // Each route gets its own database (so its own tables).
  const own = new Scratch();

  beforeAll(async () => {
    await own.start();
    db = new Kysely<DB>({ dialect: new S2Dialect({ url: own.url(route), poolOptions: { max: 4 } }) });
    await createSchema(db);
    await db.schema
      .createTable('owner')
      .addColumn('id', 'integer', (c) => c.autoIncrement().primaryKey())
      .addColumn('name', 'varchar(50)', (c) => c.notNull().unique())
      .execute();
    await db.schema
      .createTable('pet')
      .addColumn('id', 'integer', (c) => c.autoIncrement().primaryKey())
      .addColumn('owner_id', 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(50)', (c) => c.notNull())
      .addColumn('legs', 'integer', (c) => c.notNull())
      .execute();
  });
  afterAll(async () => {
    await db.destroy();
    await own.stop();
  });

  it('inserts every common column type and reads the values back exactly', async () => {
    // Values that come back as they went in (the others are checked one by one below).
    const exact = {
      i: -7,
      big: 9007199254740993n,
      ubig: 18446744073709551615n,
      f: 1.5,
      d: 0.1,
      price: '12345678901234567890.0123456789',
      name: "O'Brien \u{1F600}",
      kind: 'b' as const,
      yr: 2024,
    };
    const inserted = await db
      .insertInto('kitchen')
      .values({
        ...exact,
        body: 'x'.repeat(5000),
        at: '2024-02-29 23:59:59.123456',
        day: '2024-03-01',
        clock: '-12:30:00.000001',
        bytes: Buffer.from([0, 1, 254, 255]),
        flag: true,
        doc: JSON.stringify({ a: [1, 2] }),
      })
      .executeTakeFirstOrThrow();
    expect(typeof inserted.insertId).toBe('bigint');
    expect(inserted.insertId! > 0n).toBe(true);
    expect(inserted.numInsertedOrUpdatedRows).toBe(1n);

    const row = await db.selectFrom('kitchen').selectAll().where('id', '=', inserted.insertId!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ...exact, flag: 1 });
    expect(row.body).toHaveLength(5000);
    expect(row.at).toBeInstanceOf(SqlDateTime);
    expect((row.at as SqlDateTime).toSqlString()).toBe('2024-02-29 23:59:59.123456');
    expect(row.day).toBeInstanceOf(Date);
    expect(String(row.clock)).toBe('-12:30:00.000001');
    expect(Buffer.from(row.bytes!)).toEqual(Buffer.from([0, 1, 254, 255]));
    // MariaDB reports JSON as LONGTEXT (JSON only in extended metadata, which s2 does not read):
    // text here, as the README says; SingleStoreDB's JSON type is parsed.
    expect(JSON.parse(String(row.doc))).toEqual({ a: [1, 2] });
  });

  it('update and delete report affected rows as bigint; nulls round-trip', async () => {
    await db
      .insertInto('kitchen')
      .values([
        { i: 100, name: 'u1' },
        { i: 100, name: 'u2' },
        { i: 101, name: null },
      ])
      .execute();
    const upd = await db.updateTable('kitchen').set({ price: '1.5' }).where('i', '=', 100).executeTakeFirstOrThrow();
    expect(upd.numUpdatedRows).toBe(2n);
    const nullRow = await db.selectFrom('kitchen').select(['name', 'at', 'price']).where('i', '=', 101).executeTakeFirstOrThrow();
    expect(nullRow).toEqual({ name: null, at: null, price: null });
    const del = await db.deleteFrom('kitchen').where('i', 'in', [100, 101]).executeTakeFirstOrThrow();
    expect(del.numDeletedRows).toBe(3n);
  });

  it(
    wire
      ? "an UPDATE's numChangedRows is mysql2's; other statements report 0n"
      : "an UPDATE's numChangedRows is unknown over the Data API; other statements report 0n",
    async () => {
      // A table of its own: the other tests count the rows of theirs.
      const k = db as unknown as Kysely<{ changes: { id: number; v: string } }>;
      await sql`create table changes (id int primary key, v varchar(5))`.execute(k);
      try {
        const insert = await sql`insert into changes values (1, 'a'), (2, 'b')`.execute(k);
        // Kysely's MySQL dialect on mysql2 gives 1n, 0n and 2n here (mysql2 reads "Changed: N" from the OK packet).
        const one = await k.updateTable('changes').set({ v: 'a' }).where('id', '=', 2).executeTakeFirstOrThrow();
        const none = await k.updateTable('changes').set({ v: 'a' }).executeTakeFirstOrThrow();
        const both = await sql`/* both rows */ update changes set v = 'z'`.execute(k);
        expect([one.numChangedRows, none.numChangedRows, both.numChangedRows]).toEqual(wire ? [1n, 0n, 2n] : [undefined, undefined, undefined]);
        const del = await sql`delete from changes`.execute(k);
        expect([insert.numChangedRows, del.numChangedRows]).toEqual([0n, 0n]);
      } finally {
        await sql`drop table changes`.execute(k);
      }
    },
  );

  it('joins and aggregates', async () => {
    const owners = await db
      .insertInto('owner')
      .values([{ name: 'ann' }, { name: 'bob' }, { name: 'cy' }])
      .execute();
    expect(owners[0].numInsertedOrUpdatedRows).toBe(3n);
    const ids = Object.fromEntries((await db.selectFrom('owner').select(['id', 'name']).execute()).map((o) => [o.name, o.id]));
    await db
      .insertInto('pet')
      .values([
        { owner_id: ids.ann, name: 'rex', legs: 4 },
        { owner_id: ids.ann, name: 'tweety', legs: 2 },
        { owner_id: ids.bob, name: 'nemo', legs: 0 },
      ])
      .execute();
    const stats = await db
      .selectFrom('owner as o')
      .leftJoin('pet as p', 'p.owner_id', 'o.id')
      .select(['o.name', (eb) => eb.fn.count<number>('p.id').as('pets'), (eb) => eb.fn.sum<string>('p.legs').as('legs')])
      .groupBy('o.name')
      .orderBy('o.name')
      .execute();
    expect(stats.map((s) => [s.name, Number(s.pets), s.legs === null ? null : Number(s.legs)])).toEqual([
      ['ann', 2, 6],
      ['bob', 1, 0],
      ['cy', 0, null],
    ]);
  });

  it('typed s2 errors come through unchanged', async () => {
    await db.insertInto('owner').values({ name: 'dup' }).execute();
    const dup = await db
      .insertInto('owner')
      .values({ name: 'dup' })
      .execute()
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(IntegrityError);
    expect((dup as IntegrityError).errno).toBe(1062);
    const bad = await db
      .selectFrom('no_such_table' as never)
      .selectAll()
      .execute()
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ProgrammingError);
  });

  it('streams rows in chunks; leaving early keeps the session usable', async () => {
    const rows = [];
    for await (const r of db.selectFrom(sql<{ seq: number }>`seq_1_to_2500`.as('s')).select('s.seq').stream(700)) rows.push(r.seq);
    expect(rows).toHaveLength(2500);
    expect(rows[2499]).toBe(2500);
    let seen = 0;
    for await (const _ of db.selectFrom(sql<{ seq: number }>`seq_1_to_100000`.as('s')).select('s.seq').stream(100)) if (++seen === 150) break;
    expect(seen).toBe(150);
    expect(
      await db
        .selectFrom('owner')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toHaveProperty('n');
  });

  it('introspects tables and columns', async () => {
    const tables = await db.introspection.getTables();
    const kitchen = tables.find((x) => x.name === 'kitchen')!;
    expect(kitchen).toBeDefined();
    const id = kitchen.columns.find((c) => c.name === 'id')!;
    expect(id).toMatchObject({ dataType: 'bigint', isAutoIncrementing: true, isNullable: false });
    expect(kitchen.columns.map((c) => c.name)).toContain('price');
  });

  it('migrations run up and down, with the migration lock', async () => {
    const migrations: Record<string, Migration> = {
      '001_books': {
        up: (k) =>
          k.schema
            .createTable('book')
            .addColumn('id', 'integer', (c) => c.primaryKey())
            .addColumn('title', 'varchar(50)')
            .execute(),
        down: (k) => k.schema.dropTable('book').execute(),
      },
      '002_books_year': {
        up: (k) => k.schema.alterTable('book').addColumn('year', 'integer').execute(),
        down: (k) => k.schema.alterTable('book').dropColumn('year').execute(),
      },
    };
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(up.results!.map((r) => [r.migrationName, r.direction, r.status])).toEqual([
      ['001_books', 'Up', 'Success'],
      ['002_books_year', 'Up', 'Success'],
    ]);
    const cols = (await db.introspection.getTables()).find((x) => x.name === 'book')!.columns.map((c) => c.name);
    expect(cols).toEqual(['id', 'title', 'year']);
    const down = await migrator.migrateDown();
    expect(down.results!.map((r) => [r.migrationName, r.direction, r.status])).toEqual([['002_books_year', 'Down', 'Success']]);
    const none = await migrator.migrateTo(NO_MIGRATIONS);
    expect(none.results!.map((r) => r.migrationName)).toEqual(['001_books']);
    expect((await db.introspection.getTables()).some((x) => x.name === 'book')).toBe(false);
    const lock = await db
      .selectFrom('kysely_migration_lock' as never)
      .selectAll()
      .execute();
    expect(lock).toEqual([{ id: 'migration_lock', is_locked: 0 }]);
  });

  it(
    wire ? 'transactions commit, roll back, and nest with savepoints (MariaDB has them)' : 'transactions over the Data API are a NotSupportedError',
    async () => {
      if (!wire) {
        await expect(db.transaction().execute(async () => 1)).rejects.toBeInstanceOf(NotSupportedError);
        await expect(db.startTransaction().execute()).rejects.toBeInstanceOf(NotSupportedError);
        return;
      }
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('owner').values({ name: 'tx-commit' }).execute();
      });
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('owner').values({ name: 'tx-rollback' }).execute();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const trx = await db.startTransaction().setIsolationLevel('read committed').execute();
      await trx.insertInto('owner').values({ name: 'outer' }).execute();
      const sp = await trx.savepoint('inner').execute();
      await sp.insertInto('owner').values({ name: 'inner' }).execute();
      const back = await sp.rollbackToSavepoint('inner').execute();
      await back.releaseSavepoint('inner').execute();
      await trx.commit().execute();
      const names = (
        await db.selectFrom('owner').select('name').where('name', 'in', ['tx-commit', 'tx-rollback', 'outer', 'inner']).orderBy('name').execute()
      ).map((r) => r.name);
      expect(names).toEqual(['outer', 'tx-commit']);
    },
  );

  it('a signal from withQueryOptions cancels a running statement', async () => {
    const ac = new AbortController();
    const slow = withQueryOptions({ signal: ac.signal }, () => db.selectNoFrom(sql<number>`sleep(20)`.as('ky_cancel')).execute());
    // Abort once the server shows the statement running (a timer could fire before it is sent).
    const watch = await own.open('mysql');
    try {
      expect(await pollUntil(statementRunning((q) => watch.query(q), 'select sleep(20) as `ky_cancel`'))).toBe(true);
    } finally {
      await watch.close();
    }
    ac.abort();
    const err = await slow.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect(await db.selectNoFrom(sql<number>`1`.as('one')).executeTakeFirstOrThrow()).toEqual({ one: 1 });
  });
});

describe('SingleStoreDB rules, forced (only MariaDB runs here)', () => {
  it('a savepoint is a NotSupportedError and is never sent; the transaction still rolls back', async () => {
    const conn = await scratch.open('mysql');
    await conn.execute('CREATE TABLE ss_tx (a INT) ENGINE=InnoDB');
    const db = new Kysely<{ ss_tx: { a: number } }>({ dialect: new S2Dialect({ connection: conn, singlestore: true }) });
    const trx = await db.startTransaction().execute();
    await trx.insertInto('ss_tx').values({ a: 1 }).execute();
    const err = await trx
      .savepoint('sp')
      .execute()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotSupportedError);
    expect(String((err as Error).message)).toMatch(/savepoint/);
    // The server never saw it: the session is still in the same transaction, with no savepoint named sp.
    await expect(conn.execute('ROLLBACK TO SAVEPOINT sp')).rejects.toBeInstanceOf(DatabaseError);
    await trx.rollback().execute();
    expect(await db.selectFrom('ss_tx').selectAll().execute()).toEqual([]);
    await db.destroy();
    expect(conn.isConnected()).toBe(false);
  });

  it('the table-based migration lock serialises two migrators and is released', async () => {
    const pool = createPool({ url: scratch.url('mysql'), max: 4 });
    const db = new Kysely<any>({ dialect: new S2Dialect({ pool, singlestore: true, migrationLockWaitMs: 20_000 }) });
    const order: string[] = [];
    const slow = (name: string): Migration => ({
      up: async (k) => {
        order.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, 150));
        await k.schema.createTable(`lk_${name}`).ifNotExists().addColumn('a', 'integer').execute();
        order.push(`${name}:end`);
      },
    });
    const make = () =>
      new Migrator({
        db,
        provider: { getMigrations: async () => ({ '1': slow('one'), '2': slow('two') }) },
        migrationTableName: 'lk_mig',
        migrationLockTableName: 'lk_lock',
      });
    const [a, b] = await Promise.all([make().migrateToLatest(), make().migrateToLatest()]);
    expect(a.error ?? b.error).toBeUndefined();
    // Each migration ran once, start/end never interleaved.
    expect(order).toEqual(['one:start', 'one:end', 'two:start', 'two:end']);
    expect(await db.selectFrom('lk_lock').selectAll().execute()).toEqual([{ id: 'migration_lock', is_locked: 0 }]);

    // A stale flag makes the next migrator give up with a typed error naming the way out.
    await db.updateTable('lk_lock').set({ is_locked: 1 }).execute();
    const stuck = new Kysely<any>({ dialect: new S2Dialect({ url: scratch.url('mysql'), singlestore: true, migrationLockWaitMs: 300 }) });
    const res = await new Migrator({
      db: stuck,
      provider: { getMigrations: async () => ({}) },
      migrationTableName: 'lk_mig',
      migrationLockTableName: 'lk_lock',
    }).migrateToLatest();
    expect(res.error).toBeInstanceOf(OperationalError);
    expect(String((res.error as Error).message)).toMatch(/is_locked = 1/);
    await stuck.destroy();
    await db.destroy();
    expect(pool.size).toBe(0);
  });
});

describe('an abort inside a transaction', () => {
  const inTransaction = async (db: Kysely<{ abort_tx: { a: number } }>) => (await sql<{ t: number }>`select @@in_transaction as t`.execute(db)).rows[0].t;

  /** A transaction that inserts `a`, then is aborted while its next statement runs; resolves to its error. */
  async function abortedTransaction(db: Kysely<{ abort_tx: { a: number } }>, a: number): Promise<unknown> {
    const ac = new AbortController();
    const tag = `ky_abort_tx_${a}`;
    const pending = withQueryOptions({ signal: ac.signal }, () =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto('abort_tx').values({ a }).execute();
        await sql`select sleep(5) as ${sql.raw(tag)}`.execute(trx);
      }),
    ).catch((e: unknown) => e);
    const watch = await scratch.open('mysql');
    try {
      expect(await pollUntil(statementRunning((q) => watch.query(q), `select sleep(5) as ${tag}`))).toBe(true);
    } finally {
      await watch.close();
    }
    ac.abort();
    return pending;
  }

  it('rolls back on a single connection, which leaves the transaction; the error is the one that failed it', async () => {
    const conn = await scratch.open('mysql');
    await conn.execute('CREATE TABLE abort_tx (a INT) ENGINE=InnoDB');
    const db = new Kysely<{ abort_tx: { a: number } }>({ dialect: new S2Dialect({ connection: conn }) });
    const err = await abortedTransaction(db, 1);
    // The statement the abort stopped, not a rollback refused for the signal's sake.
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as Error).message).toMatch(/cancelled by AbortSignal/);
    expect(await inTransaction(db)).toBe(0);
    await db.insertInto('abort_tx').values({ a: 2 }).execute();

    // A savepoint rolled back under an aborted signal still rolls back.
    const trx = await db.startTransaction().execute();
    await trx.insertInto('abort_tx').values({ a: 3 }).execute();
    const sp = await trx.savepoint('sp').execute();
    await sp.insertInto('abort_tx').values({ a: 4 }).execute();
    const aborted = AbortSignal.abort();
    const back = await withQueryOptions({ signal: aborted }, () => sp.rollbackToSavepoint('sp').execute());
    await back.commit().execute();
    expect(await inTransaction(db)).toBe(0);

    const rows = await conn.query<{ a: number }>('SELECT a FROM abort_tx ORDER BY a', undefined, { resultsType: 'objects' });
    expect(rows).toEqual([{ a: 2 }, { a: 3 }]);
    await db.destroy();
  });

  it('on a pool, the session given back is out of the transaction', async () => {
    const pool = createPool({ url: scratch.url('mysql'), max: 1 });
    const db = new Kysely<{ abort_tx: { a: number } }>({ dialect: new S2Dialect({ pool }) });
    const err = await abortedTransaction(db, 10);
    expect((err as Error).message).toMatch(/cancelled by AbortSignal/);
    expect(await inTransaction(db)).toBe(0);
    expect(await db.selectFrom('abort_tx').select('a').where('a', '=', 10).execute()).toEqual([]);
    await db.destroy();
  });
});

describe('pool lifecycle', () => {
  it('destroy() ends the pool it was given and borrowed sessions come back after every query', async () => {
    const pool = createPool({ url: scratch.url('mysql'), max: 2 });
    const db = new Kysely<any>({ dialect: new S2Dialect({ pool }) });
    await Promise.all(Array.from({ length: 10 }, (_, i) => db.selectNoFrom(sql<number>`${i}`.as('v')).execute()));
    await expect(
      db.transaction().execute(async () => {
        throw new Error('x');
      }),
    ).rejects.toThrow('x');
    await new Promise((r) => setTimeout(r, 20));
    expect(pool.size).toBeLessThanOrEqual(2);
    expect(pool.idleCount).toBe(pool.size);
    await db.destroy();
    expect(pool.size).toBe(0);
  });
});

describe('numChangedRows on the wire', () => {
  beforeAll(async () => {
    const conn = await scratch.open('mysql');
    try {
      await conn.execute('CREATE TABLE changes (id int primary key, v varchar(5))');
      await conn.execute("INSERT INTO changes VALUES (1, 'a'), (2, 'b')");
    } finally {
      await conn.close();
    }
  });

  it('comes from the "Changed: N" text with clientFoundRows too, where affected rows count matched rows', async () => {
    const db = new Kysely<any>({ dialect: new S2Dialect({ url: scratch.url('mysql'), poolOptions: { max: 1, clientFoundRows: true } }) });
    try {
      // Row 1 already holds 'a': two rows matched, one changed.
      const result = await sql`update changes set v = 'a'`.execute(db);
      expect(result.numAffectedRows).toBe(2n);
      expect(result.numChangedRows).toBe(1n);
    } finally {
      await db.destroy();
    }
  });

  it('streamQuery reports it as executeQuery does', async () => {
    const conn = await scratch.open('mysql');
    try {
      const session = new S2KyselyConnection(conn, undefined);
      const results = [];
      for await (const r of session.streamQuery(CompiledQuery.raw("update changes set v = 'c' where id = 2"))) results.push(r);
      expect(results).toEqual([{ rows: [], numAffectedRows: 1n, numChangedRows: 1n }]);
    } finally {
      await conn.close();
    }
  });
});

describe('statements with several results', () => {
  it("a procedure's every result set comes back, as Kysely's MySQL dialect on mysql2 gives them", async () => {
    const conn = await scratch.open('mysql');
    const db = new Kysely<any>({ dialect: new S2Dialect({ connection: conn }) });
    await sql`create procedure two_sets() begin select 1 as a; select 2 as b, 3 as c; end`.execute(db);
    await sql`create procedure one_set() begin select 1 as a; end`.execute(db);
    // A CALL ends with an OK of its own: mysql2 lists it after the result sets, as its ResultSetHeader.
    const closing = { fieldCount: 0, affectedRows: 0, insertId: 0, serverStatus: 2, warningStatus: 0 };
    expect(await sql`call two_sets()`.execute(db)).toEqual({ rows: [[{ a: 1 }], [{ b: 2, c: 3 }], closing] });
    expect(await sql`call one_set()`.execute(db)).toEqual({ rows: [[{ a: 1 }], closing] });
    // A statement with one result is answered as before, and the session goes on.
    expect(await sql`select 42 as z`.execute(db)).toEqual({ rows: [{ z: 42 }] });
    await db.destroy();
  });
});
