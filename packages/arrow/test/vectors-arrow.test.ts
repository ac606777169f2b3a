import { describe, expect, it } from 'vitest';
import { BINARY_CHARSET, columnDefinition, resolveDecodeOptions, type ColumnDefinition } from '@s2/base';
import { decodeFrame } from '@s2/native';
import { decodedToArrow, rowsToArrow } from '@s2/arrow/convert';
import { FixedSizeList, Binary } from 'apache-arrow';

/** VECTOR and BSON columns cannot come from MariaDB: column definitions and packets built per wire spec 7. */
function column(name: string, typeCode: number, extra: Partial<ColumnDefinition> = {}): ColumnDefinition {
  return columnDefinition(name, typeCode, { schema: 'db', table: 't', orgTable: 't', charset: BINARY_CHARSET, ...extra });
}

function packet(cells: (Uint8Array | string | null)[]): Uint8Array {
  const parts: number[] = [];
  for (const c of cells) {
    if (c === null) parts.push(0xfb);
    else {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      parts.push(b.length, ...b);
    }
  }
  return Uint8Array.from(parts);
}

const f32 = (...xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);

describe('VECTOR and BSON columns in Arrow', () => {
  const columns = [
    column('embedding', 3001, { vectorElementType: 1, vectorDimension: 3 }),
    column('ids', 2006, { vectorElementType: 6, vectorDimension: 2, charset: 45 }),
    column('doc', 1001),
  ];
  const packets = [
    packet([f32(0.5, -1, 2), '[9007199254740993,-1]', Uint8Array.from([5, 0, 0, 0, 0])]),
    packet([null, null, null]),
    packet([f32(1, 2, 3), '[0,1]', Uint8Array.from([1, 2])]),
  ];
  for (const path of ['pure', 'auto'] as const) {
    it(`FixedSizeList of exact element types, NULL rows and binary BSON (${path})`, () => {
      const table = decodedToArrow(columns, decodeFrame(columns, resolveDecodeOptions(), packets, 'arrow', path));
      const emb = table.getChild('embedding')!;
      expect(emb.type).toBeInstanceOf(FixedSizeList);
      expect(String(emb.type)).toBe('FixedSizeList[3]<Float32>');
      expect(Array.from(emb.get(0)!)).toEqual([0.5, -1, 2]);
      expect(emb.get(1)).toBeNull();
      expect(emb.nullCount).toBe(1);
      const ids = table.getChild('ids')!;
      expect(String(ids.type)).toBe('FixedSizeList[2]<Int64>');
      expect(Array.from(ids.get(0)!)).toEqual([9007199254740993n, -1n]);
      const doc = table.getChild('doc')!;
      expect(doc.type).toBeInstanceOf(Binary);
      expect(Array.from(doc.get(2)!)).toEqual([1, 2]);
      expect(doc.get(1)).toBeNull();
    });
  }

  it('the row path (HTTP) builds the same vector column', () => {
    const rows = [
      [Float32Array.from([1, 2, 3]), null, null],
      [null, BigInt64Array.from([1n, 2n]), null],
    ];
    const table = rowsToArrow(columns, rows);
    expect(String(table.getChild('embedding')!.type)).toBe('FixedSizeList[3]<Float32>');
    expect(Array.from(table.getChild('ids')!.get(1)!)).toEqual([1n, 2n]);
  });
});
