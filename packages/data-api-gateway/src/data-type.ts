import { BINARY_CHARSET, ColumnFlag, FieldType, type ColumnDefinition } from '@s2/base';

/** 31 in `decimals` means "not fixed": the server does not know the fractional digits. */
const NOT_FIXED_DEC = 31;

const INTEGER_NAMES: Partial<Record<number, string>> = {
  [FieldType.TINY]: 'TINYINT',
  [FieldType.SHORT]: 'SMALLINT',
  [FieldType.LONG]: 'INT',
  [FieldType.INT24]: 'MEDIUMINT',
  [FieldType.LONGLONG]: 'BIGINT',
};

/** `(n)` for temporal types with fractional seconds, '' otherwise. */
function fraction(c: ColumnDefinition): string {
  return c.decimals > 0 && c.decimals < NOT_FIXED_DEC ? `(${c.decimals})` : '';
}

/**
 * The `dataType` the Data API reports for a column. Names are the ones the SingleStoreDB Python
 * SDK (singlestoredb 1.18.1) knows, so its HTTP client can read every column: unsigned integers
 * are `UNSIGNED BIGINT` and friends, fractional seconds and DECIMAL precision/scale ride in the
 * parenthesised suffix, and spatial values are `GEOMETRY` (their values are WKT).
 */
export function dataTypeName(c: ColumnDefinition): string {
  const bin = c.charset === BINARY_CHARSET;
  const unsigned = (c.flags & ColumnFlag.UNSIGNED) !== 0;
  const integer = INTEGER_NAMES[c.typeCode];
  if (integer) return unsigned ? `UNSIGNED ${integer}` : integer;
  switch (c.typeCode) {
    case FieldType.DECIMAL:
    case FieldType.NEWDECIMAL: {
      // The display length counts a sign (unless unsigned) and a decimal point (when scale > 0).
      const precision = c.length - (c.decimals > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      return `DECIMAL(${Math.max(precision, 1)},${c.decimals})`;
    }
    case FieldType.FLOAT:
      return 'FLOAT';
    case FieldType.DOUBLE:
      return 'DOUBLE';
    case FieldType.NULL:
      return 'NULL';
    case FieldType.TIMESTAMP:
      return `TIMESTAMP${fraction(c)}`;
    case FieldType.DATE:
    case FieldType.NEWDATE:
      return 'DATE';
    case FieldType.TIME:
      return `TIME${fraction(c)}`;
    case FieldType.DATETIME:
      return `DATETIME${fraction(c)}`;
    case FieldType.YEAR:
      return 'YEAR';
    case FieldType.BIT:
      return 'BIT';
    case FieldType.JSON:
      return 'JSON';
    case FieldType.TINY_BLOB:
      return bin ? 'TINYBLOB' : 'TINYTEXT';
    case FieldType.MEDIUM_BLOB:
      return bin ? 'MEDIUMBLOB' : 'MEDIUMTEXT';
    case FieldType.LONG_BLOB:
      return bin ? 'LONGBLOB' : 'LONGTEXT';
    case FieldType.BLOB:
      return bin ? 'BLOB' : 'TEXT';
    // Like SingleStore's Data API, ENUM and SET columns are reported as character types.
    case FieldType.STRING:
      return bin ? 'BINARY' : 'CHAR';
    case FieldType.GEOMETRY:
      return 'GEOMETRY';
    default:
      return bin ? 'VARBINARY' : 'VARCHAR';
  }
}
