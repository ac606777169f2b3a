import { BINARY_CHARSET, ColumnFlag, FieldType } from '../constants/index.js';
import type { ColumnDefinition } from '../contracts/columns.js';
import type { DecodeOptions } from '../contracts/decoding.js';
import type { ColumnPlan, FrameKind, FrameTarget } from './types.js';

const plan = (kind: FrameKind, scale = 0, precision = 0): ColumnPlan => ({ kind, scale, precision });

/**
 * The options a 'values' column is decoded with. A `text` plan is read as the server's text:
 * for JSON that means no parse (whose re-serialisation would change numbers and spacing).
 */
export function valueDecodeOptions(plan: ColumnPlan, options: DecodeOptions): DecodeOptions {
  return plan.text && options.parseJson ? { ...options, parseJson: false } : options;
}

/** DECIMAL(M, D) announces M + (D > 0) + (signed) as its display length. */
export function decimalPrecision(c: ColumnDefinition): number {
  const unsigned = (c.flags & ColumnFlag.UNSIGNED) !== 0;
  return c.length - (c.decimals > 0 ? 1 : 0) - (unsigned ? 0 : 1);
}

function isText(code: number): boolean {
  return (
    code === FieldType.VARCHAR ||
    code === FieldType.VAR_STRING ||
    code === FieldType.STRING ||
    code === FieldType.ENUM ||
    code === FieldType.SET ||
    (code >= FieldType.TINY_BLOB && code <= FieldType.BLOB)
  );
}

/**
 * The layout of each column in a frame. Integers and floats always land in typed arrays of
 * their exact width — frames are lossless whatever the int64/decimal options of row formats
 * say. For Arrow, temporal, decimal and text columns get Arrow's own layouts; everything else
 * (and everything a `conv` override claims) goes through the row decoders.
 */
export function planColumns(columns: readonly ColumnDefinition[], options: DecodeOptions, target: FrameTarget): ColumnPlan[] {
  return columns.map((c) => {
    if (options.conv?.[c.typeCode]) return plan('values');
    const unsigned = (c.flags & ColumnFlag.UNSIGNED) !== 0;
    switch (c.typeCode) {
      case FieldType.TINY:
        return plan(unsigned ? 'uint8' : 'int8');
      case FieldType.SHORT:
        return plan(unsigned ? 'uint16' : 'int16');
      case FieldType.YEAR:
        return plan('int16');
      case FieldType.LONG:
      case FieldType.INT24:
        return plan(unsigned ? 'uint32' : 'int32');
      case FieldType.LONGLONG:
        return plan(unsigned ? 'uint64' : 'int64');
      case FieldType.FLOAT:
        return plan('float32');
      case FieldType.DOUBLE:
        return plan('float64');
    }
    if (target === 'columns') return plan('values');
    // The utf8 layout is validated UTF-8; substituting U+FFFD needs the TypeScript text decoder.
    const strings = options.encodingErrors === 'strict' ? plan('utf8') : { ...plan('values'), text: true };
    switch (c.typeCode) {
      case FieldType.DECIMAL:
      case FieldType.NEWDECIMAL: {
        const precision = decimalPrecision(c);
        // decimal128 holds 38 digits; wider columns stay exact as text.
        return precision >= 1 && precision <= 38 ? plan('decimal128', c.decimals, precision) : plan('utf8');
      }
      case FieldType.DATETIME:
      case FieldType.TIMESTAMP:
        return options.dateStrings ? plan('utf8') : plan('timestamp_us');
      case FieldType.DATE:
      case FieldType.NEWDATE:
        return options.dateStrings ? plan('utf8') : plan('date32');
      case FieldType.TIME:
        return options.dateStrings ? plan('utf8') : plan('duration_us');
      // The server's JSON text, byte for byte: no parse and re-serialise on the way to Arrow.
      case FieldType.JSON:
        return strings;
      case FieldType.BIT:
      case FieldType.BSON:
      case FieldType.GEOMETRY:
        return plan('binary');
    }
    if (isText(c.typeCode)) return c.charset === BINARY_CHARSET ? plan('binary') : strings;
    return plan('values');
  });
}
