import { BINARY_CHARSET, FieldType, type ColumnDefinition } from '@s2/base';

/** The `dataType` name the Data API reports for a column. */
export function dataTypeName(c: ColumnDefinition): string {
  const bin = c.charset === BINARY_CHARSET;
  switch (c.typeCode) {
    case FieldType.DECIMAL:
    case FieldType.NEWDECIMAL: {
      const precision = c.length - 1 - (c.decimals > 0 ? 1 : 0);
      return `DECIMAL(${precision},${c.decimals})`;
    }
    case FieldType.TINY: return 'TINYINT';
    case FieldType.SHORT: return 'SMALLINT';
    case FieldType.LONG: return 'INT';
    case FieldType.INT24: return 'MEDIUMINT';
    case FieldType.LONGLONG: return 'BIGINT';
    case FieldType.FLOAT: return 'FLOAT';
    case FieldType.DOUBLE: return 'DOUBLE';
    case FieldType.NULL: return 'NULL';
    case FieldType.TIMESTAMP: return 'TIMESTAMP';
    case FieldType.DATE: return 'DATE';
    case FieldType.TIME: return 'TIME';
    case FieldType.DATETIME: return 'DATETIME';
    case FieldType.YEAR: return 'YEAR';
    case FieldType.BIT: return 'BIT';
    case FieldType.JSON: return 'JSON';
    case FieldType.TINY_BLOB: return bin ? 'TINYBLOB' : 'TINYTEXT';
    case FieldType.MEDIUM_BLOB: return bin ? 'MEDIUMBLOB' : 'MEDIUMTEXT';
    case FieldType.LONG_BLOB: return bin ? 'LONGBLOB' : 'LONGTEXT';
    case FieldType.BLOB: return bin ? 'BLOB' : 'TEXT';
    // Like SingleStore's Data API, ENUM and SET columns are reported as character types.
    case FieldType.STRING: return bin ? 'BINARY' : 'CHAR';
    case FieldType.GEOMETRY: return 'GEOGRAPHY';
    default: return bin ? 'VARBINARY' : 'VARCHAR';
  }
}

/** JSON text of a value in the Data API's encoding: bigints as bare numbers, bytes as base64. */
export function toDataApiJson(value: unknown): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, function replace(this: unknown, _k, v: unknown) {
    if (typeof v === 'bigint') {
      marks.push(v.toString());
      return `\u0000${marks.length - 1}\u0000`;
    }
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return Buffer.from((v as { data: number[] }).data).toString('base64');
    }
    return v;
  });
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]);
}
