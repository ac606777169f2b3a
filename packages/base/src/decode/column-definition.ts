import type { ColumnDefinition } from '../contracts/columns.js';

/**
 * A column definition for results that do not come from the wire (the Data API, Fusion's
 * client-side answers, hand-built test packets): the fields such a source does not carry take
 * the neutral values a MySQL server sends for an expression (no table, no flags, no vector).
 */
export function columnDefinition(name: string, typeCode: number, fields: Partial<ColumnDefinition> = {}): ColumnDefinition {
  return {
    catalog: 'def',
    schema: '',
    table: '',
    orgTable: '',
    name,
    orgName: name,
    charset: 0,
    length: 0,
    typeCode,
    rawTypeCode: typeCode,
    flags: 0,
    decimals: 0,
    extendedType: 0,
    vectorElementType: 0,
    vectorDimension: 0,
    ...fields,
  };
}
