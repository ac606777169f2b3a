import { afterAll, describe, expect, it } from 'vitest';
import { ColumnFlag, columnDefinition, DataError, FieldType, resolveDecodeOptions, type ColumnDefinition } from '@s2/base';
import { rowPacket } from '@s2/testing';
import { decodeFrame, decodeRows, loadNative } from '@s2/native';
import { countAddonCalls, needsAddon } from './support.js';

/**
 * Integer cells outside `-?\d+` (which no server writes) on every integer kind: the addon
 * hands such a batch back, and the TypeScript decoder's verdict must then be the row
 * decoders' one, a DataError, for frames as for rows. An empty cell is not NULL and not 0.
 */

const native = loadNative();
const calls = native ? countAddonCalls(native) : null;
afterAll(() => calls?.restore());

const column = (name: string, typeCode: number, unsigned = false): ColumnDefinition =>
  columnDefinition(name, typeCode, { schema: 'db', table: 't', orgTable: 't', charset: 63, length: 20, flags: unsigned ? ColumnFlag.UNSIGNED : 0 });

const COLUMNS: ColumnDefinition[] = [
  column('tiny', FieldType.TINY),
  column('tiny_u', FieldType.TINY, true),
  column('small', FieldType.SHORT),
  column('small_u', FieldType.SHORT, true),
  column('medium', FieldType.INT24),
  column('medium_u', FieldType.INT24, true),
  column('int', FieldType.LONG),
  column('int_u', FieldType.LONG, true),
  column('big', FieldType.LONGLONG),
  column('big_u', FieldType.LONGLONG, true),
  column('year', FieldType.YEAR),
];
const TEXTS = ['', '-', '1.5', '1e3', ' 1', '1 ', '12a', '+1', '0x10'];

type Outcome = { ok: true } | { ok: false; error: string; dataError: boolean };
function outcome(f: () => unknown): Outcome {
  try {
    f();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).constructor.name, dataError: err instanceof DataError };
  }
}

describe('integer cells that are not -?\\d+, native and TypeScript alike', needsAddon(), () => {
  const options = resolveDecodeOptions();
  for (const c of COLUMNS) {
    it(`${c.name}: a DataError from frames and rows on both decoders`, () => {
      for (const text of TEXTS) {
        // Enough rows around the odd one that the addon decodes the batch rather than declining its size.
        const packets = Array.from({ length: 20 }, (_, i) => rowPacket([i === 10 ? text : String(i)]));
        const seen: Record<string, Outcome> = {};
        for (const path of ['pure', 'native'] as const) {
          calls!.take();
          seen[`columns/${path}`] = outcome(() => decodeFrame([c], options, packets, 'columns', path));
          seen[`arrow/${path}`] = outcome(() => decodeFrame([c], options, packets, 'arrow', path));
          seen[`rows/${path}`] = outcome(() => decodeRows([c], options, packets, path));
          const addon = calls!.take();
          if (path === 'native') expect(addon.declined, `the addon was handed the batches of ${c.name} '${text}'`).toBe(3);
        }
        const expected = { ok: false, error: 'DataError', dataError: true };
        expect(seen, `${c.name} '${text}'`).toEqual(Object.fromEntries(Object.keys(seen).map((k) => [k, expected])));
      }
    });
  }
});
