/**
 * Issue #18, UDF server: values recognised by shape (not one module copy's class), DATE checked
 * both ways, JSON answers checked against the declared types, DECIMAL text checked, NaN and
 * Infinity read, DEFAULT literals escaped, row ids range-checked.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type SqlDateTime, SqlTime } from '@s2/base';
import { connectWire } from '@s2/wire';
import { createUdfServer, decodeRowdat1, encodeRowdat1, t, udf } from '@s2/udf';
import { testServer } from '@s2/testing/vitest';

/** A second, separately evaluated copy of @s2/base: what `s2 udf serve` gave a functions module. */
const copyDir = mkdtempSync(join(tmpdir(), 's2-base-copy-'));
cpSync(fileURLToPath(new URL('../../base/src', import.meta.url)), join(copyDir, 'src'), { recursive: true });
cpSync(fileURLToPath(new URL('../../base/package.json', import.meta.url)), join(copyDir, 'package.json'));
const other = (await import(/* @vite-ignore */ pathToFileURL(join(copyDir, 'src', 'index.ts')).href)) as typeof import('@s2/base');

const foreignTime = udf({ name: 'foreign_time', returns: t.time(6) }, () => new other.SqlTime(1, 12, 34, 56, 789));
const foreignDatetime = udf({ name: 'foreign_dt', returns: t.datetime(6) }, () => {
  const fields = { year: 2024, month: 3, day: 15, hour: 10, minute: 30, second: 45 };
  return new other.SqlDateTime(Date.UTC(2024, 2, 15, 10, 30, 45, 123), 123456, fields, 6);
});
const echoDate = udf({ name: 'echo_date', args: { d: t.date().nullable() }, returns: t.text().nullable() }, (d: Date | null) =>
  d === null ? 'null' : d.toISOString().slice(0, 10),
);
const badDate = udf({ name: 'bad_date', args: { which: t.bigint() }, returns: t.date() }, (which: bigint) =>
  which === 0n ? new Date(NaN) : which === 1n ? new Date(Date.UTC(10000, 0, 1)) : '2020-02-30',
);
const wrongTypes = udf({ name: 'wrong', args: { which: t.bigint() }, returns: t.bigint() }, (which: bigint) =>
  which === 0n ? '12' : which === 1n ? 1.5 : 2n ** 64n,
);
const shortRow = udf({ name: 'short_row', args: { n: t.bigint() }, returns: { a: t.bigint(), b: t.text() } }, () => [[1n]]);
const badDecimal = udf({ name: 'bad_decimal', args: { x: t.decimal(10, 2) }, returns: t.decimal(10, 2) }, (x: string) => (x === '1' ? 'abc' : x));
const echoDouble = udf({ name: 'echo_double', args: { x: t.double() }, returns: t.double() }, (x: number) => x);
const echoText = udf({ name: 'echo_text', args: { s: t.text().nullable() }, returns: t.text().nullable() }, (s: string | null) => s);

let app: FastifyInstance;
beforeAll(async () => {
  app = await createUdfServer({ functions: [foreignTime, foreignDatetime, echoDate, badDate, wrongTypes, shortRow, badDecimal, echoDouble, echoText] });
});
afterAll(async () => {
  await app.close();
  rmSync(copyDir, { recursive: true, force: true });
});

const call = (name: string, body: Uint8Array | string, type: 'rowdat' | 'json') =>
  app.inject({
    method: 'POST',
    url: '/invoke',
    payload: typeof body === 'string' ? body : Buffer.from(body),
    headers: { 'content-type': type === 'json' ? 'application/json' : 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0' },
  });

/** A one-column ROWDAT_1 request of packed int64 values, written by hand (no encoder checks). */
function packedRequest(values: bigint[]): Buffer {
  const b = Buffer.alloc(values.length * 17);
  values.forEach((v, i) => {
    b.writeBigInt64LE(BigInt(i + 1), i * 17);
    b[i * 17 + 8] = 0;
    b.writeBigInt64LE(v, i * 17 + 9);
  });
  return b;
}

describe('values made by another copy of @s2/base', () => {
  it('really are other classes', () => {
    expect(other.SqlTime).not.toBe(SqlTime);
    expect(new other.SqlTime(1, 1, 0, 0, 0)).not.toBeInstanceOf(SqlTime);
  });

  it('a TIME answer built with the other SqlTime is encoded (ROWDAT_1 and JSON)', async () => {
    const rowdat = await call('foreign_time', encodeRowdat1([], [7], [[]]), 'rowdat');
    expect(rowdat.statusCode, rowdat.body).toBe(200);
    const t6 = decodeRowdat1([11], rowdat.rawPayload).rows[0][0] as SqlTime;
    expect([t6.hours, t6.minutes, t6.seconds, t6.microseconds]).toEqual([12, 34, 56, 789]);
    const json = await call('foreign_time', '{"data": [[7]]}', 'json');
    expect(json.statusCode, json.body).toBe(200);
    expect(json.body).toBe('{"data": [[7, "12:34:56.000789"]]}');
  });

  it('a DATETIME(6) answer built with the other SqlDateTime keeps its microseconds', async () => {
    const rowdat = await call('foreign_dt', encodeRowdat1([], [7], [[]]), 'rowdat');
    expect(rowdat.statusCode, rowdat.body).toBe(200);
    expect((decodeRowdat1([12], rowdat.rawPayload).rows[0][0] as SqlDateTime).microsecond).toBe(123456);
    const json = await call('foreign_dt', '{"data": [[7]]}', 'json');
    expect(json.body).toBe('{"data": [[7, "2024-03-15 10:30:45.123456"]]}');
  });
});

describe('DATE values are checked both ways', () => {
  it('impossible packed dates in a request are a 400; a zero date reaches the function as null', async () => {
    for (const packed of [20240230n, 20241301n, 20240000n]) {
      const res = await call('echo_date', packedRequest([packed]), 'rowdat');
      expect(res.statusCode, String(packed)).toBe(400);
      expect(res.body).toMatch(/not a valid date/);
    }
    const ok = await call('echo_date', packedRequest([20240229n, 0n]), 'rowdat');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(decodeRowdat1([254], ok.rawPayload).rows).toEqual([['2024-02-29'], ['null']]);
  });

  it('an invalid Date, year 10000 or Feb 30 in an answer is a 500, never a made-up date', async () => {
    for (const which of [0, 1, 2]) {
      for (const format of ['json', 'rowdat'] as const) {
        const body = format === 'json' ? `{"data": [[1, ${which}]]}` : encodeRowdat1([8], [1], [[BigInt(which)]]);
        const res = await call('bad_date', body, format);
        expect(res.statusCode, `${format} ${which}: ${res.body}`).toBe(500);
        expect(res.body).not.toMatch(/NaN/);
      }
    }
  });
});

describe('JSON answers are checked against the declared return types', () => {
  it('a string or a fraction for BIGINT, or a value past 64 bits, is a 500 as over ROWDAT_1', async () => {
    for (const which of [0, 1, 2]) {
      const json = await call('wrong', `{"data": [[1, ${which}]]}`, 'json');
      expect(json.statusCode, `json ${which}: ${json.body}`).toBe(500);
      const rowdat = await call('wrong', encodeRowdat1([8], [1], [[BigInt(which)]]), 'rowdat');
      expect(rowdat.statusCode, `rowdat ${which}`).toBe(500);
    }
  });

  it('a table row with fewer values than declared columns is a 500', async () => {
    const res = await call('short_row', '{"data": [[1, 3]]}', 'json');
    expect(res.statusCode).toBe(500);
    expect(res.body).toMatch(/1 value\(s\) for 2 declared column/);
  });
});

describe('DECIMAL text', () => {
  it('is validated in requests (400) and answers (500)', async () => {
    expect((await call('bad_decimal', '{"data": [[1, "12abc"]]}', 'json')).statusCode).toBe(400);
    expect((await call('bad_decimal', '{"data": [[1, "1"]]}', 'json')).statusCode).toBe(500);
    expect((await call('bad_decimal', encodeRowdat1([246], [1], [['1']]), 'rowdat')).statusCode).toBe(500);
    const ok = await call('bad_decimal', '{"data": [[1, "-12.50"], [2, 3.25]]}', 'json');
    expect(ok.body).toBe('{"data": [[1, "-12.50"], [2, "3.25"]]}');
  });
});

describe('NaN and Infinity', () => {
  it('the JSON reader takes the bare words its writer (and the reference encoder) emits', async () => {
    const res = await call('echo_double', '{"data": [[1, NaN], [2, Infinity], [3, -Infinity], [4, 1.5]]}', 'json');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toBe('{"data": [[1, NaN], [2, Infinity], [3, -Infinity], [4, 1.5]]}');
    expect((await call('echo_double', '{"data": [[1, "NaN "]]}', 'json')).statusCode).toBe(400);
  });

  it('a bare word for a TEXT argument is a 400, not the internal stand-in reaching the function', async () => {
    const res = await call('echo_text', '{"data": [[1, NaN]]}', 'json');
    expect([res.statusCode, res.body]).toEqual([400, 'DataError: row 0 column 1: NaN, Infinity and -Infinity are only read in FLOAT and DOUBLE columns']);
  });
});

describe('JSON row ids', () => {
  it('must fit the int64 the database numbers rows with', async () => {
    expect((await call('echo_double', '{"data": [[9223372036854775808, 1]]}', 'json')).statusCode).toBe(400);
    expect((await call('echo_double', '{"data": [[-9223372036854775809, 1]]}', 'json')).statusCode).toBe(400);
    const max = await call('echo_double', '{"data": [[9223372036854775807, 1]]}', 'json');
    expect(max.body).toBe('{"data": [[9223372036854775807, 1.0]]}');
  });
});

describe('DEFAULT literals in CREATE statements', () => {
  it('carry no raw control characters and cannot leave their quotes; the server reads back the same text', async () => {
    const nasty = "it's \\ a\nb\r\t\0\x1a' OR 1=1 -- ";
    const sql = t.text().default(nasty).toSql();
    expect(sql).not.toMatch(/[\0\n\r\t\x1a]/);
    const literal = /DEFAULT (.*)$/s.exec(sql)![1];
    const info = testServer();
    const conn = await connectWire({ host: info.host, port: info.port, user: info.root.user, password: info.root.password });
    try {
      const r = await conn.query(`SELECT ${literal} AS v, 1 AS marker`);
      const rows = await r.current.read();
      expect(rows).toEqual([[nasty, 1]]);
    } finally {
      await conn.close();
    }
    expect(() => t.double().default(NaN).toSql()).toThrow(/finite/);
  });
});
