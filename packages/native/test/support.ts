import { testServer } from '@s2/testing/vitest';
import { connectWire, type WireConnection } from '@s2/wire';
import { expandRawRows, type ColumnDefinition, type RawBatch } from '@s2/base';

export function openWire(): Promise<WireConnection> {
  const info = testServer();
  return connectWire({ host: info.host, port: info.port, user: info.root.user, password: info.root.password, database: info.database });
}

/** The row packets of a query, undecoded, with its columns. */
export async function packetsOf(conn: WireConnection, sql: string): Promise<{ columns: ColumnDefinition[]; packets: Uint8Array[]; raw: RawBatch }> {
  // Streaming, as frame formats read: rows then arrive as runs of framed packets.
  const response = await conn.query(sql, { rawRows: true, streaming: true });
  const result = response.current;
  const raw = (await result.read()) as unknown as RawBatch;
  return { columns: result.columns!, packets: expandRawRows(raw), raw };
}

/**
 * A comparable form of a decoded column: typed arrays as bytes, everything else as is. The
 * native decoder also hands out an Arrow validity bitmap; it is checked against the NULL mask
 * here and then left out, since the TypeScript decoder leaves that bitmap to @s2/arrow.
 */
export function comparable(col: { values?: ArrayBufferView; offsets?: Int32Array; data?: Uint8Array; nulls: Uint8Array | null; validity?: Uint8Array; length: number } & Record<string, unknown>) {
  const bytes = (v?: ArrayBufferView) => (v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') : undefined);
  const { validity, ...rest } = col;
  if (validity) {
    for (let i = 0; i < col.length; i++) {
      const present = (validity[i >> 3] >> (i & 7)) & 1;
      if (present === (col.nulls?.[i] ? 1 : 0)) throw new Error(`validity bit ${i} disagrees with the NULL mask`);
    }
  }
  return { ...rest, values: bytes(col.values), offsets: bytes(col.offsets), data: bytes(col.data), nulls: bytes(col.nulls ?? undefined) };
}
