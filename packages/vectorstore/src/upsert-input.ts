import { VectorStoreError } from './errors.js';
import { toId } from './ids.js';
import type { Metadata, UpsertItem, VectorValues } from './types.js';

/** One upsert item in a single shape: `metadata` undefined means the item carries none. */
export interface NormalizedItem {
  id: string;
  values?: VectorValues;
  text?: string;
  metadata?: Metadata | null;
  /** The vector as it goes into the statement (JSON text or hex literal), made once when batching. */
  vectorSql?: string;
  /** The metadata as JSON text (null for SQL NULL), made once when batching. */
  metadataJson?: string | null;
}

/**
 * Anything `upsert` accepts: an array, an (async) iterable, or a table with columns `id`,
 * `values`, `metadata` (optional): an Apache Arrow table or a nodejs-polars DataFrame.
 */
export type UpsertSource = readonly UpsertItem[] | Iterable<UpsertItem> | AsyncIterable<UpsertItem> | ArrowTableLike | PolarsFrameLike;

/** The part of a nodejs-polars `DataFrame` used here (duck-typed: no import of nodejs-polars). */
export interface PolarsFrameLike {
  readonly height: number;
  slice(offset: number, length: number): { toRecords(): Record<string, unknown>[] };
}

function isPolarsFrame(v: unknown): v is PolarsFrameLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as PolarsFrameLike).height === 'number' &&
    typeof (v as PolarsFrameLike).slice === 'function' &&
    typeof (v as { toRecords?: unknown }).toRecords === 'function'
  );
}

/** The part of an apache-arrow `Table` used here (duck-typed: no import of apache-arrow). */
export interface ArrowTableLike {
  readonly numRows: number;
  readonly schema: { fields: readonly { name: string }[] };
  getChild(name: string): { get(i: number): unknown } | null;
}

function isArrowTable(v: unknown): v is ArrowTableLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ArrowTableLike).getChild === 'function' &&
    typeof (v as ArrowTableLike).numRows === 'number' &&
    'schema' in v
  );
}

/** Arrow list cells are vectors with `toArray()`; struct/JSON cells become plain objects. */
function plainValues(v: unknown): VectorValues {
  if (v && typeof (v as { toArray?: unknown }).toArray === 'function') return (v as { toArray(): VectorValues }).toArray();
  return v as VectorValues;
}

function plainMetadata(v: unknown): Metadata | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  let m: unknown = v;
  if (typeof v === 'string') {
    try {
      m = JSON.parse(v);
    } catch (err) {
      throw new VectorStoreError(`Vector metadata text is not JSON: ${v.slice(0, 80)}`, { cause: err });
    }
  } else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    m = (v as { toJSON(): unknown }).toJSON();
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new VectorStoreError('Vector metadata must be an object');
  return m as Metadata;
}

export function normalizeItem(item: UpsertItem): NormalizedItem {
  if (Array.isArray(item)) {
    if (item.length !== 2 && item.length !== 3) throw new VectorStoreError(`Invalid vector tuple length: ${item.length}. Expected 2 or 3 elements.`);
    const out: NormalizedItem = { id: toId(item[0]), values: plainValues(item[1]) };
    if (item.length === 3) out.metadata = plainMetadata(item[2]) ?? null;
    return out;
  }
  if (typeof item !== 'object' || item === null || typeof (item as { id?: unknown }).id !== 'string') {
    throw new VectorStoreError('Unsupported vector: expected { id, values, metadata? }, { id, text, metadata? } or an [id, values, metadata?] tuple');
  }
  const rec = item as { id: string; values?: unknown; text?: unknown; metadata?: unknown };
  const out: NormalizedItem = { id: rec.id, metadata: plainMetadata(rec.metadata) };
  if (rec.values !== undefined && rec.values !== null) out.values = plainValues(rec.values);
  else if (typeof rec.text === 'string') out.text = rec.text;
  else throw new VectorStoreError(`Vector ${rec.id} has neither values nor text`);
  return out;
}

/**
 * Whether the source can be read twice, so it can be checked whole before anything is written:
 * arrays, Arrow tables and polars frames (an iterator may be consumed by the first read).
 */
export function isReplayable(source: UpsertSource): boolean {
  return Array.isArray(source) || isArrowTable(source) || isPolarsFrame(source);
}

/** Yields the source's items in chunks of at most `size`, pulling lazily from iterables. */
export async function* chunks(source: UpsertSource, size: number): AsyncGenerator<NormalizedItem[]> {
  let chunk: NormalizedItem[] = [];
  if (isArrowTable(source)) {
    const id = source.getChild('id');
    const values = source.getChild('values');
    const metadata = source.getChild('metadata');
    if (!id || !values) throw new VectorStoreError('An Arrow table to upsert needs the columns id and values (metadata optional)');
    for (let i = 0; i < source.numRows; i++) {
      chunk.push({ id: toId(id.get(i)), values: plainValues(values.get(i)), metadata: metadata ? (plainMetadata(metadata.get(i)) ?? null) : undefined });
      if (chunk.length >= size) {
        yield chunk;
        chunk = [];
      }
    }
  } else if (isPolarsFrame(source)) {
    // One slice per chunk keeps a large frame from turning into JS objects all at once.
    for (let offset = 0; offset < source.height; offset += size) {
      yield source
        .slice(offset, size)
        .toRecords()
        .map((r) => normalizeItem({ id: toId(r.id), values: r.values as VectorValues, metadata: r.metadata as Metadata | null | undefined }));
    }
    return;
  } else {
    const iterable = source as Iterable<UpsertItem> | AsyncIterable<UpsertItem>;
    if (
      iterable === null ||
      iterable === undefined ||
      (typeof (iterable as AsyncIterable<UpsertItem>)[Symbol.asyncIterator] !== 'function' &&
        typeof (iterable as Iterable<UpsertItem>)[Symbol.iterator] !== 'function')
    ) {
      throw new VectorStoreError(
        `upsert expects an array, an (async) iterable or an Arrow table of vectors, got ${iterable === null ? 'null' : typeof iterable}`,
      );
    }
    for await (const item of iterable) {
      chunk.push(normalizeItem(item));
      if (chunk.length >= size) {
        yield chunk;
        chunk = [];
      }
    }
  }
  if (chunk.length) yield chunk;
}
