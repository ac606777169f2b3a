import { describe, expect, it } from 'vitest';
import { resolveDecodeOptions, SqlDateTime } from '@s2/base';
import { FusionNotFoundError, FusionResult, FusionValueError } from '../src/index.js';
import { likePattern, toQueryResponse } from '../src/result.js';

const people = () =>
  new FusionResult()
    .addField('Name', 'STRING')
    .addField('Age', 'INTEGER')
    .setRows([
      ['bob', 30],
      ['Alice', null],
      ['a_c', 20],
      ['aXc', 40],
      ['carol', 30],
    ]);

describe('FusionResult', () => {
  it('LIKE: case-insensitive, % any run, _ literal, anchored, whole values', () => {
    expect(
      people()
        .like({ name: 'A%' })
        .rows.map((r) => r[0]),
    ).toEqual(['Alice', 'a_c', 'aXc']);
    expect(
      people()
        .like({ Name: 'a_c' })
        .rows.map((r) => r[0]),
    ).toEqual(['a_c']);
    expect(people().like({ Name: '' }).rows).toHaveLength(5);
    expect(likePattern('%z').test('abc\nxyz')).toBe(true);
    expect(likePattern('a.c').test('abc')).toBe(false);
    expect(() => people().like({ Nope: 'x' })).toThrow(FusionNotFoundError);
  });

  it('ORDER BY: stable, several keys, nulls first ascending and last descending', () => {
    expect(
      people()
        .orderBy(['age', 'name'])
        .rows.map((r) => r[0]),
    ).toEqual(['Alice', 'a_c', 'bob', 'carol', 'aXc']);
    expect(
      people()
        .orderBy(['Age'], [false])
        .rows.map((r) => r[0]),
    ).toEqual(['aXc', 'bob', 'carol', 'a_c', 'Alice']);
    expect(() => people().orderBy(['foo'])).toThrow(/field name does not exist in results: foo/);
    const mixed = new FusionResult().addField('X', 'STRING').setRows([['a'], [1]]);
    expect(() => mixed.orderBy(['X'])).toThrow(FusionValueError);
  });

  it('ORDER BY a DATETIME or BLOB column compares the dates and the bytes', () => {
    const d = (iso: string) => new Date(iso);
    const dated = new FusionResult()
      .addField('Name', 'STRING')
      .addField('CreatedAt', 'DATETIME')
      .addField('Key', 'BLOB')
      .setRows([
        ['b', d('2024-03-01T00:00:00Z'), Uint8Array.of(2)],
        ['a', null, Uint8Array.of(1, 9)],
        ['c', d('2023-12-31T23:59:59Z'), Uint8Array.of(1)],
      ]);
    expect(dated.orderBy(['CreatedAt'], [false]).rows.map((r) => r[0])).toEqual(['b', 'c', 'a']);
    expect(dated.orderBy(['Key']).rows.map((r) => r[0])).toEqual(['c', 'a', 'b']);
  });

  it('LIMIT: null keeps all, 0 none; listings filter, sort, then cut', () => {
    expect(people().limit(null).rows).toHaveLength(5);
    expect(people().limit(0).rows).toHaveLength(0);
    expect(
      people()
        .applyListing({ like: '%o%', order_by: { by: ['Name'], ascending: [false] }, limit: 2 })
        .rows.map((r) => r[0]),
    ).toEqual(['carol', 'bob']);
  });

  it('turns into a result set decoded like server values, in the connection time zone', async () => {
    const at = new Date(Date.UTC(2024, 5, 25, 21, 35, 6));
    const res = new FusionResult()
      .addField('At', 'DATETIME')
      .addField('Text', 'DATETIME')
      .addField('Ok', 'BOOL')
      .addField('Doc', 'JSON')
      .setRows([[at, '2024-06-25 21:35:06', true, '{"a":1}']]);
    for (const timezone of ['Z', '+02:00']) {
      const rows = await toQueryResponse(res, resolveDecodeOptions({ timezone })).current.read();
      expect((rows[0][0] as Date).getTime()).toBe(at.getTime());
      expect(rows[0][1]).toBeInstanceOf(SqlDateTime);
      expect(rows[0].slice(2)).toEqual([1, { a: 1 }]);
    }
    const strings = await toQueryResponse(res, resolveDecodeOptions({ timezone: 'Z', dateStrings: true, parseJson: false })).current.read();
    expect(strings[0]).toEqual(['2024-06-25 21:35:06', '2024-06-25 21:35:06', 1, '{"a":1}']);
    const objects = new FusionResult().addField('Doc', 'JSON').setRows([[{ a: [1, 'x'] }], [['r1', 'r2']], [7]]);
    expect(await toQueryResponse(objects, resolveDecodeOptions({ parseJson: false })).current.read()).toEqual([['{"a":[1,"x"]}'], ['["r1","r2"]'], ['7']]);
    const empty = toQueryResponse(null, resolveDecodeOptions());
    expect(empty.current.columns).toBeNull();
    expect(await empty.nextResult()).toBeNull();
  });

  it('refuses a value its column cannot hold instead of writing its String()', () => {
    const cell = (type: 'STRING' | 'INTEGER' | 'DOUBLE' | 'JSON' | 'DATETIME', value: unknown) => () =>
      toQueryResponse(new FusionResult().addField('C', type).setRows([[value as null]]), resolveDecodeOptions());
    expect(cell('STRING', ['x', 'y'])).toThrow(new FusionValueError('row 1, column C: a STRING column cannot hold an array'));
    expect(cell('STRING', { a: 1 })).toThrow(FusionValueError);
    expect(cell('INTEGER', 'abc')).toThrow(new FusionValueError('row 1, column C: a INTEGER column cannot hold the string "abc"'));
    expect(cell('INTEGER', 1.5)).toThrow(FusionValueError);
    expect(cell('DOUBLE', Number.NaN)).toThrow(FusionValueError);
    expect(cell('DATETIME', 42)).toThrow(FusionValueError);
    expect(cell('DATETIME', new Date(Number.NaN))).toThrow(FusionValueError);
    expect(cell('JSON', { n: 1n })).toThrow(FusionValueError);
    expect(cell('INTEGER', '-12')).not.toThrow();
    expect(cell('INTEGER', 2n ** 70n)).not.toThrow();
    expect(cell('DOUBLE', '1.5e3')).not.toThrow();
  });
});
