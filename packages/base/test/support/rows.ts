import { columnDefinition, type ColumnDefinition } from '@s2/base';

/** A column of table db.t (utf8mb4, length 255 unless `extra` says otherwise). */
export function col(name: string, typeCode: number, extra: Partial<ColumnDefinition> = {}): ColumnDefinition {
  return columnDefinition(name, typeCode, { schema: 'db', table: 't', orgTable: 't', charset: 45, length: 255, ...extra });
}

/** A length-encoded integer of the MySQL protocol. */
export function lenenc(n: number): number[] {
  if (n < 0xfb) return [n];
  if (n < 0x10000) return [0xfc, n & 0xff, n >> 8];
  if (n < 0x1000000) return [0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16];
  return [0xfe, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff, 0, 0, 0, 0];
}

/** A text-protocol row payload: one length-encoded string per value, 0xFB for NULL. */
export function row(...values: (string | Uint8Array | null)[]): Uint8Array {
  const out: number[] = [];
  for (const v of values) {
    if (v === null) {
      out.push(0xfb);
      continue;
    }
    const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    out.push(...lenenc(bytes.length), ...bytes);
  }
  return Uint8Array.from(out);
}
