import type { FramedPackets } from '../contracts/transport.js';

/**
 * The row payloads of a packet batch (`ResultSet.packets`): payload entries as they are, runs of
 * framed packets split into one payload per row, the empty slots after a run skipped.
 */
export function expandRawRows(batch: readonly (Uint8Array | FramedPackets | undefined)[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const item of batch) {
    if (item === undefined) continue;
    if (item instanceof Uint8Array) {
      out.push(item);
      continue;
    }
    const f = item.framed;
    let pos = 0;
    for (let i = 0; i < item.count; i++) {
      const len = f[pos] | (f[pos + 1] << 8) | (f[pos + 2] << 16);
      out.push(f.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
  }
  return out;
}
