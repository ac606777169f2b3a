import type { ColumnDefinition } from '../contracts/columns.js';
import type { DecodeOptions, RowDecoder } from '../contracts/decoding.js';

/**
 * Compiled row decoders reused across results with the same columns. A service sends the
 * same few statements over and over; compiling a decoder (`new Function` plus one closure per
 * column) for each of them cost more client CPU than the rest of a one-row query's decoding.
 *
 * One small LRU per options object: a connection resolves its decode options once, so the
 * cache lives and dies with the connection (a WeakMap), and two connections with different
 * options can never share a decoder. Decoders are stateless, so sharing one between results
 * (even interleaved ones) is safe.
 */

/** Distinct column signatures kept per options object. */
export const DECODER_CACHE_SIZE = 32;

/** null: building failed (code generation forbidden); remembered so it is not retried per result. */
type Built = RowDecoder | null;

interface OptionsCache {
  /** The option values the decoders were built with: a mutated options object starts afresh. */
  seen: OptionValues;
  decoders: Map<string, Built>;
  /**
   * A copy of the columns last asked for (a copy: a caller may reuse its objects) and their
   * decoder: a repeated statement is recognised without building its signature.
   */
  lastColumns: readonly ColumnDefinition[] | null;
  last: Built;
}

type OptionValues = Readonly<DecodeOptions>;

const caches = new WeakMap<DecodeOptions, OptionsCache>();

function sameValues(a: OptionValues, b: DecodeOptions): boolean {
  return (
    a.int64 === b.int64 &&
    a.decimal === b.decimal &&
    a.timezone === b.timezone &&
    a.dateStrings === b.dateStrings &&
    a.parseJson === b.parseJson &&
    a.encodingErrors === b.encodingErrors &&
    a.conv === b.conv
  );
}

/**
 * What a decoder for these columns depends on. Column decoders read the type, charset, name
 * (error messages) and vector dimension; flags, scale and length are cheap to add for safety.
 * With `conv` callbacks, which receive the whole definition, every field counts, so such a
 * callback never sees a definition that differs from the result's own.
 */
const DECODING_FIELDS = ['typeCode', 'charset', 'flags', 'decimals', 'length', 'vectorDimension', 'name'] as const;
const OTHER_FIELDS = ['rawTypeCode', 'extendedType', 'vectorElementType', 'catalog', 'schema', 'table', 'orgTable', 'orgName'] as const;

const ALL_FIELDS = [...DECODING_FIELDS, ...OTHER_FIELDS] as const;

function fieldsOf(withEverything: boolean): readonly (keyof ColumnDefinition)[] {
  return withEverything ? ALL_FIELDS : DECODING_FIELDS;
}

/** A string that differs whenever a field a decoder depends on differs. */
export function columnSignature(columns: readonly ColumnDefinition[], withEverything: boolean): string {
  const fields = fieldsOf(withEverything);
  let key = '';
  for (const c of columns) {
    for (const f of fields) {
      const v = String(c[f]);
      // Length-prefixed, so that no name can imitate a separator.
      key += `${v.length}:${v}`;
    }
    key += ';';
  }
  return key;
}

/** Whether two column lists agree on every field a decoder depends on (no allocation). */
function sameColumns(a: readonly ColumnDefinition[], b: readonly ColumnDefinition[], withEverything: boolean): boolean {
  if (a.length !== b.length) return false;
  const fields = fieldsOf(withEverything);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    // The wire reuses a session's parsed column definitions while their bytes repeat.
    if (x === y) continue;
    for (let j = 0; j < fields.length; j++) if (x[fields[j]] !== y[fields[j]]) return false;
  }
  return true;
}

/**
 * The decoder `build` makes for `columns` under `options`, built once per column signature
 * and options object (the most recently used DECODER_CACHE_SIZE are kept).
 */
export function cachedRowDecoder(
  columns: readonly ColumnDefinition[],
  options: DecodeOptions,
  build: (columns: readonly ColumnDefinition[], options: DecodeOptions) => Built,
): Built {
  let cache = caches.get(options);
  if (cache === undefined || !sameValues(cache.seen, options)) {
    cache = { seen: { ...options }, decoders: new Map(), lastColumns: null, last: null };
    caches.set(options, cache);
  }
  const withEverything = options.conv !== undefined;
  if (cache.lastColumns !== null && sameColumns(cache.lastColumns, columns, withEverything)) return cache.last;
  const key = columnSignature(columns, withEverything);
  const decoders = cache.decoders;
  let made = decoders.get(key);
  if (made !== undefined) {
    // Most recent last: Map iteration order is insertion order.
    decoders.delete(key);
  } else {
    made = build(columns, options);
    if (decoders.size >= DECODER_CACHE_SIZE) decoders.delete(decoders.keys().next().value!);
  }
  decoders.set(key, made);
  cache.lastColumns = columns.map((c) => ({ ...c }));
  cache.last = made;
  return made;
}
