import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTextRowDecoder, planColumns, resolveDecodeOptions, SqlDateTime, SqlTime, type DecodeOptions } from '@s2/base';
import type { WireConnection } from '@s2/wire';
import { decodeRows, loadNative, nativeDecoder } from '@s2/native';
import { decodeFrameNative } from '../src/frame/native.js';
import { columnsByNumber, countAddonCalls, needsAddon, openWire, packetsOf, type AddonCalls } from './support.js';

const native = loadNative();
const calls = native ? countAddonCalls(native) : null;
afterAll(() => calls?.restore());

/** A value as a string that tells apart everything the row decoder can return (types, -0, Date subclasses, fields). */
function canonical(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? 'num:-0' : `num:${v}`;
  if (typeof v === 'bigint') return `big:${v}`;
  if (typeof v === 'string') return `str:${JSON.stringify(v)}`;
  if (v instanceof SqlDateTime) return `dt:${v.getTime()}|${v.microsecond}|${v.fractionDigits}|${v.toSqlString()}`;
  if (v instanceof Date) return `date:${Object.getPrototypeOf(v) === Date.prototype}|${v.getTime()}`;
  if (v instanceof SqlTime) return `time:${String(v)}`;
  if (v instanceof Uint8Array) return `bytes:${v.constructor.name}:${Buffer.from(v).toString('hex')}`;
  if (ArrayBuffer.isView(v)) return `vec:${v.constructor.name}:${Array.from(v as unknown as ArrayLike<unknown>, String).join(',')}`;
  return `json:${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `big:${x}` : x))}|${Object.getPrototypeOf(v) === Array.prototype}`;
}

type Outcome = { ok: true; rows: string[][] } | { ok: false; error: string };
function outcome(f: () => unknown[][]): Outcome {
  try {
    return { ok: true, rows: f().map((row) => row.map(canonical)) };
  } catch (err) {
    return { ok: false, error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
}

/** The native path's outcome and what the addon itself did with the batch. */
function nativeOutcome(f: () => unknown[][]): { result: Outcome; addon: AddonCalls } {
  calls!.take();
  const result = outcome(f);
  return { result, addon: calls!.take() };
}

let conn: WireConnection;
beforeAll(async () => {
  conn = await openWire();
  await conn.query(`CREATE TEMPORARY TABLE rowsmix (
    id BIGINT PRIMARY KEY, u BIGINT UNSIGNED, i INT, t TINYINT, s SMALLINT UNSIGNED, m MEDIUMINT, y YEAR,
    f FLOAT, d DOUBLE, dec1 DECIMAL(12,2), dt DATETIME(6), dt0 DATETIME, da DATE, ti TIME(6),
    v VARCHAR(40), b VARBINARY(40), j JSON, e ENUM('a','bé'), bits BIT(12))`);
  const values: string[] = [];
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  for (let r = 0; r < 2000; r++) {
    const n = (x: string) => (rnd() < 0.1 ? 'NULL' : x);
    values.push(`(${r}, ${n(pick(['0', '18446744073709551615', '9007199254740991', '9007199254740993', String(Math.floor(rnd() * 2 ** 40))]))},
      ${n(String(Math.floor((rnd() - 0.5) * 2 ** 32)))}, ${n(pick(['-128', '127', '0', '-1']))}, ${n(pick(['65535', '0']))}, ${n('-8388608')},
      ${n(pick(['1901', '2155', '0']))}, ${n(pick(['1.1', '-0.0', '3.4e38', '1e-30', String(rnd())]))},
      ${n(pick([String((rnd() - 0.5) * 1e300), '5e-324', '-0.0', '0.1', '1.7976931348623157e308', '123456789012345680000']))},
      ${n(`'${((rnd() - 0.5) * 1e9).toFixed(2)}'`)},
      ${n(pick(["'2024-03-10 02:30:00.000001'", "'1000-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", "'2024-02-29 12:00:00.5'"]))},
      ${n(pick(["'2024-11-03 01:30:00'", "'1970-01-01 00:00:00'"]))}, ${n(pick(["'0000-00-00'", "'2024-02-29'", "'0001-01-01'"]))},
      ${n(pick(["'-838:59:59'", "'00:00:00.000001'", "'12:34:56.5'"]))},
      ${n(pick(["'héllo 😜'", "''", "'tab\\tnew\\nline'", "'plain ascii'"]))}, ${n(pick(["X'00ff10'", "''", "X'c328'"]))},
      ${n(pick([`'{"a": 12345678901234567890, "b": [1, 2.5, "x"], "c": -0.0}'`, "'[]'", "'null'", '\'"str"\'']))},
      ${n(pick(["'a'", "'bé'"]))}, ${n(pick(["b'101'", "b'111111111111'"]))})`);
  }
  await conn.query(`SET SESSION sql_mode = 'ALLOW_INVALID_DATES'`);
  await conn.query(`INSERT INTO rowsmix VALUES ${values.join(',')}`);
});
afterAll(() => conn?.close());

const QUERIES = [
  'SELECT * FROM rowsmix ORDER BY id',
  'SELECT * FROM alltypes ORDER BY 1',
  'SELECT * FROM data_with_nulls ORDER BY 1',
  'SELECT * FROM longer_data ORDER BY 1',
  'SELECT * FROM badutf8 ORDER BY 1',
  "SELECT CAST('2024-02-30 00:00:00' AS CHAR) AS txt, NULL AS n, 1.5e300 AS big, -0.0 AS negzero, 007 AS lead",
];

const OPTIONS: [string, Partial<DecodeOptions>][] = [
  ['defaults', {}],
  ['int64 bigint, decimal number', { int64: 'bigint', decimal: 'number' }],
  ['int64 number, UTC', { int64: 'number', timezone: 'Z' }],
  ['int64 string, dateStrings, no JSON parsing', { int64: 'string', dateStrings: true, parseJson: false }],
  ['invalid UTF-8 replaced, +05:30', { encodingErrors: 'replace', timezone: '+05:30' }],
  ['a conv override for DOUBLE', { conv: { 5: (text) => `double:${String(text)}` } }],
];

describe('rows decoded from packet batches by the addon equal the TypeScript row decoder', needsAddon(), () => {
  for (const sql of QUERIES) {
    for (const [label, partial] of OPTIONS) {
      it(`${label}: ${sql}`, async () => {
        const { columns, packets, raw } = await packetsOf(conn, sql);
        const options = resolveDecodeOptions(partial);
        const decoder = createTextRowDecoder(columns, options);
        const expected = outcome(() => packets.map((p) => decoder.decodeRow(p)));
        // Real results decode: a reference that fails here would make the comparison vacuous.
        expect(expected, 'the TypeScript row decoder reads the real result').toMatchObject({ ok: true });
        const fast = nativeOutcome(() => decodeRows(columns, options, raw, 'native'));
        // One call, answered by the addon itself (a declined batch would compare TypeScript with itself).
        expect(fast.addon).toEqual({ decoded: 1, declined: 0, threw: 0 });
        expect(fast.result).toEqual(expected);
        expect(outcome(() => decodeRows(columns, options, raw, 'pure'))).toEqual(expected);
      });
    }
  }

  it('random mutations of real packets: the addon answers them itself, with the rows or the error of the TypeScript decoder', async () => {
    const { columns, packets } = await packetsOf(conn, 'SELECT * FROM rowsmix ORDER BY id LIMIT 200');
    const options = resolveDecodeOptions();
    const decoder = createTextRowDecoder(columns, options);
    let seed = 5;
    const rnd = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const tally = { decoded: 0, convertedBadly: 0, declined: 0, rejected: 0 };
    for (let trial = 0; trial < 300; trial++) {
      const batch = packets.slice(rnd(150), 150 + rnd(50)).map((p) => Buffer.from(p));
      const at = rnd(batch.length);
      const mode = rnd(3);
      if (mode === 0) batch[at][rnd(batch[at].length)] = rnd(256);
      else if (mode === 1) batch[at] = batch[at].subarray(0, rnd(batch[at].length));
      else batch[at] = Buffer.concat([batch[at], Buffer.from([rnd(256)])]);
      const where = `trial ${trial}`;
      const expected = outcome(() => batch.map((p) => decoder.decodeRow(p)));
      const fast = nativeOutcome(() => decodeRows(columns, options, batch, 'native'));
      expect(fast.addon.decoded + fast.addon.declined + fast.addon.threw, where).toBe(1);
      if (fast.addon.declined) {
        // Handed back to TypeScript: the row decoder against itself, so only counted.
        tally.declined++;
      } else if (fast.addon.decoded) {
        // The addon read the batch; the shared conversion of a value may still reject it, then
        // with the very same error and message.
        expect(fast.result, where).toEqual(expected);
        tally[expected.ok ? 'decoded' : 'convertedBadly']++;
      } else {
        // The addon's own rejection: the same class and message, up to how the column is named.
        expect(expected.ok, `${where}: the addon rejected a batch the TypeScript decoder reads`).toBe(false);
        const said = (o: Outcome) => columnsByNumber((o as { error: string }).error, columns);
        expect(said(fast.result), where).toBe(said(expected));
        tally.rejected++;
      }
    }
    console.log(`[native] row mutation differential: ${JSON.stringify(tally)}`);
    expect(tally.rejected, JSON.stringify(tally)).toBeGreaterThan(150);
    expect(tally.decoded, JSON.stringify(tally)).toBeGreaterThan(30);
    expect(tally.declined, JSON.stringify(tally)).toBeLessThan(100);
  });

  it('DATETIME cells in local zones with transitions (gaps, overlaps, half-hour DST) equal the TypeScript row decoder', async () => {
    // ~3 years in steps of 15,013 s: every zone below crosses several transitions, in and
    // out of the hours it caches, with 0, 1, 3 and 6 fraction digits, years before 1970 and
    // years 98 to 101 (below 100 JavaScript dates take another way).
    const sql = `SELECT TIMESTAMP('2023-01-01 00:00:00.123456') + INTERVAL seq * 15013 SECOND AS t6,
        CAST(TIMESTAMP('1969-06-01 00:00:00') + INTERVAL seq * 15013 SECOND AS DATETIME(3)) AS t3,
        CAST(TIMESTAMP('2024-03-31 00:00:00') + INTERVAL seq * 61 SECOND AS DATETIME) AS t0,
        TIMESTAMP('0098-06-01 00:00:00.5') + INTERVAL seq * 15013 SECOND AS years_0098_to_0101,
        CAST(TIMESTAMP('2023-01-01 00:00:00.123456') + INTERVAL seq * 15013 SECOND AS CHAR) AS t6_text
      FROM seq_1_to_6000`;
    const { columns, packets, raw } = await packetsOf(conn, sql);
    const saved = process.env.TZ;
    try {
      for (const tz of ['America/New_York', 'Europe/Amsterdam', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
        process.env.TZ = tz;
        const options = resolveDecodeOptions();
        const decoder = createTextRowDecoder(columns, options);
        const expected = outcome(() => packets.map((p) => decoder.decodeRow(p)));
        expect(expected, tz).toMatchObject({ ok: true });
        const fast = nativeOutcome(() => decodeRows(columns, options, raw, 'native'));
        expect(fast.addon, tz).toEqual({ decoded: 1, declined: 0, threw: 0 });
        expect(fast.result, tz).toEqual(expected);
        // Both paths share the zone shift; JavaScript's own Date of the same text is the oracle.
        const rows = decodeRows(columns, options, raw, 'native');
        const wrong = rows.filter(([t6, , , , text]) => {
          const [y, mo, d, h, mi, s, frac] = (text as string).split(/[- :.]/).map(Number);
          const local = new Date(y, mo - 1, d, h, mi, s, Math.floor(frac / 1000)).getTime();
          return (t6 as SqlDateTime).getTime() !== local || (t6 as SqlDateTime).toSqlString() !== text;
        });
        expect(wrong.length, `${tz}: ${String(wrong[0])}`).toBe(0);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("rows keep their values when the addon's reused buffer takes the next batch, and equal the allocating path's", async () => {
    const first = await packetsOf(conn, 'SELECT * FROM rowsmix ORDER BY id');
    const second = await packetsOf(conn, 'SELECT * FROM rowsmix ORDER BY id DESC');
    const options = resolveDecodeOptions();
    const expected = outcome(() => decodeRows(first.columns, options, first.raw, 'pure'));
    expect(expected).toMatchObject({ ok: true });
    const rows = decodeRows(first.columns, options, first.raw, 'native');
    decodeRows(second.columns, options, second.raw, 'native');
    expect(outcome(() => rows)).toEqual(expected);
    // An addon built before the buffer argument ignores it and answers with columns of its own.
    const older = nativeDecoder(
      { ...native!, decodeTextSegments: (kinds, scales, segments, framed, n) => native!.decodeTextSegments(kinds, scales, segments, framed, n) },
      1,
    );
    calls!.take();
    expect(outcome(() => older.decodeRows(first.columns, options, first.raw))).toEqual(expected);
    expect(calls!.take()).toEqual({ decoded: 1, declined: 0, threw: 0 });
    // A batch too large for the kept buffer (4 MiB) takes the allocating path.
    const big = await packetsOf(conn, "SELECT seq, REPEAT(CONCAT('é', seq), 2000) AS t FROM seq_1_to_2000");
    const bigExpected = outcome(() => decodeRows(big.columns, options, big.raw, 'pure'));
    expect(bigExpected).toMatchObject({ ok: true });
    expect(nativeOutcome(() => decodeRows(big.columns, options, big.raw, 'native'))).toEqual({
      result: bigExpected,
      addon: { decoded: 1, declined: 0, threw: 0 },
    });
  });

  it('a batch decoded inside a conv callback of another batch gets its own memory', async () => {
    const inner = await packetsOf(conn, 'SELECT * FROM rowsmix ORDER BY id LIMIT 300');
    const outer = await packetsOf(conn, 'SELECT id, d, v, b FROM rowsmix ORDER BY id LIMIT 100');
    const plain = resolveDecodeOptions();
    const innerExpected = outcome(() => decodeRows(inner.columns, plain, inner.raw, 'pure'));
    const nested: Outcome[] = [];
    // DOUBLE is type 5: each outer value decodes the inner batch again, while the outer views are live.
    const options = resolveDecodeOptions({
      conv: {
        5: (text) => {
          nested.push(outcome(() => decodeRows(inner.columns, plain, inner.raw, 'native')));
          return `double:${String(text)}`;
        },
      },
    });
    const expected = outcome(() => decodeRows(outer.columns, options, outer.raw, 'pure'));
    nested.length = 0;
    calls!.take();
    expect(outcome(() => decodeRows(outer.columns, options, outer.raw, 'native'))).toEqual(expected);
    expect(calls!.take().decoded).toBe(1 + nested.length);
    expect(nested.length).toBeGreaterThan(50);
    for (const got of nested) expect(got).toEqual(innerExpected);
  });

  it('the mixed table and all-types tables really go through the addon (no silent fallback)', async () => {
    for (const sql of QUERIES.slice(0, 4)) {
      const { columns, raw } = await packetsOf(conn, sql);
      const options = resolveDecodeOptions();
      expect(decodeFrameNative(native!, columns, planColumns(columns, options, 'columns'), options, raw), sql).not.toBeNull();
    }
  });
});
