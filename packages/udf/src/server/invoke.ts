import { decodeArrow, decodeArrowColumns, encodeArrow } from '../codecs/arrow.js';
import { decodeJsonColumns, decodeJsonRows, encodeJsonColumns, encodeJsonRows } from '../codecs/json.js';
import { decodeRowdat1, encodeRowdat1 } from '../codecs/rowdat1.js';
import { callRowdat1Vectors, decodeRowdat1Vectors, encodeRowdat1Vectors, rowdat1Binding } from '../codecs/rowdat1-native.js';
import type { UdfDefinition } from '../definition/udf.js';
import { argumentsBatch, resultFromArrow } from './arrow-calls.js';
import { columnsToRows, fromColumns, resultColumns, toColumns, type Vector } from '../definition/vectors.js';

/**
 * One `/invoke` batch, independent of any transport: decode the body, call the function, encode
 * the answer. The HTTP plugin and the collocated (unix socket) server both go through here.
 */
export type UdfFormat = 'rowdat_1' | 'json' | 'arrow';

/** A failure with the HTTP status it maps to (400 bad input, 500 unencodable output, 503/504…). */
export class UdfCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'UdfCallError';
  }
}

const FORMATS: Record<string, UdfFormat> = {
  'application/octet-stream': 'rowdat_1',
  'x-application/rowdat_1': 'rowdat_1',
  'application/json': 'json',
  'application/vnd.apache.arrow.file': 'arrow',
};

const CONTENT_TYPES: Record<UdfFormat, string> = {
  rowdat_1: 'x-application/rowdat_1',
  json: 'application/json',
  arrow: 'application/vnd.apache.arrow.file',
};

/**
 * The format a `content-type`/`accepts` value names, or null. Exact match (udf.md §5.4), as in
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1).
 */
export function formatOf(contentType: string): UdfFormat | null {
  return Object.hasOwn(FORMATS, contentType) ? FORMATS[contentType] : null;
}

/** The content type an answer in this format is sent with (ROWDAT_1 answers differ from requests). */
export function contentTypeOf(format: UdfFormat): string {
  return CONTENT_TYPES[format];
}

/** Decoded arguments: rows for row-at-a-time functions, or vectors when the codec reads columns directly. */
interface Decoded {
  rowIds: ArrayLike<bigint>;
  rows?: unknown[][];
  columns?: Vector[];
}

function decode(def: UdfDefinition, body: Uint8Array, format: UdfFormat): Decoded {
  const types = def.args.map(([, type]) => type.wireCode);
  try {
    switch (format) {
      // Scalar and vectorized functions read columns; table functions take rows.
      case 'json':
        return def.vectorized || def.kind === 'scalar' ? decodeJsonColumns(types, body) : decodeJsonRows(types, body);
      case 'arrow':
        return def.vectorized ? decodeArrowColumns(types, body) : decodeArrow(types, body);
      // Columns straight from the codec when it is native: vectorized functions take them as
      // they are, scalar ones are called with each row's values and give one result column.
      default:
        return def.vectorized || (def.kind === 'scalar' && rowdat1Binding()) ? decodeRowdat1Vectors(types, body) : decodeRowdat1(types, body);
    }
  } catch (err) {
    // Undecodable input is the caller's fault: 400, not the Python SDK's blanket 500.
    throw new UdfCallError(400, `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** A function's answer: rows, or (vectorized scalar functions) result columns. */
interface Answer {
  ids: ArrayLike<bigint>;
  rows?: unknown[][];
  columns?: readonly Vector[];
}

function encode(def: UdfDefinition, format: UdfFormat, answer: Answer): Uint8Array | string {
  const types = def.returns.map(([, type]) => type.wireCode);
  try {
    if (answer.columns && format === 'rowdat_1') return encodeRowdat1Vectors(types, answer.ids as BigInt64Array | bigint[], answer.columns);
    if (answer.columns && format === 'json') return encodeJsonColumns(types, answer.ids, answer.columns);
    const rows = answer.rows ?? columnsToRows(answer.columns!, answer.ids.length);
    const ids = Array.isArray(answer.ids) ? (answer.ids as bigint[]) : Array.from(answer.ids);
    switch (format) {
      case 'json':
        return encodeJsonRows(types, ids, rows);
      case 'arrow':
        return encodeArrow(types, ids, rows);
      default:
        return encodeRowdat1(types, ids, rows);
    }
  } catch (err) {
    throw new UdfCallError(500, `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`);
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x instanceof Promise || typeof (x as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * Runs the function over every input row; TVF rows carry the id of the row they answer. A
 * function that answers synchronously is answered synchronously (no promise, no abort race):
 * for a cheap vectorized function over a batch, that bookkeeping was a tenth of the request.
 */
function call(def: UdfDefinition, input: Decoded, signal: AbortSignal): Answer | Promise<Answer> {
  const n = input.rowIds.length;
  if (def.vectorized) {
    const columns =
      input.columns ??
      toColumns(
        input.rows ?? [],
        def.args.map(([, type]) => type.wireCode),
      );
    const out = def.vectorized === 'arrow' ? def.fn(argumentsBatch(def, columns, n), signal) : def.fn(...columns, signal);
    return isThenable(out) ? Promise.resolve(out).then((o) => vectorAnswer(def, input, o, signal)) : vectorAnswer(def, input, out, signal);
  }
  if (def.kind === 'scalar') {
    const values = callScalar(def, input, signal);
    return Array.isArray(values) ? scalarAnswer(input, values) : values.then((v) => scalarAnswer(input, v));
  }
  return callTable(def, input, signal);
}

function scalarAnswer(input: Decoded, values: unknown[]): Answer {
  return { ids: input.rowIds, columns: [{ values, nulls: null }] };
}

/** What a vectorized function returned, as result columns (scalar) or rows (table function). */
function vectorAnswer(def: UdfDefinition, input: Decoded, result: unknown, signal: AbortSignal): Answer {
  if (signal.aborted) throw signal.reason;
  const n = input.rowIds.length;
  const out = def.vectorized === 'arrow' ? resultFromArrow(def, result) : result;
  if (def.kind === 'scalar') return { ids: input.rowIds, columns: resultColumns(out, 1, n) };
  // A vectorized table function answers the whole batch: every row carries the first row id.
  const first: unknown = Array.isArray(out) ? out[0] : undefined;
  // `{ values, nulls }` or a bare column; typed arrays have a values() method, so test for nulls.
  const length = first && typeof first === 'object' ? (('nulls' in first ? (first as Vector).values.length : (first as ArrayLike<unknown>).length) ?? 0) : 0;
  const rows = fromColumns(out, def.returns.length, length);
  return { ids: rows.map(() => input.rowIds[0] ?? 0n), rows };
}

/** A row-at-a-time table function: each input row gives any number of output rows. */
async function callTable(def: UdfDefinition, input: Decoded, signal: AbortSignal): Promise<Answer> {
  const n = input.rowIds.length;
  const argRows = input.rows ?? Array.from({ length: n }, (_, r) => input.columns!.map((col) => (col.nulls?.[r] ? null : col.values[r])));
  const ids: bigint[] = [];
  const rows: unknown[][] = [];
  for (let r = 0; r < n; r++) {
    if (signal.aborted) throw signal.reason;
    let out = def.fn(...argRows[r], signal);
    // Awaiting only real promises: a microtask per row is most of a cheap function's cost.
    if (isThenable(out)) out = await out;
    if (!Array.isArray(out)) throw new TypeError(`table function ${def.name} must return an array of rows`);
    for (const item of out) {
      ids.push(input.rowIds[r]);
      if (Array.isArray(item)) rows.push(item);
      else if (item && typeof item === 'object') rows.push(def.returns.map(([name]) => (item as Record<string, unknown>)[name]));
      else rows.push([item]);
    }
  }
  return { ids, rows };
}

/**
 * A row-at-a-time scalar function over a batch: one result per row, as a column. The argument
 * list is one reused array, so a row costs the call and its values, not an array and a spread.
 * Runs synchronously until a call returns a promise; the rest of the batch then continues
 * asynchronously from that row.
 */
function callScalar(def: UdfDefinition, input: Decoded, signal: AbortSignal): unknown[] | Promise<unknown[]> {
  const n = input.rowIds.length;
  const out = new Array<unknown>(n);
  const args = scalarArgs(def, signal);
  for (let r = 0; r < n; r++) {
    // Reading `aborted` costs more than a cheap function: look every 256 rows and after awaits.
    if ((r & 255) === 0 && signal.aborted) throw signal.reason;
    const value = def.fn.apply(undefined, fillArgs(args, input, r));
    if (isThenable(value)) return finishScalar(def, input, signal, out, r, value);
    out[r] = value;
  }
  return out;
}

async function finishScalar(
  def: UdfDefinition,
  input: Decoded,
  signal: AbortSignal,
  out: unknown[],
  from: number,
  pending: PromiseLike<unknown>,
): Promise<unknown[]> {
  out[from] = await pending;
  if (signal.aborted) throw signal.reason;
  const args = scalarArgs(def, signal);
  for (let r = from + 1; r < out.length; r++) {
    if ((r & 255) === 0 && signal.aborted) throw signal.reason;
    let value = def.fn.apply(undefined, fillArgs(args, input, r));
    if (isThenable(value)) {
      value = await value;
      if (signal.aborted) throw signal.reason;
    }
    out[r] = value;
  }
  return out;
}

/** The reused argument list of a scalar call: the row's values, then the signal. */
function scalarArgs(def: UdfDefinition, signal: AbortSignal): unknown[] {
  const args = new Array<unknown>(def.args.length + 1);
  args[def.args.length] = signal;
  return args;
}

function fillArgs(args: unknown[], input: Decoded, r: number): unknown[] {
  const argc = args.length - 1;
  const { rows, columns } = input;
  if (rows) for (let c = 0; c < argc; c++) args[c] = rows[r][c];
  else for (let c = 0; c < argc; c++) args[c] = columns![c].nulls?.[r] ? null : columns![c].values[r];
  return args;
}

/**
 * Decodes `body` in the `input` format, calls the function and encodes its answer in the
 * `output` format. Throws UdfCallError(400) for undecodable input, UdfCallError(500) when the
 * result cannot be encoded, `signal.reason` once the signal aborts, and whatever the function
 * itself throws. `rows` is the number of input rows.
 */
export async function invoke(
  def: UdfDefinition,
  body: Uint8Array,
  input: UdfFormat,
  output: UdfFormat,
  signal: AbortSignal,
): Promise<{ body: Uint8Array | string; rows: number }> {
  if (input === 'rowdat_1' && output === 'rowdat_1' && def.vectorized === true && def.kind === 'scalar') {
    const combined = invokeCombined(def, body, signal);
    if (combined) return combined;
  }
  const decoded = decode(def, body, input);
  if (signal.aborted) throw signal.reason;
  const pending = call(def, decoded, signal);
  const result = isThenable(pending) ? await raceAbort(pending, signal) : pending;
  return { body: encode(def, output, result), rows: decoded.rowIds.length };
}

/**
 * A function that never looks at its signal still loses the race: the caller gets its 503/504
 * now, and the abandoned promise is left to settle on its own.
 */
async function raceAbort<T>(pending: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  // Aborted while the function ran its synchronous part (it closed the server, say): an
  // 'abort' listener added now would never fire, and the race would wait on the function.
  if (signal.aborted) {
    Promise.resolve(pending).then(undefined, () => {});
    throw signal.reason;
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  try {
    return await Promise.race([pending, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

/**
 * A vectorized scalar function over ROWDAT_1 both ways: decoded, called and encoded in one call
 * of the addon, so the row ids never come to JavaScript. The same checks, errors and statuses
 * as the general path; null when the addon cannot do it.
 */
type Invoked = { body: Uint8Array | string; rows: number };

function invokeCombined(def: UdfDefinition, body: Uint8Array, signal: AbortSignal): Invoked | Promise<Invoked> | null {
  let pending: PromiseLike<unknown> | null = null;
  const outcome = callRowdat1Vectors(
    def.args.map(([, type]) => type.wireCode),
    def.returns.map(([, type]) => type.wireCode),
    body,
    (columns, rows) => {
      if (signal.aborted) throw signal.reason;
      const out = def.fn(...columns, signal);
      if (isThenable(out)) {
        pending = out;
        return null;
      }
      if (signal.aborted) throw signal.reason;
      return resultColumns(out, 1, rows);
    },
  );
  if (!outcome) return null;
  if ('failed' in outcome) {
    const e = outcome.error;
    // Undecodable input is the caller's fault (400); an unencodable answer the function's (500).
    throw new UdfCallError(outcome.failed === 'request' ? 400 : 500, `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}`);
  }
  if ('body' in outcome) return { body: outcome.body, rows: outcome.rows };
  const { rowIds, result, rows } = outcome;
  if (result) return { body: encode(def, 'rowdat_1', { ids: rowIds, columns: result }), rows };
  return raceAbort(pending!, signal).then((out) => ({ body: encode(def, 'rowdat_1', vectorAnswer(def, { rowIds }, out, signal)), rows }));
}
