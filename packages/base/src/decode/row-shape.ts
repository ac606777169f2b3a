import { malformedPacket } from '../errors/index.js';

/**
 * Throws what the row decoder throws for a row packet that is not `names.length` cells (a
 * length-prefixed value or the NULL marker each) filling it exactly, without decoding a
 * value: for rows held as packets, when a broken one must be found before they are decoded.
 */
export function checkRowShape(payload: Uint8Array, names: readonly string[]): void {
  const n = names.length;
  const end = payload.length;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (pos >= end) throw malformedPacket(`row ends before column ${i + 1} of ${n} ('${names[i]}')`);
    const first = payload[pos++];
    if (first === 0xfb) continue;
    let len = first;
    if (first === 0xff) throw malformedPacket(`invalid length prefix 0xff in column '${names[i]}'`);
    if (first > 0xfb) {
      const bytes = first === 0xfc ? 2 : first === 0xfd ? 3 : 8;
      if (pos + bytes > end) throw malformedPacket('truncated value length');
      if (bytes === 8 && (payload[pos + 6] || payload[pos + 7])) throw malformedPacket('value length beyond 2^48');
      len = 0;
      for (let k = Math.min(bytes, 6) - 1; k >= 0; k--) len = len * 256 + payload[pos + k];
      pos += bytes;
    }
    if (pos + len > end) throw malformedPacket(`value of column '${names[i]}' runs past the end of the row`);
    pos += len;
  }
  if (pos !== end) throw malformedPacket(`row has ${end - pos} bytes after the last column`);
}
