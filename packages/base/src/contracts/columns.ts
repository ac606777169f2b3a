/**
 * Column metadata as both connectors (wire and HTTP) report it. The wire protocol fills every
 * field; the Data API fills what its JSON carries and leaves the rest at neutral values.
 */
export interface ColumnDefinition {
  catalog: string;
  /** Database (schema) of the underlying table, or '' for expressions. */
  schema: string;
  /** Table alias as written in the query. */
  table: string;
  orgTable: string;
  /** Column alias: the name users see. */
  name: string;
  orgName: string;
  /** Collation id; 63 marks binary data. */
  charset: number;
  /** Column length in bytes (for vectors: the dimension). */
  length: number;
  /** Type code after the SingleStore extended-type rewrite (BSON 1001, vectors 2001–3007). */
  typeCode: number;
  /** Type byte exactly as sent, before the extended-type rewrite. */
  rawTypeCode: number;
  flags: number;
  /** Scale (decimals byte). */
  decimals: number;
  /** 0 none, 1 BSON, 2 VECTOR (SingleStore extension; 0 on MySQL/MariaDB). */
  extendedType: number;
  /** Vector element type 1–7 (see `VectorElementType`), 0 when not a vector. */
  vectorElementType: number;
  /** Vector dimension, 0 when not a vector. */
  vectorDimension: number;
}

/** The seven DB-API fields of `cursor.description`, plus flags and charset (wire.md §8.8). */
export interface ColumnDescription {
  name: string;
  typeCode: number;
  displaySize: number | null;
  internalSize: number | null;
  precision: number | null;
  scale: number | null;
  nullOk: boolean;
  flags: number;
  charset: number;
}
