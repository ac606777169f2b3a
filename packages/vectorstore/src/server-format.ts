import { rows, type SqlClient } from './client.js';
import type { WireVectorFormat } from './sql/vectors.js';

/**
 * The first SingleStore release with the `VECTOR(n, F32)` column type. A VECTOR column takes a
 * binary string of exactly n little-endian F32 values (what `HEX(vec)` shows and `UNHEX`
 * reverses), so from this release on vectors can travel as `X'…'` literals.
 */
export const BINARY_VECTORS_SINCE: readonly [number, number] = [8, 5];

/** `8.9.3`, `9.0.1-3c2a…` → `[8, 9]`; anything else → undefined. */
export function parseMemsqlVersion(text: unknown): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(String(text ?? ''));
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function versionTakesBinaryVectors(version: readonly [number, number] | undefined): boolean {
  if (!version) return false;
  const [major, minor] = version;
  return major > BINARY_VECTORS_SINCE[0] || (major === BINARY_VECTORS_SINCE[0] && minor >= BINARY_VECTORS_SINCE[1]);
}

/** A server-side refusal (errno 1000–1999, e.g. MariaDB's 1193 unknown system variable), as opposed to a lost connection. */
function isServerRefusal(err: unknown): boolean {
  const errno = (err as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' && errno >= 1000 && errno < 2000;
}

/**
 * Asks the server once which vector format to send: `binary` on SingleStore 8.5 and later
 * (`@@memsql_version` is SingleStore's own variable), `json` on anything that does not know the
 * variable (MariaDB, MySQL) or reports an older release. Connection failures are not hidden.
 */
export async function detectVectorFormat(client: SqlClient): Promise<WireVectorFormat> {
  let version: [number, number] | undefined;
  try {
    const [row] = await rows(client, 'SELECT @@memsql_version');
    version = parseMemsqlVersion(row?.[0] instanceof Uint8Array ? new TextDecoder().decode(row[0]) : row?.[0]);
  } catch (err) {
    if (!isServerRefusal(err)) throw err;
  }
  return versionTakesBinaryVectors(version) ? 'binary' : 'json';
}
