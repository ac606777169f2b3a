import { describe, expect, it } from 'vitest';
import {
  ColumnFlag,
  createTextRowDecoder,
  DataError,
  FieldType,
  planColumns,
  pureDecoder,
  resolveDecodeOptions,
  type ColumnDefinition,
  type DecodeOptions,
} from '@s2/base';
import { col, row } from './support/rows.js';

const frame = (c: ColumnDefinition, values: (string | Uint8Array | null)[], target: 'columns' | 'arrow', options: Partial<DecodeOptions> = {}) =>
  pureDecoder.decodeFrame(
    [c],
    resolveDecodeOptions(options),
    values.map((v) => row(v)),
    target,
  )[0];

describe("integer '-0' in row formats", () => {
  for (const mode of ['auto', 'interpreted'] as const) {
    it(`is 0, not -0 (${mode} decoder)`, () => {
      for (const [type, int64] of [
        [FieldType.TINY, 'auto'],
        [FieldType.LONG, 'auto'],
        [FieldType.YEAR, 'auto'],
        [FieldType.LONGLONG, 'auto'],
        [FieldType.LONGLONG, 'number'],
      ] as const) {
        const [v] = createTextRowDecoder([col('i', type)], resolveDecodeOptions({ int64 }), mode).decodeRow(row('-0'));
        expect(Object.is(v, 0), `type ${type} int64 ${int64}: ${Object.is(v, -0) ? '-0' : String(v)}`).toBe(true);
      }
      const [neg] = createTextRowDecoder([col('i', FieldType.LONG)], resolveDecodeOptions(), mode).decodeRow(row('-17'));
      expect(neg).toBe(-17);
    });
  }
});

describe('integer frame columns refuse what their typed array cannot hold', () => {
  const cases: [string, ColumnDefinition, string[], string[]][] = [
    ['TINYINT', col('t', FieldType.TINY), ['-128', '127', '0'], ['300', '-129', 'abc', '1.5']],
    ['TINYINT UNSIGNED', col('t', FieldType.TINY, { flags: ColumnFlag.UNSIGNED }), ['0', '255'], ['256', '-1']],
    ['SMALLINT', col('s', FieldType.SHORT), ['-32768', '32767'], ['32768']],
    ['INT', col('i', FieldType.LONG), ['-2147483648', '2147483647'], ['4294967295', '2147483648']],
    ['INT UNSIGNED', col('i', FieldType.LONG, { flags: ColumnFlag.UNSIGNED }), ['4294967295'], ['4294967296', '-1']],
    ['BIGINT', col('b', FieldType.LONGLONG), ['-9223372036854775808', '9223372036854775807'], ['9223372036854775808', '18446744073709551615', 'abc', '1.5']],
    ['BIGINT UNSIGNED', col('b', FieldType.LONGLONG, { flags: ColumnFlag.UNSIGNED }), ['0', '18446744073709551615'], ['18446744073709551616', '-1', 'x']],
  ];
  for (const target of ['columns', 'arrow'] as const) {
    it(`${target}: in-range values as they are, others a DataError naming the column and value`, () => {
      for (const [name, c, good, bad] of cases) {
        const decoded = frame(c, [...good, null], target);
        expect(Array.from(decoded.values! as ArrayLike<unknown>, String).slice(0, good.length), name).toEqual(good.map((g) => String(BigInt(g))));
        for (const text of bad) {
          let err: unknown;
          try {
            frame(c, ['1', text], target);
          } catch (e) {
            err = e;
          }
          expect(err, `${name} '${text}'`).toBeInstanceOf(DataError);
          expect((err as Error).message).toContain(`column '${c.name}': '${text}'`);
        }
      }
    });
  }
});

describe('integer frame columns refuse text that is not -?\\d+, as the row decoders do', () => {
  const unsigned = { flags: ColumnFlag.UNSIGNED };
  const columns: ColumnDefinition[] = [
    col('tiny', FieldType.TINY),
    col('tiny_u', FieldType.TINY, unsigned),
    col('small', FieldType.SHORT),
    col('small_u', FieldType.SHORT, unsigned),
    col('medium', FieldType.INT24),
    col('medium_u', FieldType.INT24, unsigned),
    col('int', FieldType.LONG),
    col('int_u', FieldType.LONG, unsigned),
    col('big', FieldType.LONGLONG),
    col('big_u', FieldType.LONGLONG, unsigned),
    col('year', FieldType.YEAR),
  ];
  // '' is a cell of length 0, not NULL; BigInt would read it, ' 1', '+1' and '0x10' as numbers.
  const texts = ['', '-', '1.5', '1e3', ' 1', '1 ', '12a', '+1', '0x10', '--1', '1-'];
  const errorOf = (f: () => unknown): unknown => {
    try {
      f();
    } catch (err) {
      return err;
    }
    return undefined;
  };
  for (const target of ['columns', 'arrow'] as const) {
    it(`${target}: a DataError naming the column and the text, as the row decoder raises`, () => {
      for (const c of columns) {
        expect(planColumns([c], resolveDecodeOptions(), target)[0].kind, c.name).not.toBe('values');
        for (const text of texts) {
          const rowErr = errorOf(() => createTextRowDecoder([c], resolveDecodeOptions()).decodeRow(row(text)));
          expect(rowErr, `row ${c.name} '${text}'`).toBeInstanceOf(DataError);
          const err = errorOf(() => frame(c, ['1', text, null], target));
          expect(err, `frame ${c.name} '${text}'`).toBeInstanceOf(DataError);
          expect((err as Error).message).toContain(`column '${c.name}': '${text}'`);
        }
      }
    });
  }

  it('leading zeros and -0 are integers (ZEROFILL columns send them)', () => {
    for (const c of columns) {
      const decoded = frame(c, ['007', '-0', '0'], 'columns');
      expect(Array.from(decoded.values! as ArrayLike<unknown>, String), c.name).toEqual(['7', '0', '0']);
    }
  });
});

describe('JSON in Arrow frames with encodingErrors: replace', () => {
  const j = col('j', FieldType.JSON);
  const text = '{"a": 1.50, "n": 12345678901234567890}';

  it('is planned as text, and stays a parsed value for the columns format', () => {
    expect(planColumns([j], resolveDecodeOptions({ encodingErrors: 'replace' }), 'arrow')[0]).toMatchObject({ kind: 'values', text: true });
    expect(planColumns([j], resolveDecodeOptions({ encodingErrors: 'strict' }), 'arrow')[0]).toMatchObject({ kind: 'utf8' });
    const parsed = frame(j, [text], 'columns', { encodingErrors: 'replace' });
    expect(parsed.items![0]).toEqual({ a: 1.5, n: 12345678901234567890n });
  });

  it("keeps the server's text byte for byte, substituting U+FFFD only for invalid bytes", () => {
    const bad = Uint8Array.from([0x5b, 0x22, 0xff, 0x22, 0x5d]); // ["\xff"]
    const decoded = frame(j, [text, '[1e2, -0]', bad, null], 'arrow', { encodingErrors: 'replace' });
    expect(decoded.items).toEqual([text, '[1e2, -0]', '["\uFFFD"]', null]);
  });
});
