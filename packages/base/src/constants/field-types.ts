/** Column type codes as reported in column definitions, plus SingleStore's extended codes (wire.md §6.2, §7.2). */
export const FieldType = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
  BSON: 1001,
  FLOAT32_VECTOR_JSON: 2001,
  FLOAT64_VECTOR_JSON: 2002,
  INT8_VECTOR_JSON: 2003,
  INT16_VECTOR_JSON: 2004,
  INT32_VECTOR_JSON: 2005,
  INT64_VECTOR_JSON: 2006,
  FLOAT16_VECTOR_JSON: 2007,
  FLOAT32_VECTOR: 3001,
  FLOAT64_VECTOR: 3002,
  INT8_VECTOR: 3003,
  INT16_VECTOR: 3004,
  INT32_VECTOR: 3005,
  INT64_VECTOR: 3006,
  FLOAT16_VECTOR: 3007,
} as const;
export type FieldTypeCode = (typeof FieldType)[keyof typeof FieldType];

/** Extended-type tag in the SingleStore column-definition extension (wire.md §5.5). */
export const ExtendedType = { NONE: 0, BSON: 1, VECTOR: 2 } as const;

/** Vector element types; `FieldType` code = (binary ? 3000 : 2000) + element type. */
export const VectorElementType = {
  FLOAT32: 1,
  FLOAT64: 2,
  INT8: 3,
  INT16: 4,
  INT32: 5,
  INT64: 6,
  FLOAT16: 7,
} as const;

/** Collation id of the binary character set: text-family columns with it carry bytes. */
export const BINARY_CHARSET = 63;
