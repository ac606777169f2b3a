import { NotSupportedError, sharedRegistry, type BatchDecoder, type ColumnDefinition, type DecodeOptions, type RawBatch } from '@s2/base';

/**
 * How a cursor turns decoded rows (one array per row) into what users get. Row formats map a
 * batch to a batch; frame formats (columnar, Arrow, polars — registered by other packages)
 * turn a batch into one frame. The cursor only ever talks to this interface.
 */
export interface PreparedFormat {
  /** Row formats: one output row per input row. */
  rows?(batch: unknown[][]): unknown[];
  /**
   * Frame formats: the whole batch as one value (a table, a record batch...). `frame` and
   * `framePackets` may return a promise of the frame (a format whose library is still loading);
   * the cursor awaits it. `decodeOptions` are the settings the rows were decoded with (the
   * format's `frameRowOptions` applied where the transport honoured them), by which the frame
   * lays out its columns as `planColumns` does for packets.
   */
  frame?(batch: unknown[][], decodeOptions: DecodeOptions): unknown;
  /**
   * Frame formats that decode row packets themselves (natively where possible): the whole
   * batch of undecoded packets as one frame, decoded by the connection's batch decoder (the
   * addon's or the TypeScript one). Used over the wire protocol; `frame` elsewhere.
   */
  framePackets?(packets: RawBatch, decodeOptions: DecodeOptions, decoder: BatchDecoder): unknown;
  /**
   * Joins frames of consecutive batches into one. With it, a whole-result frame is decoded
   * batch by batch as packets arrive, so packets never pile up for the entire result.
   */
  mergeFrames?(frames: unknown[]): unknown;
}

export interface ResultFormat {
  name: string;
  /** The format has `framePackets`: queries ask the transport to keep rows undecoded. */
  packets?: boolean;
  /**
   * A frame format's rows where a transport decodes them itself (the Data API has no packets):
   * the settings to decode them with instead of the connection's, so that they hold what the
   * frame keeps from packets (exact BIGINT, exact DECIMAL...).
   */
  frameRowOptions?: Partial<DecodeOptions>;
  /**
   * Rows per frame when `streamFrames` is not told (default DEFAULT_FRAME_ROWS). Formats that
   * make one JS value per cell want smaller frames: values that die young cost the GC little,
   * while a frame's worth of them outliving the young generation is copied and promoted.
   */
  streamBatchRows?: number | ((columns: readonly ColumnDefinition[]) => number);
  /**
   * Rows per batch when one whole-result frame is decoded batch by batch and merged
   * (`queryFrame`, `fetchframe()` without a size); default `streamBatchRows`. A stream's
   * frames are what the caller holds while the next one is read, a merged result's batches
   * only feed the merge, so the two can want different sizes.
   */
  mergeBatchRows?: number | ((columns: readonly ColumnDefinition[]) => number);
  /**
   * A row format whose buffered results may arrive as packet batches and be decoded by
   * `decodeRows` (the addon, when it is loaded) instead of row by row in the transport.
   */
  packetRows?: boolean;
  /**
   * Its rows are new objects built from each row's values (not the value arrays themselves):
   * a buffered result then has every batch decoded and shaped as it arrives, so that a value
   * array per row never piles up beside the rows, whichever decoder runs.
   */
  rowObjects?: boolean;
  prepare(columns: readonly ColumnDefinition[]): PreparedFormat;
}

// Shared by every copy of @s2/core in the process: a format registered by @s2/arrow through
// one copy is found by a connection made with another (see sharedRegistry).
const registry = sharedRegistry<ResultFormat>('result-formats');

export function registerResultFormat(format: ResultFormat): void {
  registry.set(format.name, format);
}

export function resultFormat(name: string): ResultFormat {
  const f = registry.get(name);
  if (!f) {
    throw new NotSupportedError(`results type '${name}' is not available; registered: ${[...registry.keys()].join(', ')}`);
  }
  return f;
}

/**
 * Frame column names, which must all differ: a repeated name becomes `<table>.<name>` (the Python
 * SDK's rule), or `<name>_<position>` for a column without a table (an expression, or any column
 * over the Data API, which reports no tables), where that rule would give `.<name>`; a name
 * still taken gets `_<position>` appended.
 */
export function uniqueColumnNames(columns: readonly ColumnDefinition[]): string[] {
  const seen = new Set<string>();
  return columns.map((c, i) => {
    let name = !seen.has(c.name) ? c.name : c.table ? `${c.table}.${c.name}` : `${c.name}_${i}`;
    while (seen.has(name)) name = `${name}_${i}`;
    seen.add(name);
    return name;
  });
}

/**
 * Object keys: a repeated name becomes `<table>.<name>`, as in the Python SDK's MySQL cursor
 * (`.<name>` for a column without a table: an expression, or any column over the Data API); a key
 * still taken gets `_<position>`. No value is dropped, unlike the reference's Data API cursor,
 * whose `dict(zip(names, row))` keeps only the last of the repeated columns.
 */
function objectKeys(columns: readonly ColumnDefinition[]): string[] {
  const seen = new Set<string>();
  return columns.map((c, i) => {
    let name = seen.has(c.name) ? `${c.table}.${c.name}` : c.name;
    while (seen.has(name)) name = `${name}_${i}`;
    seen.add(name);
    return name;
  });
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

registerResultFormat({ name: 'tuples', packetRows: true, prepare: () => ({ rows: (batch) => batch }) });

type ObjectBuilder = (row: unknown[]) => Record<string, unknown>;

/**
 * Builders by their key list, most recently used last: a statement repeated (a service's
 * queries) reuses its compiled builder instead of compiling one per result.
 */
const builders = new Map<string, ObjectBuilder>();
const BUILDER_CACHE_SIZE = 256;

function objectBuilder(names: readonly string[]): ObjectBuilder {
  const key = JSON.stringify(names);
  let build = builders.get(key);
  if (build !== undefined) builders.delete(key);
  else {
    build = compileObjectBuilder(names);
    if (builders.size >= BUILDER_CACHE_SIZE) builders.delete(builders.keys().next().value!);
  }
  builders.set(key, build);
  return build;
}

/**
 * Builds objects of one fixed shape per result. A generated literal gives V8 a single hidden
 * class for every row; where code generation is not allowed (strict CSP) a loop does the same.
 */
function compileObjectBuilder(names: readonly string[]): ObjectBuilder {
  if (!names.includes('__proto__')) {
    try {
      const body = `return {${names.map((n, i) => `${JSON.stringify(n)}: r[${i}]`).join(', ')}};`;
      return new Function('r', body) as (row: unknown[]) => Record<string, unknown>;
    } catch {
      // fall through to the generic builder
    }
  }
  return (row) => {
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) Object.defineProperty(obj, names[i], { value: row[i], enumerable: true, writable: true, configurable: true });
    return obj;
  };
}

registerResultFormat({
  name: 'objects',
  packetRows: true,
  rowObjects: true,
  prepare(columns) {
    const build = objectBuilder(objectKeys(columns));
    return {
      rows(batch) {
        const out = new Array<Record<string, unknown>>(batch.length);
        for (let r = 0; r < batch.length; r++) out[r] = build(batch[r]);
        return out;
      },
    };
  },
});

/**
 * Named rows: arrays (index access, destructuring, JSON as arrays) that also answer to column
 * names. Names that are not identifiers, or repeat an earlier one, become `_<position>`.
 */
registerResultFormat({
  name: 'namedtuples',
  packetRows: true,
  prepare(columns) {
    const proto = Object.create(Array.prototype) as object;
    const used = new Set<string>();
    const fields: string[] = [];
    columns.forEach((c, i) => {
      const name = IDENTIFIER.test(c.name) && !used.has(c.name) && !(c.name in Array.prototype) ? c.name : `_${i}`;
      used.add(name);
      fields.push(name);
      Object.defineProperty(proto, name, {
        get(this: unknown[]) {
          return this[i];
        },
        enumerable: false,
      });
    });
    Object.defineProperty(proto, 'fields', { value: Object.freeze(fields), enumerable: false });
    Object.defineProperty(proto, 'toObject', {
      value(this: unknown[]) {
        return Object.fromEntries(fields.map((f, i) => [f, this[i]]));
      },
      enumerable: false,
    });
    return {
      rows(batch) {
        for (const row of batch) Object.setPrototypeOf(row, proto);
        return batch;
      },
    };
  },
});

/** A row of the 'namedtuples' format. */
export type NamedRow = unknown[] & { readonly fields: readonly string[]; toObject(): Record<string, unknown>; readonly [name: string]: unknown };
