import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planColumns, resolveDecodeOptions } from '@s2/base';
import type { WireConnection } from '@s2/wire';
import { decodeFrame, loadNative } from '@s2/native';
import { decodeFrameNative } from '../src/frame/native.js';
import { columnsByNumber, comparable, countAddonCalls, needsAddon, openWire, packetsOf } from './support.js';

const native = loadNative();
const calls = native ? countAddonCalls(native) : null;
afterAll(() => calls?.restore());

let conn: WireConnection;
beforeAll(async () => {
  conn = await openWire();
  await conn.query(`CREATE TEMPORARY TABLE numbers (
    id BIGINT PRIMARY KEY, u BIGINT UNSIGNED, i INT, t TINYINT, tu TINYINT UNSIGNED, s SMALLINT, m MEDIUMINT UNSIGNED,
    f FLOAT, d DOUBLE, dec1 DECIMAL(12,2), dec2 DECIMAL(38,10), dec3 DECIMAL(65,30), dt DATETIME(6), da DATE, ti TIME(6),
    v VARCHAR(40), b VARBINARY(40), j JSON, y YEAR)`);
  // Random values across each type's range, including its edges, and NULLs in every column.
  const rows: string[] = [];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let r = 0; r < 3000; r++) {
    const n = (x: string) => (rnd() < 0.1 ? 'NULL' : x);
    const year = 1 + Math.floor(rnd() * 9998);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    rows.push(`(${r}, ${n(pick(['0', '18446744073709551615', String(Math.floor(rnd() * 2 ** 53))]))}, ${n(String(Math.floor((rnd() - 0.5) * 2 ** 32)))},
      ${n(pick(['-128', '127', '0']))}, ${n(pick(['255', '0']))}, ${n(String(Math.floor((rnd() - 0.5) * 65535)))}, ${n('16777215')},
      ${n(String((rnd() - 0.5) * 1e10))}, ${n(pick([String((rnd() - 0.5) * 1e300), '5e-324', '-0.1', '1.7976931348623157e308']))},
      ${n(`'${((rnd() - 0.5) * 1e9).toFixed(2)}'`)}, ${n(pick(["'9999999999999999999999999999.9999999999'", "'-0.0000000001'", "'0'"]))},
      ${n("'-12345678901234567890123456789012345.123456789012345678901234567890'")},
      ${n(`'${String(year).padStart(4, '0')}-0${1 + Math.floor(rnd() * 9)}-${10 + Math.floor(rnd() * 18)} 23:59:59.${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}'`)},
      ${n(pick(["'0000-00-00'", "'1970-01-01'", "'0001-01-01'", "'9999-12-31'", "'2024-02-29'"]))},
      ${n(pick(["'-838:59:59.000000'", "'838:59:59.999999'", "'00:00:00.5'", "'-00:00:01'"]))},
      ${n(pick(["'héllo 😜'", "''", "'tab\\tnewline\\n'", "'x'"]))}, ${n(pick(["X'00ff10'", "''", "X'c328'"]))},
      ${n(pick([`'{"a": 12345678901234567890, "b": [1, 2.5, "x"]}'`, "'[]'", "'null'"]))}, ${n(pick(['1901', '2155', '0']))})`);
  }
  await conn.query(`SET SESSION sql_mode = 'ALLOW_INVALID_DATES'`);
  await conn.query(`INSERT INTO numbers VALUES ${rows.join(',')}`);
});
afterAll(() => conn?.close());

const QUERIES = [
  'SELECT * FROM numbers ORDER BY id',
  'SELECT * FROM alltypes ORDER BY 1',
  'SELECT * FROM data_with_nulls ORDER BY 1',
  'SELECT * FROM longer_data ORDER BY 1',
  'SELECT * FROM badutf8 ORDER BY 1',
  "SELECT CAST('2024-02-30 00:00:00' AS CHAR) AS txt, NULL AS n, 1.5e300 AS big",
];

type Outcome = { ok: true; value: unknown } | { ok: false; error: string; message: string };
function outcome(f: () => ReturnType<typeof decodeFrame>): Outcome {
  try {
    return { ok: true, value: f().map((c) => comparable(c as never)) };
  } catch (err) {
    return { ok: false, error: (err as Error).constructor.name, message: (err as Error).message };
  }
}

/** The native path's outcome and what the addon itself did with the batch. */
function nativeOutcome(f: () => ReturnType<typeof decodeFrame>) {
  calls!.take();
  const result = outcome(f);
  return { result, addon: calls!.take() };
}

describe('native and TypeScript frame decoders agree', needsAddon(), () => {
  for (const sql of QUERIES) {
    for (const target of ['columns', 'arrow'] as const) {
      it(`${target}: ${sql}`, async () => {
        const { columns, packets, raw } = await packetsOf(conn, sql);
        expect(packets.length).toBeGreaterThan(0);
        const options = resolveDecodeOptions();
        const pure = outcome(() => decodeFrame(columns, options, packets, target, 'pure'));
        // Real results decode: a reference that fails here would make the comparison vacuous.
        expect(pure, 'the TypeScript decoder reads the real result').toMatchObject({ ok: true });
        // The native side reads the batch as it came off the socket (runs of framed packets).
        const fast = nativeOutcome(() => decodeFrame(columns, options, raw, target, 'native'));
        // One call, answered by the addon itself (a declined batch would compare TypeScript with itself).
        expect(fast.addon).toEqual({ decoded: 1, declined: 0, threw: 0 });
        expect(fast.result).toEqual(pure);
      });
    }
  }

  it('decodes the all-types tables natively (no silent fallback to TypeScript), from runs of framed packets', async () => {
    const { raw } = await packetsOf(conn, QUERIES[0]);
    expect(raw.some((item) => item !== undefined && !(item instanceof Uint8Array))).toBe(true);
    for (const sql of QUERIES.slice(0, 4)) {
      const { columns, raw: packets } = await packetsOf(conn, sql);
      for (const target of ['columns', 'arrow'] as const) {
        const options = resolveDecodeOptions();
        const direct = decodeFrameNative(native!, columns, planColumns(columns, options, target), options, packets);
        expect(direct, `${target}: ${sql}`).not.toBeNull();
      }
    }
  });

  it('random mutations of real packets: the addon answers them itself, with the TypeScript outcome, never a crash', async () => {
    const { columns, packets } = await packetsOf(conn, 'SELECT * FROM numbers ORDER BY id LIMIT 200');
    const options = resolveDecodeOptions();
    let seed = 99;
    const rnd = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const tally = { decoded: 0, convertedBadly: 0, declined: 0, rejected: 0 };
    for (let trial = 0; trial < 400; trial++) {
      const batch: Buffer<ArrayBufferLike>[] = packets.slice(rnd(150), 150 + rnd(50)).map((p) => Buffer.from(p));
      const victim = batch[rnd(batch.length)];
      const mode = rnd(3);
      let mutated = victim;
      if (mode === 0) mutated[rnd(victim.length)] = rnd(256);
      else if (mode === 1) mutated = victim.subarray(0, rnd(victim.length));
      else mutated = Buffer.concat([victim, Buffer.from([rnd(256)])]);
      batch[batch.indexOf(victim)] = mutated;
      for (const target of ['columns', 'arrow'] as const) {
        const where = `trial ${trial} ${target}`;
        const pure = outcome(() => decodeFrame(columns, options, batch, target, 'pure'));
        const fast = nativeOutcome(() => decodeFrame(columns, options, batch, target, 'native'));
        expect(fast.addon.decoded + fast.addon.declined + fast.addon.threw, where).toBe(1);
        if (fast.addon.declined) {
          // Handed back to TypeScript: pure against pure, so it proves nothing and is only counted.
          tally.declined++;
          continue;
        }
        if (fast.addon.decoded) {
          // The addon read the batch; a value it hands over as text (JSON, a date) may still be
          // rejected by the shared TypeScript conversion: then with the very same error and message.
          expect(fast.result, where).toEqual(pure);
          tally[pure.ok ? 'decoded' : 'convertedBadly']++;
        } else {
          // The addon's own rejection: the same error class as the TypeScript decoder's.
          expect(pure.ok, `${where}: the addon rejected a batch the TypeScript decoder reads`).toBe(false);
          // The same class and the same message, up to how the column is named (the addon
          // numbers it; TypeScript adds its name): a malformed packet must not pass as any error.
          expect(fast.result, where).toMatchObject({ ok: false, error: (pure as { error: string }).error });
          const said = (o: Outcome) => columnsByNumber((o as { message: string }).message, columns);
          expect(said(fast.result), where).toBe(said(pure));
          tally.rejected++;
        }
      }
    }
    // Both verdicts come from the addon itself most of the time; fallbacks (about 17% of these
    // batches: a mutated value outside the canonical text forms) stay the exception.
    expect(tally.rejected, JSON.stringify(tally)).toBeGreaterThan(400);
    expect(tally.decoded, JSON.stringify(tally)).toBeGreaterThan(80);
    expect(tally.declined, JSON.stringify(tally)).toBeLessThan(200);
    console.log(`[native] mutation differential: ${JSON.stringify(tally)}`);
  });
});
