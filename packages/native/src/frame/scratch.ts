import type { NativeBinding, NativeColumn } from '../binding.js';
import { addonRejection } from './rejection.js';

/**
 * One reused buffer for batches whose columns become JS values before the decode returns
 * (rows: tuples, objects, forEachRow, fetchmany). The addon copies a batch's columns into it
 * instead of handing over fresh Rust vectors as Buffers: those are external memory that V8
 * frees only at a GC, and external memory asks for one only after ~64 MiB, so a stream of
 * 256-row batches kept tens of MiB of dead column buffers resident.
 *
 * The views made over it (`NativeColumn.data`, `offsets`, `nulls`) are valid until the next
 * batch: nothing that outlives the decode may keep one. Frames handed to a user never come
 * from here.
 */

/** u32 slots per column in the addon's layout (s2_codec::textrow::PACKED_SLOTS). */
const SLOTS = 6;
const ABSENT = 0xffffffff;
/** A batch that could need more stays on the allocating path, so the buffer kept stays small (the addon keeps its vectors under the same bound). */
const MAX_BYTES = 4 * 1024 * 1024;

let buffer: Buffer | null = null;
let layout = new Uint32Array(SLOTS * 16);
/** Set while a batch's views are live: a decode inside one (a `conv` callback) gets its own memory. */
let busy = false;

/** Bytes per value of each addon kind code (textrow.rs, `Kind::width`); 0: variable width. */
const WIDTH = [0, 0, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 16, 8, 4, 8, 16];

/**
 * The most a batch can take in the buffer: its packets' bytes bound every variable-width
 * column's data together; per column, its fixed-width values or rows + 1 offsets, a NULL mask
 * byte per row, and the alignment of three regions.
 */
function bound(packetBytes: number, rows: number, kinds: Uint32Array): number {
  let bytes = packetBytes;
  for (let c = 0; c < kinds.length; c++) {
    const width = WIDTH[kinds[c]] ?? 16;
    bytes += (width === 0 ? 4 * (rows + 1) : width * rows) + rows + 48;
  }
  return bytes;
}

/**
 * Decodes one batch into the shared buffer and calls `use` with its columns; `use` must be done
 * with them when it returns. Returns null when a value needs the TypeScript rules, `undefined`
 * when this path cannot take the batch (too large, a nested decode, a buffer that turned out
 * too small): the caller then takes the allocating path.
 */
export function withScratchColumns<T>(
  binding: NativeBinding,
  kinds: Uint32Array,
  scales: Uint32Array,
  segments: Uint8Array[],
  framed: Uint8Array,
  rows: number,
  packetBytes: number,
  use: (columns: NativeColumn[]) => T,
): T | null | undefined {
  const need = bound(packetBytes, rows, kinds);
  if (busy || need > MAX_BYTES) return undefined;
  if (buffer === null || buffer.length < need) buffer = Buffer.allocUnsafeSlow(Math.min(MAX_BYTES, Math.max(need, 2 * (buffer?.length ?? 0))));
  if (layout.length < SLOTS * kinds.length) layout = new Uint32Array(SLOTS * kinds.length);
  let answer: NativeColumn[] | number | null;
  try {
    answer = binding.decodeTextSegments(kinds, scales, segments, framed, rows, buffer, layout);
  } catch (err) {
    throw addonRejection(err);
  }
  if (answer === null) return null;
  if (answer === -1) return undefined;
  // An addon built before the buffer argument answers with columns of their own.
  const columns = typeof answer === 'number' ? viewColumns(buffer, layout, kinds.length, rows) : answer;
  busy = true;
  try {
    return use(columns);
  } finally {
    busy = false;
  }
}

function viewColumns(buf: Buffer, layout: Uint32Array, count: number, rows: number): NativeColumn[] {
  const ab = buf.buffer;
  const base = buf.byteOffset;
  const columns = new Array<NativeColumn>(count);
  for (let c = 0; c < count; c++) {
    const s = c * SLOTS;
    const offsets = layout[s + 2];
    const nulls = layout[s + 3];
    columns[c] = {
      data: Buffer.from(ab, base + layout[s], layout[s + 1]),
      offsets: offsets === ABSENT ? undefined : new Int32Array(ab, base + offsets, rows + 1),
      nulls: nulls === ABSENT ? undefined : Buffer.from(ab, base + nulls, rows),
      nullCount: layout[s + 4],
      ascii: layout[s + 5] === 1,
    };
  }
  return columns;
}
