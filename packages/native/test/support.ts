import { testServer } from '@s2/testing/vitest';
import { connectWire, type WireConnection } from '@s2/wire';
import { expandRawRows, type ColumnDefinition, type RawBatch } from '@s2/base';
import { options } from '@s2/base';
import { skipUnless } from '@s2/testing/vitest';
import type { NativeBinding } from '../src/binding.js';
import { loadNative, nativeStatus } from '../src/loader.js';

export function openWire(): Promise<WireConnection> {
  const info = testServer();
  return connectWire({ host: info.host, port: info.port, user: info.root.user, password: info.root.password, database: info.database });
}

/** The row packets of a query, undecoded, with its columns. */
export async function packetsOf(conn: WireConnection, sql: string): Promise<{ columns: ColumnDefinition[]; packets: Uint8Array[]; raw: RawBatch }> {
  // Streaming, as frame formats read: rows then arrive as runs of framed packets.
  const response = await conn.query(sql, { rawRows: true, streaming: true });
  const result = response.current;
  const raw = await result.packets!.read();
  return { columns: result.columns!, packets: expandRawRows(raw), raw };
}

/**
 * A comparable form of a decoded column: typed arrays as bytes, everything else as is. The
 * native decoder also hands out an Arrow validity bitmap; it is checked against the NULL mask
 * here and then left out, since the TypeScript decoder leaves that bitmap to @s2/arrow.
 */
export function comparable(
  col: { values?: ArrayBufferView; offsets?: Int32Array; data?: Uint8Array; nulls: Uint8Array | null; validity?: Uint8Array; length: number } & Record<
    string,
    unknown
  >,
) {
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

/** What the addon itself did with the batches handed to it (a declined batch goes to TypeScript). */
export interface AddonCalls {
  /** Batches the addon decoded. */
  decoded: number;
  /** Batches it handed back to the TypeScript decoder (a value outside the canonical text forms). */
  declined: number;
  /** Batches it rejected with its own error. */
  threw: number;
}

/**
 * Counts the addon's own decode calls by wrapping `decodeTextSegments` on the loaded binding
 * (every path, core's connections included, calls through that one object). Without this
 * count a differential whose native side silently fell back would compare TypeScript with
 * itself. `take()` returns the counts since the last take; `restore()` unwraps.
 */
export function countAddonCalls(binding: NativeBinding): { take(): AddonCalls; restore(): void } {
  const original = binding.decodeTextSegments;
  let calls: AddonCalls = { decoded: 0, declined: 0, threw: 0 };
  binding.decodeTextSegments = function counted(this: NativeBinding, ...args: Parameters<NativeBinding['decodeTextSegments']>) {
    let out: ReturnType<NativeBinding['decodeTextSegments']>;
    try {
      out = original.apply(this, args);
    } catch (err) {
      calls.threw++;
      throw err;
    }
    if (out) calls.decoded++;
    else calls.declined++;
    return out;
  };
  return {
    take() {
      const seen = calls;
      calls = { decoded: 0, declined: 0, threw: 0 };
      return seen;
    },
    restore() {
      binding.decodeTextSegments = original;
    },
  };
}

/** An error message with every column named by its 1-based number, as the addon names them. */
export function columnsByNumber(message: string, columns: readonly { name: string }[]): string {
  return message
    .replace(/column (\d+) of \d+ \('[^']*'\)/g, 'column $1')
    .replace(/column '([^']*)'/g, (_all, name: string) => `column ${columns.findIndex((c) => c.name === name) + 1}`);
}

/**
 * Test/describe options for checks that need the addon: a missing build is a missing tool (CI
 * builds it); a run that disabled it on purpose (SINGLESTOREDB_PURE_JS) is an opt-out.
 */
export function needsAddon(): ReturnType<typeof skipUnless> {
  return skipUnless(
    loadNative() ? null : `the native addon is not loaded: ${nativeStatus().source}`,
    options.get('pure_js') === true ? 'opt-in' : 'missing-tool',
  );
}
