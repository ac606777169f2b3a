import { describe, expect, it } from 'vitest';
import { createTextRowDecoder, DecodeError, FieldType, resolveDecodeOptions, type ColumnDefinition } from '@s2/base';
import { cachedRowDecoder, columnSignature, DECODER_CACHE_SIZE } from '../src/decode/decoder-cache.js';
import { col, row } from './support/rows.js';

/** The columns of one result, as a fresh parse of the same metadata would give them. */
const intAndText = () => [col('id', FieldType.LONG), col('label', FieldType.VAR_STRING)];

describe('row decoder cache', () => {
  it('gives the same decoder for the same columns of another result (new objects), with unchanged values', () => {
    const options = resolveDecodeOptions();
    const first = createTextRowDecoder(intAndText(), options);
    const second = createTextRowDecoder(intAndText(), options);
    expect(second).toBe(first);
    expect(second.decodeRow(row('42', 'x'))).toEqual([42, 'x']);
    expect(second.decodeRow(row(null, 'yz'))).toEqual([null, 'yz']);
  });

  it('builds a new decoder when a column changes: its type, its name, its charset, or the column count', () => {
    const options = resolveDecodeOptions();
    const base = createTextRowDecoder(intAndText(), options);
    const retyped = createTextRowDecoder([col('id', FieldType.VAR_STRING), col('label', FieldType.VAR_STRING)], options);
    expect(retyped).not.toBe(base);
    // The same bytes now decode as text: the decoder really follows the new type.
    expect(retyped.decodeRow(row('42', 'x'))).toEqual(['42', 'x']);
    const renamed = createTextRowDecoder([col('id', FieldType.LONG), col('other', FieldType.VAR_STRING)], options);
    expect(renamed).not.toBe(base);
    const binary = createTextRowDecoder([col('id', FieldType.LONG), col('label', FieldType.VAR_STRING, { charset: 63 })], options);
    expect(binary).not.toBe(base);
    expect(binary.decodeRow(row('1', 'ab'))[1]).toBeInstanceOf(Uint8Array);
    const fewer = createTextRowDecoder([col('id', FieldType.LONG)], options);
    expect(fewer).not.toBe(base);
    expect(fewer.decodeRow(row('7'))).toEqual([7]);
    // ... and the first signature is still cached after the others.
    expect(createTextRowDecoder(intAndText(), options)).toBe(base);
  });

  it('error messages name the column of the cached signature (a renamed column gets its own decoder)', () => {
    const options = resolveDecodeOptions();
    createTextRowDecoder([col('first_name', FieldType.VAR_STRING)], options);
    const other = createTextRowDecoder([col('second_name', FieldType.VAR_STRING)], options);
    expect(() => other.decodeRow(Uint8Array.from([2, 0xff, 0xfe]))).toThrow(/second_name/);
  });

  it('never shares a decoder between options objects, and starts afresh when an options object is changed', () => {
    const a = resolveDecodeOptions();
    const b = resolveDecodeOptions({ int64: 'string' });
    const cols = [col('n', FieldType.LONGLONG)];
    const forA = createTextRowDecoder(cols, a);
    const forB = createTextRowDecoder([col('n', FieldType.LONGLONG)], b);
    expect(forB).not.toBe(forA);
    expect(forA.decodeRow(row('5'))).toEqual([5]);
    expect(forB.decodeRow(row('5'))).toEqual(['5']);
    a.int64 = 'bigint';
    const changed = createTextRowDecoder([col('n', FieldType.LONGLONG)], a);
    expect(changed).not.toBe(forA);
    expect(changed.decodeRow(row('5'))).toEqual([5n]);
  });

  it("hands conv callbacks a definition equal to the result's own: any differing field means a new decoder", () => {
    const seen: ColumnDefinition[] = [];
    const options = resolveDecodeOptions({
      conv: {
        [FieldType.LONG]: (v, c) => {
          seen.push(c);
          return `conv:${String(v)}`;
        },
      },
    });
    const first = createTextRowDecoder([col('id', FieldType.LONG, { table: 'a' })], options);
    const sameTable = createTextRowDecoder([col('id', FieldType.LONG, { table: 'a' })], options);
    const otherTable = createTextRowDecoder([col('id', FieldType.LONG, { table: 'b' })], options);
    expect(sameTable).toBe(first);
    expect(otherTable).not.toBe(first);
    expect(otherTable.decodeRow(row('3'))).toEqual(['conv:3']);
    expect(seen[0].table).toBe('b');
  });

  it('keeps the most recently used DECODER_CACHE_SIZE signatures', () => {
    const options = resolveDecodeOptions();
    let builds = 0;
    const build = () => {
      builds++;
      return { decodeRow: () => [] };
    };
    const cols = (i: number) => [col(`c${i}`, FieldType.LONG)];
    const first = cachedRowDecoder(cols(0), options, build);
    for (let i = 1; i < DECODER_CACHE_SIZE; i++) cachedRowDecoder(cols(i), options, build);
    expect(builds).toBe(DECODER_CACHE_SIZE);
    // All DECODER_CACHE_SIZE are held; using #0 makes it the most recent.
    expect(cachedRowDecoder(cols(0), options, build)).toBe(first);
    const before = new Set<unknown>();
    for (let i = 0; i < DECODER_CACHE_SIZE; i++) before.add(cachedRowDecoder(cols(i), options, build));
    expect(before.size).toBe(DECODER_CACHE_SIZE);
    expect(builds).toBe(DECODER_CACHE_SIZE);
    // One more signature evicts the least recently used (#0 after the loop above touched 0..N-1 in order).
    cachedRowDecoder(cols(DECODER_CACHE_SIZE), options, build);
    expect(cachedRowDecoder(cols(1), options, build)).toBe([...before][1]);
    expect(cachedRowDecoder(cols(0), options, build)).not.toBe(first);
  });

  it('remembers that building failed, so a forbidden code generation is not retried per result', () => {
    const options = resolveDecodeOptions();
    let attempts = 0;
    const failing = () => {
      attempts++;
      return null;
    };
    const cols = [col('x', FieldType.LONG)];
    expect(cachedRowDecoder(cols, options, failing)).toBeNull();
    expect(cachedRowDecoder([col('x', FieldType.LONG)], options, failing)).toBeNull();
    expect(attempts).toBe(1);
  });

  it('signatures cannot be imitated by names that contain separators', () => {
    const a = columnSignature([col('a;1:b', FieldType.LONG)], false);
    const b = columnSignature([col('a', FieldType.LONG), col('b', FieldType.LONG)], false);
    expect(a).not.toBe(b);
    expect(columnSignature([col('x', FieldType.LONG)], false)).toBe(columnSignature([col('x', FieldType.LONG)], false));
  });

  it('invalid text still fails in a cached decoder', () => {
    const options = resolveDecodeOptions();
    createTextRowDecoder([col('t', FieldType.VAR_STRING)], options);
    const again = createTextRowDecoder([col('t', FieldType.VAR_STRING)], options);
    expect(() => again.decodeRow(Uint8Array.from([2, 0xc3, 0x28]))).toThrow(DecodeError);
  });
});
