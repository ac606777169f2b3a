import { testServer } from '@s2/testing/vitest';
import { connectWire, type WireConnection } from '@s2/wire';
import { expandRawRows, type ColumnDefinition } from '@s2/base';
import type { RawBatch } from '@s2/native';

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

/** A comparable form of a decoded column: typed arrays as bytes, everything else as is. */
export function comparable(col: { values?: ArrayBufferView; offsets?: Int32Array; data?: Uint8Array; nulls: Uint8Array | null } & Record<string, unknown>) {
  const bytes = (v?: ArrayBufferView) => (v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') : undefined);
  return { ...col, values: bytes(col.values), offsets: bytes(col.offsets), data: bytes(col.data), nulls: bytes(col.nulls ?? undefined) };
}
