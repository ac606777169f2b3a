import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, NotSupportedError, type Connection, type Cursor } from '@s2/core';
import '@s2/arrow';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { uniqueDatabaseName } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';
import { turnsAutocommitOff, usedDatabase } from '../src/session-statements.js';

/**
 * What the same statement gives over the Data API and over the wire, against the gateway in
 * front of MariaDB (JSON columns, which MariaDB does not have, from a stand-in Data API).
 */
const info = testServer();
const scratch = uniqueDatabaseName('parity');
let gateway: DataApiGateway;
let wire: Connection;
let http: Connection;

const httpUrl = (database: string, query = '') =>
  `http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${gateway.port}/${database}${query}`;

beforeAll(async () => {
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  wire = await connect(`${info.url}/${info.database}`);
  await wire.execute(`CREATE DATABASE ${scratch}`);
  await wire.execute(`CREATE TABLE ${scratch}.u (id INT PRIMARY KEY, v VARCHAR(10))`);
  await wire.execute(`CREATE TABLE ${scratch}.only_here (x INT)`);
  await wire.execute(`INSERT INTO ${scratch}.only_here VALUES (77)`);
  await wire.execute(`CREATE PROCEDURE ${scratch}.two(IN a INT) BEGIN SELECT a AS x; SELECT a + 1 AS y, 'z' AS z; END`);
  await wire.execute(`CREATE PROCEDURE ${scratch}.none_() BEGIN DO 1; END`);
  wire = await reconnect(wire, `${info.url}/${scratch}`);
  http = await connect(httpUrl(scratch));
});
afterAll(async () => {
  await wire?.execute(`DROP DATABASE ${scratch}`);
  await wire?.close();
  await http?.close();
  await gateway?.close();
});

async function reconnect(old: Connection, url: string): Promise<Connection> {
  await old.close();
  return connect(url);
}

/** Every result set of the statement the cursor ran: [column names, rows, rowcount]. */
async function allSets(cur: Cursor): Promise<unknown[]> {
  const sets: unknown[] = [];
  do sets.push([cur.description?.map((d) => d.name) ?? null, cur.description ? await cur.fetchall() : null, cur.rowcount]);
  while (await cur.nextset());
  return sets;
}

describe('JSON columns as text (parse_json off, conv), as over the wire', () => {
  // The Data API nests a JSON column's value in the body as the server's JSON text.
  const BODY =
    '{"results":[{"columns":[{"name":"j","dataType":"JSON","nullable":true},{"name":"b","dataType":"BIGINT","nullable":true}],' +
    '"rows":[[{"a":12345678901234567890123,"b":1.0,"s":"x \\"q\\" \\u00e9"},9223372036854775807],["str",1],[ [1, "two", null] ,2],[12345678901234567890,3],[null,null]]}]}';
  const TEXTS = ['{"a":12345678901234567890123,"b":1.0,"s":"x \\"q\\" \\u00e9"}', '"str"', '[1, "two", null]', '12345678901234567890', null];
  let dataApi: Server;
  let url: string;
  beforeAll(async () => {
    dataApi = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        if (body.includes('VERSION()'))
          return res.end('{"results":[{"columns":[{"name":"v","dataType":"VARCHAR"},{"name":"n","dataType":"BIGINT"}],"rows":[["8.9.3",0]]}]}');
        res.end(BODY);
      });
    });
    await new Promise<void>((r) => dataApi.listen(0, '127.0.0.1', () => r()));
    url = `http://u:p@127.0.0.1:${(dataApi.address() as { port: number }).port}/db`;
  });
  afterAll(async () => {
    await new Promise((r) => dataApi.close(r));
  });

  it('parse_json=false gives the JSON text of each cell, every digit and string quote kept', async () => {
    const c = await connect(`${url}?parse_json=false`);
    try {
      const rows = await c.query<unknown[]>('SELECT j, b FROM x');
      expect(rows.map((r) => r[0])).toEqual(TEXTS);
      expect(rows[0][1]).toBe(9223372036854775807n);
    } finally {
      await c.close();
    }
  });

  for (const query of ['?parse_json=false', '']) {
    it(`Arrow tables hold the same JSON text (${query || 'parse_json on, the default'})`, async () => {
      const c = await connect(`${url}${query}`);
      try {
        // An apache-arrow Table (the type is not imported: only @s2/arrow depends on apache-arrow).
        const table = await c.queryFrame<{ getChild(name: string): { toArray(): unknown[] } | null }>('SELECT j, b FROM x', undefined, {
          resultsType: 'arrow',
        });
        expect(table.getChild('j')!.toArray()).toEqual(TEXTS);
      } finally {
        await c.close();
      }
    });
  }

  it('parsed JSON (the default) keeps big integers exact', async () => {
    const c = await connect(url);
    try {
      const rows = await c.query<unknown[]>('SELECT j, b FROM x');
      expect(rows.map((r) => r[0])).toEqual([{ a: 12345678901234567890123n, b: 1, s: 'x "q" é' }, 'str', [1, 'two', null], 12345678901234567890n, null]);
    } finally {
      await c.close();
    }
  });

  it('conv functions get the text the wire would give them, big integers included', async () => {
    const seen: unknown[] = [];
    const keep = (v: unknown) => {
      seen.push(v);
      return v;
    };
    const c = await connect(url, { conv: { 8: keep, 245: keep } });
    try {
      await c.query('SELECT j, b FROM x');
      expect(seen).toEqual([TEXTS[0], '9223372036854775807', TEXTS[1], '1', TEXTS[2], '2', TEXTS[3], '3']);
    } finally {
      await c.close();
    }
  });
});

describe('conv over the Data API against the gateway', () => {
  it('a BIGINT beyond 2^53 reaches its conv function as its digits, as over the wire', async () => {
    const conv = { 8: (v: unknown) => `conv:${String(v)}` };
    const sql = 'SELECT CAST(18446744073709551615 AS UNSIGNED) AS big, CAST(-9007199254740993 AS SIGNED) AS neg';
    const c = await connect(httpUrl(scratch), { conv });
    const w = await connect(`${info.url}/${scratch}`, { conv });
    try {
      const overWire = await w.query(sql);
      expect(overWire).toEqual([['conv:18446744073709551615', 'conv:-9007199254740993']]);
      expect(await c.query(sql)).toEqual(overWire);
    } finally {
      await c.close();
      await w.close();
    }
  });
});

describe('autocommit over the Data API', () => {
  it('cannot be turned off, so no ROLLBACK can look as if it undid a statement', async () => {
    await expect(http.autocommit(false)).rejects.toBeInstanceOf(NotSupportedError);
    await expect(http.query('SET autocommit = 0')).rejects.toBeInstanceOf(NotSupportedError);
    await expect(http.query('SET SESSION autocommit = OFF')).rejects.toBeInstanceOf(NotSupportedError);
    await expect(http.query("SET @@session.autocommit := 'false'")).rejects.toBeInstanceOf(NotSupportedError);
    expect(http.getAutocommit()).toBe(true);
    // Turning it on, or a user variable of that name, is harmless.
    await http.autocommit(true);
    await http.query('SET autocommit = 1');
    await http.query('SET @autocommit = 0');
  });

  it('recognises the statements that switch it off', () => {
    for (const sql of [
      'SET autocommit=0',
      'set AUTOCOMMIT = false',
      'SET LOCAL autocommit = OFF',
      'SET @@autocommit = 0',
      'SET a = 1, autocommit = 0',
      '/* x */ SET autocommit=0;',
    ])
      expect(turnsAutocommitOff(sql), sql).toBe(true);
    for (const sql of [
      'SET autocommit = 1',
      'SET @autocommit = 0',
      'SET GLOBAL autocommit = 0',
      'SET @@global.autocommit = 0',
      "SET @x = 'autocommit=0'",
      'SELECT 1',
    ])
      expect(turnsAutocommitOff(sql), sql).toBe(false);
  });
});

describe('statements that answer with rows over the wire answer with them over the Data API', () => {
  it('RETURNING, table maintenance, HELP, EXECUTE IMMEDIATE and executable comments', async () => {
    for (const sql of [
      'ANALYZE TABLE u',
      'CHECK TABLE u',
      'CHECKSUM TABLE u',
      'OPTIMIZE TABLE u',
      'REPAIR TABLE u',
      "EXECUTE IMMEDIATE 'SELECT 5'",
      '/*! SELECT */ 4',
    ]) {
      const overWire = await wire.query(sql);
      expect(overWire.length, sql).toBeGreaterThan(0);
      expect(await http.query(sql), sql).toEqual(overWire);
    }
    expect((await http.query<unknown[]>("HELP 'SELECT'"))[0]).toEqual((await wire.query<unknown[]>("HELP 'SELECT'"))[0]);
    expect(await http.query("INSERT INTO u VALUES (1, 'one'), (2, 'two') RETURNING id, v")).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    expect(await http.query('DELETE FROM u WHERE id = 2 RETURNING id')).toEqual([[2]]);
  });

  it('statements without rows still report their affected rows', async () => {
    expect((await http.execute("EXECUTE IMMEDIATE 'INSERT INTO u VALUES (30, ''RETURNING''), (31, ''x'')'")).rowcount).toBe(2);
    expect((await http.execute("DELETE FROM u WHERE v = 'RETURNING'")).rowcount).toBe(1);
    expect((await http.execute('DELETE FROM u WHERE id IN (30, 31)')).rowcount).toBe(1);
  });
});

describe('CALL over the Data API', () => {
  it("ends with the procedure's own empty result, as over the wire", async () => {
    for (const sql of ['CALL two(5)', 'CALL none_()']) {
      const overWire = await allSets(await executed(wire, sql));
      expect(await allSets(await executed(http, sql)), sql).toEqual(overWire);
    }
    const viaCallproc = async (c: Connection) => {
      const cur = c.cursor();
      await cur.callproc('two', [7]);
      return allSets(cur);
    };
    const overWire = await viaCallproc(wire);
    expect(overWire.at(-1)).toEqual([null, null, 0]);
    expect(await viaCallproc(http)).toEqual(overWire);
  });
});

async function executed(c: Connection, sql: string): Promise<Cursor> {
  const cur = c.cursor();
  await cur.execute(sql);
  return cur;
}

describe('USE over the Data API', () => {
  it('moves the following statements to that database', async () => {
    const c = await connect(httpUrl(info.database));
    try {
      await c.execute(`USE \`${scratch}\``);
      expect(await c.query('SELECT DATABASE(), (SELECT x FROM only_here)')).toEqual([[scratch, 77]]);
      await expect(c.execute('USE no_such_database_here')).rejects.toMatchObject({ errno: 1049 });
      expect(await c.query('SELECT DATABASE()')).toEqual([[scratch]]);
    } finally {
      await c.close();
    }
  });

  it('reads the database name as the server does', () => {
    expect(usedDatabase('USE db1')).toBe('db1');
    expect(usedDatabase('/* c */ use `my``db`;')).toBe('my`db');
    expect(usedDatabase('SELECT 1')).toBeNull();
  });
});

describe('result details over the Data API', () => {
  it('errors carry the SQLSTATE, as over the wire', async () => {
    const overWire = await wire.query('SELEC 1').catch((e: unknown) => e);
    const overHttp = await http.query('SELEC 1').catch((e: unknown) => e);
    expect(overWire).toMatchObject({ errno: 1064, sqlstate: '42000' });
    expect(overHttp).toMatchObject({ errno: 1064, sqlstate: '42000' });
  });

  it('repeated column names in objects keep every value, as over the wire for columns without a table', async () => {
    const [row] = await http.query<Record<string, unknown>>('SELECT 1 AS id, 2 AS id, 3 AS other', undefined, { resultsType: 'objects' });
    expect(row).toEqual({ id: 1, '.id': 2, other: 3 });
    const frame = await http.queryFrame('SELECT 1 AS id, 2 AS id');
    expect(frame.columns.map((c) => c.name)).toEqual(['id', 'id_1']);
  });
});
