import type { ColumnDefinition } from './columns.js';

/**
 * How text-protocol values become JavaScript values. Defaults are lossless; every lossy
 * convenience is opt-in. The table of types lives in packages/base/README.md.
 */
export interface DecodeOptions {
  /**
   * BIGINT (and UNSIGNED BIGINT): 'auto' gives a number when it is a safe integer and a bigint
   * otherwise; 'bigint' always; 'string' the decimal text; 'number' always (lossy beyond 2^53).
   */
  int64: 'auto' | 'bigint' | 'string' | 'number';
  /** DECIMAL: 'string' keeps every digit; 'number' converts (lossy). */
  decimal: 'string' | 'number';
  /** Time zone in which DATE/DATETIME/TIMESTAMP text is read: 'local', 'Z', or '+HH:MM'. */
  timezone: string;
  /** true: DATE, DATETIME, TIMESTAMP and TIME come back as the server's text. */
  dateStrings: boolean;
  /** Parse JSON columns (false: JSON text). */
  parseJson: boolean;
  /** Invalid text in a text column: 'strict' throws DecodeError, 'replace' substitutes U+FFFD. */
  encodingErrors: 'strict' | 'replace';
  /**
   * Per type-code overrides. The function receives the column's text (or bytes, for binary
   * columns) and its definition; NULL never reaches it.
   */
  conv?: Readonly<Record<number, (value: string | Uint8Array, column: ColumnDefinition) => unknown>>;
}

/** Decodes the payload of one text-protocol row packet into one value per column. */
export interface RowDecoder {
  decodeRow(payload: Uint8Array): unknown[];
}

export type RowDecoderFactory = (columns: readonly ColumnDefinition[], options: DecodeOptions) => RowDecoder;
