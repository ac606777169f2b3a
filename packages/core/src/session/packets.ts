import type { PacketReader, RawBatch, ResultSet } from '@s2/base';

/**
 * The packet path of a result that asked for undecoded rows (frame formats), or null when the
 * transport delivers decoded rows only. Transports that still use the earlier contract (packet
 * batches out of `read`, flagged by `raw`) are adapted here, in this one place.
 */
export function packetReaderOf(result: ResultSet): PacketReader | null {
  if (result.packets) return result.packets;
  const legacy = result.raw;
  if (!legacy) return null;
  return {
    decodeOptions: legacy.decodeOptions,
    // The earlier contract's read() answers packet batches typed as rows.
    read: async (max) => (await result.read(max)) as unknown as RawBatch,
  };
}
