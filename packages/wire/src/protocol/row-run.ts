/**
 * The row packets at the front of a run of framed packets (3-byte length, sequence id,
 * payload, as on the wire) that a result may take as they are: whole packets in sequence,
 * up to `room` of them, stopping before the packet that ends the result (EOF/OK) or reports an
 * error, which the packet-by-packet path reads.
 */
export interface RowRunPrefix {
  /** Row packets in the prefix. */
  rows: number;
  /** Framed bytes they span. */
  bytes: number;
}

export function rowRunPrefix(framed: Uint8Array, count: number, room: number, firstSeq: number, deprecateEof: boolean): RowRunPrefix {
  const end = Math.min(count, room);
  let seq = firstSeq;
  let pos = 0;
  let rows = 0;
  while (rows < end) {
    const len = framed[pos] | (framed[pos + 1] << 8) | (framed[pos + 2] << 16);
    if (framed[pos + 3] !== seq) break;
    const first = framed[pos + 4];
    if (first === 0xff || (first === 0xfe && len < (deprecateEof ? 0xffffff : 9))) break;
    pos += 4 + len;
    rows++;
    seq = (seq + 1) & 0xff;
  }
  return { rows, bytes: pos };
}

/** A run of framed packets split after its first `rows` packets. */
export function splitRun(
  run: { framed: Uint8Array; count: number },
  rows: number,
): [{ framed: Uint8Array; count: number }, { framed: Uint8Array; count: number }] {
  const f = run.framed;
  let pos = 0;
  for (let i = 0; i < rows; i++) pos += 4 + (f[pos] | (f[pos + 1] << 8) | (f[pos + 2] << 16));
  return [
    { framed: f.subarray(0, pos), count: rows },
    { framed: f.subarray(pos), count: run.count - rows },
  ];
}
