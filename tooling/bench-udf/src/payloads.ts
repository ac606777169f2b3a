import { decodeJsonRows, decodeRowdat1, encodeJsonRows, encodeRowdat1 } from '@s2/udf';

/**
 * Request bodies, built once and sent unchanged to every server: `rows` rows split into batches
 * of `batchSize`, row ids 0..rows-1 in order, in ROWDAT_1 (application/octet-stream) and JSON
 * (`{"data": [[rowid, value], ...]}`).
 */
export type Format = 'rowdat_1' | 'json';
export type Kind = 'bigint' | 'text';

export const CONTENT_TYPE: Record<Format, string> = { rowdat_1: 'application/octet-stream', json: 'application/json' };
const BIGINT = 8;
const TEXT = 254;
const CODE: Record<Kind, number> = { bigint: BIGINT, text: TEXT };

export interface Batch {
  /** First row id; ids run firstId .. firstId + rows - 1. */
  firstId: number;
  rows: number;
  /**
   * The request body. The inputs are not kept as JS values: millions of long-lived bigints and
   * strings would make every major GC of the client slow, and the client shares the machine
   * with the server it measures. Checking decodes them from here instead.
   */
  body: Buffer;
}

/** Deterministic xorshift32, so every run (and every server) sees the same data. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const ASCII = 'abcdefghijklmnopqrstuvwxyz0123456789 -_';
const ACCENTED = 'éüñøç';

/** BIGINTs spread over ±2^40 (exact in JSON numbers everywhere); TEXT of 4–24 chars, ~1 in 10 with a non-ASCII letter. */
export function makeValues(kind: Kind, n: number, seed: number): bigint[] | string[] {
  const r = rng(seed);
  if (kind === 'bigint') return Array.from({ length: n }, () => BigInt(Math.floor((r() * 2 - 1) * 2 ** 40)));
  return Array.from({ length: n }, () => {
    const len = 4 + Math.floor(r() * 21);
    let s = '';
    for (let i = 0; i < len; i++) s += ASCII[Math.floor(r() * ASCII.length)];
    if (r() < 0.1) s += ACCENTED[Math.floor(r() * ACCENTED.length)];
    return s;
  });
}

export function makeBatches(kind: Kind, format: Format, totalRows: number, batchSize: number, seed: number): Batch[] {
  const all = makeValues(kind, totalRows, seed);
  const batches: Batch[] = [];
  for (let first = 0; first < totalRows; first += batchSize) {
    const rows = Math.min(batchSize, totalRows - first);
    const values = all.slice(first, first + rows) as bigint[] | string[];
    const ids = Array.from({ length: rows }, (_, i) => first + i);
    const tuples = (values as unknown[]).map((v) => [v]);
    const body = format === 'rowdat_1' ? Buffer.from(encodeRowdat1([CODE[kind]], ids, tuples)) : Buffer.from(encodeJsonRows([CODE[kind]], ids, tuples), 'utf8');
    batches.push({ firstId: first, rows, body });
  }
  return batches;
}

/** Checks an answer: same row ids in order, x + 1 / upper(s). Returns a problem or null. */
export function checkAnswer(kind: Kind, format: Format, batch: Batch, body: Buffer): string | null {
  let decoded: { rowIds: bigint[]; rows: unknown[][] };
  try {
    decoded = format === 'rowdat_1' ? decodeRowdat1([CODE[kind]], body) : decodeJsonRows([CODE[kind]], body);
  } catch (err) {
    return `undecodable answer: ${(err as Error).message}`;
  }
  const input = format === 'rowdat_1' ? decodeRowdat1([CODE[kind]], batch.body) : decodeJsonRows([CODE[kind]], batch.body);
  if (decoded.rowIds.length !== batch.rows) return `${decoded.rowIds.length} rows for ${batch.rows}`;
  for (let i = 0; i < batch.rows; i++) {
    if (decoded.rowIds[i] !== BigInt(batch.firstId + i)) return `row ${i}: id ${decoded.rowIds[i]}, expected ${batch.firstId + i}`;
    const got = decoded.rows[i][0];
    const x = input.rows[i][0];
    const want = kind === 'bigint' ? (x as bigint) + 1n : (x as string).toUpperCase();
    if (got !== want) return `row ${batch.firstId + i}: got ${JSON.stringify(String(got))}, expected ${JSON.stringify(String(want))}`;
  }
  return null;
}
