import { describe, expect, it } from 'vitest';
import { DataError, FieldType, IntegrityError, InterfaceError, InternalError, OperationalError, ProgrammingError } from '@s2/base';
import { columnFromDataApi, errorFromResponse, httpErrorClass, returnsRows, Semaphore } from '@s2/http';
import { jsonCellTexts } from '../src/json-cells.js';

describe('routing', () => {
  it('sends row-returning statements to query/tuples even behind comments and parentheses', () => {
    for (const sql of [
      'SELECT 1',
      '  select 1',
      '/* c */ SELECT 1',
      '-- x\nSELECT 1',
      '# x\nSHOW TABLES',
      '(SELECT 1) UNION (SELECT 2)',
      'WITH a AS (SELECT 1) SELECT * FROM a',
      'CALL p()',
      'DESCRIBE t',
      'EXPLAIN SELECT 1',
    ]) {
      expect(returnsRows(sql), sql).toBe(true);
    }
    for (const sql of ['INSERT INTO t VALUES (1)', 'UPDATE t SET a = 1', '/* SELECT */ DELETE FROM t', 'CREATE TABLE t (a INT)', 'SET @a = 1', 'SELECTX']) {
      expect(returnsRows(sql), sql).toBe(false);
    }
  });

  it('sends statements that answer with rows under another keyword to query/tuples', () => {
    for (const sql of [
      "INSERT INTO t VALUES (1, 'a') RETURNING id",
      'REPLACE INTO t VALUES (1) RETURNING *',
      'DELETE FROM t WHERE id IN (SELECT id FROM u) RETURNING id, v',
      'ANALYZE TABLE t',
      'CHECK TABLE t',
      'checksum table t',
      'OPTIMIZE TABLE t',
      'REPAIR TABLE t',
      "HELP 'SELECT'",
      'PROFILE SELECT 1',
      "EXECUTE IMMEDIATE 'SELECT 5'",
      "EXECUTE IMMEDIATE 'WITH a AS (SELECT 1) SELECT * FROM a'",
      'EXECUTE IMMEDIATE @stmt',
      'EXECUTE prepared_name',
      '/*! SELECT */ 4',
      '/*!50100 SELECT 4 */',
      '/*M!100100 SHOW TABLES */',
    ]) {
      expect(returnsRows(sql), sql).toBe(true);
    }
    for (const sql of [
      "INSERT INTO t (returning) VALUES ('RETURNING')",
      'INSERT INTO t SELECT * FROM u WHERE x IN (SELECT returning FROM v)',
      'INSERT INTO t VALUES (1) -- RETURNING id',
      'DELETE FROM t /* RETURNING id */',
      'UPDATE t SET `returning` = 1',
      "EXECUTE IMMEDIATE 'INSERT INTO t VALUES (1)'",
      "EXECUTE IMMEDIATE 'DELETE FROM t WHERE v = ''SELECT'''",
      '/*+ SELECT */ DELETE FROM t',
    ]) {
      expect(returnsRows(sql), sql).toBe(false);
    }
  });
});

describe('error mapping (data-api spec 6.2)', () => {
  it('maps codes with the Data API table', () => {
    expect(httpErrorClass(0)).toBe(InterfaceError);
    expect(httpErrorClass(2012)).toBe(InterfaceError);
    expect(httpErrorClass(1230)).toBe(DataError);
    expect(httpErrorClass(1110)).toBe(ProgrammingError);
    expect(httpErrorClass(1049)).toBe(ProgrammingError);
    expect(httpErrorClass(1452)).toBe(IntegrityError);
    expect(httpErrorClass(1364)).toBe(IntegrityError);
    expect(httpErrorClass(9999)).toBe(OperationalError);
    expect(httpErrorClass(222)).toBe(InternalError);
  });
  it('reads errno from "Error N: ..." bodies and falls back to the status', () => {
    const e = errorFromResponse(500, 'Error 1064: You have an error in your SQL syntax');
    expect(e).toBeInstanceOf(ProgrammingError);
    expect(e).toMatchObject({ errno: 1064, errmsg: 'You have an error in your SQL syntax' });
    expect(e.sqlstate).toBeNull();
    const withState = errorFromResponse(400, "Error 1146 (42S02): Table 'db.nope' doesn't exist");
    expect(withState).toMatchObject({ errno: 1146, sqlstate: '42S02', errmsg: "Table 'db.nope' doesn't exist" });
    const ct = errorFromResponse(415, 'Content-Type must be application/json');
    expect(ct).toBeInstanceOf(InternalError);
    expect(ct).toMatchObject({ errno: 415 });
    expect(errorFromResponse(502, '')).toBeInstanceOf(InterfaceError);
  });
});

describe('JSON cell texts', () => {
  it('are the source text of the wanted cells, whatever the strings in and around them hold', () => {
    const cells = ['{"k":"a \\\\\\"] }","n":[1e400, -0.0]}', '"\\\\"', '[ ]', 'null', '12345678901234567890123'];
    const body = ` { "error" : null , "results" : [ {"columns":[],"rows":[]},
      { "rows" : [ [ "x\\"]" , ${cells[0]} ] , ["", ${cells[1]}], [ "{" ,${cells[2]}],["[",${cells[3]}], [ "", ${cells[4]} ] ], "columns": [{"name":"s"},{"name":"j"}] } ] } `;
    JSON.parse(body);
    expect(jsonCellTexts(body, [[], [1]])).toEqual([[], [undefined, cells]]);
  });
});

describe('column metadata from dataType', () => {
  it('maps names, suffixes and binary types', () => {
    // length is the wire's display length (precision + point + sign), so description gives precision 20 back.
    expect(columnFromDataApi({ name: 'd', dataType: 'DECIMAL(20,6)', nullable: true })).toMatchObject({
      typeCode: FieldType.NEWDECIMAL,
      length: 22,
      decimals: 6,
      charset: 0,
    });
    expect(columnFromDataApi({ name: 'v', dataType: 'VARCHAR' })).toMatchObject({ typeCode: FieldType.VAR_STRING, flags: 1 });
    expect(columnFromDataApi({ name: 'b', dataType: 'LONGBLOB' })).toMatchObject({ typeCode: FieldType.LONG_BLOB, charset: 63 });
    expect(columnFromDataApi({ name: 'x', dataType: 'SOMETHING_NEW' }).typeCode).toBe(FieldType.VAR_STRING);
  });
});

describe('semaphore', () => {
  it('never lets more than the limit run', async () => {
    const sem = new Semaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await sem.acquire();
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        release();
      }),
    );
    expect(peak).toBe(3);
    expect(sem.inFlight).toBe(0);
  });
});

describe('authentication headers', () => {
  const capture = async (options: Partial<import('@s2/http').HttpOptions>) => {
    const seen: Record<string, string>[] = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      seen.push(init.headers as Record<string, string>);
      return new Response(
        JSON.stringify({
          results: [
            {
              columns: [
                { name: 'v', dataType: 'VARCHAR' },
                { name: 'n', dataType: 'BIGINT' },
              ],
              rows: [['10.11', 0]],
            },
          ],
        }),
        { status: 200 },
      );
    }) as unknown as typeof fetch;
    const { connectHttp } = await import('@s2/http');
    await connectHttp({ host: 'h', port: 9000, driver: 'http', fetch: fakeFetch, ...options });
    return seen[0];
  };
  it('Basic for user and password, Bearer for a JWT, none without a user', async () => {
    expect((await capture({ user: 'u', password: 'p' })).Authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect((await capture({ user: 'u', bearerToken: 'eyJ.x.y' })).Authorization).toBe('Bearer eyJ.x.y');
    expect((await capture({})).Authorization).toBeUndefined();
    expect((await capture({ user: 'u' }))['User-Agent']).toMatch(/^SingleStoreDB-TypeScript\//);
  });
});

describe('transport choice', () => {
  it('uses undici on Node when it is installed, and nothing Node-only elsewhere', async () => {
    const { undiciTransport } = await import('@s2/http');
    expect(typeof (await undiciTransport())).toBe('function');
    const saved = globalThis.process;
    // Without Node's process object (browsers, edge runtimes) the undici path is never tried.
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      expect(await undiciTransport()).toBeNull();
    } finally {
      Object.defineProperty(globalThis, 'process', { value: saved, configurable: true, writable: true });
    }
  });
});

describe('network failures', () => {
  it('are OperationalError 2003 with the cause kept, whichever transport runs', async () => {
    const { connectHttp } = await import('@s2/http');
    for (const transport of ['auto', 'fetch'] as const) {
      const err = await connectHttp({ host: '127.0.0.1', port: 1, driver: 'http', transport }).catch((e: unknown) => e);
      expect(err, transport).toBeInstanceOf(OperationalError);
      expect((err as OperationalError).errno).toBe(2003);
      expect((err as Error).cause).toBeDefined();
    }
  });
});
