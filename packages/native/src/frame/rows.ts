import { createTextRowDecoder, expandRawRows, FieldType, type ColumnDefinition, type DecodeOptions } from '@s2/base';
import { loadNative, requireNative } from '../loader.js';
import { decodeFrameNative } from './native.js';
import { planColumns } from './plan.js';
import type { ColumnPlan, DecodedColumn, RawBatch } from './types.js';
import type { DecodePath } from './index.js';

/**
 * Row formats from packet batches: the addon walks the packets, checks the text and parses
 * the integers and doubles; rows are then assembled from its columns. Every value is the one
 * the TypeScript row decoder gives for the same bytes — numbers come from typed arrays only
 * where the text-to-number rules are the same on both sides (canonical integers and doubles;
 * anything else makes the addon hand the batch back), and every other column goes through
 * the row decoder's own per-value functions.
 */

const SAFE_MAX = 9007199254740991n;
const SAFE_MIN = -9007199254740991n;

/** Frame plans, narrowed to what a row holds: FLOAT rows are the double of the text, not float32. */
function rowPlans(columns: readonly ColumnDefinition[], options: DecodeOptions): ColumnPlan[] {
  return planColumns(columns, options, 'columns').map((plan, i) => {
    const code = columns[i].typeCode;
    if (code === FieldType.FLOAT) return { kind: 'values', scale: 0, precision: 0 };
    // int64 'string' keeps the server's text, which a parsed number cannot give back.
    if (code === FieldType.LONGLONG && options.int64 === 'string') return { kind: 'values', scale: 0, precision: 0 };
    return plan;
  });
}

/** Reads one cell of a decoded column as the row decoder would give it (nulls handled by the caller). */
type Cell = (r: number) => unknown;

function cellReader(col: DecodedColumn, options: DecodeOptions): Cell {
  if (col.kind === 'values') {
    const items = col.items!;
    return (r) => items[r];
  }
  const values = col.values!;
  if (col.kind === 'int64' || col.kind === 'uint64') {
    const big = values as BigInt64Array | BigUint64Array;
    switch (options.int64) {
      case 'bigint': return (r) => big[r];
      case 'number': return (r) => Number(big[r]);
      default: return (r) => {
        const v = big[r];
        return v >= SAFE_MIN && v <= SAFE_MAX ? Number(v) : v;
      };
    }
  }
  return (r) => values[r];
}

function assemble(decoded: readonly DecodedColumn[], options: DecodeOptions, n: number, out: unknown[][]): void {
  const width = decoded.length;
  const cells = decoded.map((c) => cellReader(c, options));
  const nulls = decoded.map((c) => (c.nullCount ? c.nulls : null));
  for (let r = 0; r < n; r++) {
    const row = new Array<unknown>(width);
    for (let c = 0; c < width; c++) {
      const mask = nulls[c];
      row[c] = mask !== null && mask[r] ? null : cells[c](r);
    }
    out.push(row);
  }
}

/**
 * Decodes a batch of undecoded rows (payloads and runs of framed packets) into rows, appending
 * them to `out`. 'auto' uses the addon when it is loaded; without it, or for a batch the addon
 * hands back, the TypeScript row decoder does the work.
 */
export function decodeRows(columns: readonly ColumnDefinition[], options: DecodeOptions, packets: RawBatch, path: DecodePath = 'auto', out: unknown[][] = []): unknown[][] {
  const binding = path === 'pure' ? null : path === 'native' ? requireNative() : loadNative();
  if (binding && packets.length > 0) {
    const decoded = decodeFrameNative(binding, columns, rowPlans(columns, options), options, packets);
    if (decoded) {
      assemble(decoded, options, packets.length, out);
      return out;
    }
  }
  const decoder = createTextRowDecoder(columns, options);
  for (const payload of expandRawRows(packets)) out.push(decoder.decodeRow(payload));
  return out;
}
