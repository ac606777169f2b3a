import { formatQuery, type FormatContext, type QueryParams } from './format.js';

/** Default byte bound of one rewritten statement (the Python SDK's 1,024,000). */
export const DEFAULT_BATCH_BYTES = 1_024_000;

const BULK_INSERT = /^\s*((?:INSERT|REPLACE)\b.+\bVALUES?)\s*(\(\s*(?:%s|%\([^()]+\)s|\?|:[A-Za-z_][A-Za-z0-9_]*)\s*(?:,\s*(?:%s|%\([^()]+\)s|\?|:[A-Za-z_][A-Za-z0-9_]*)\s*)*\))(\s*(?:ON\s+DUPLICATE\b.*?)?)\s*;?\s*$/is;

/**
 * Rewrites `INSERT|REPLACE ... VALUES (<placeholders>) [ON DUPLICATE ...]` for many rows into
 * as few multi-row statements as the byte bound allows. Returns null when the statement does
 * not have that shape (the caller then executes once per row).
 */
export function batchInsertStatements(sql: string, rows: readonly QueryParams[], ctx: FormatContext = {}, maxBytes = DEFAULT_BATCH_BYTES): string[] | null {
  const m = BULK_INSERT.exec(sql);
  if (!m) return null;
  const prefix = m[1].replace(/%%/g, '%');
  const template = m[2];
  const postfix = m[3];
  const statements: string[] = [];
  // Row texts are collected and joined once per statement: repeated += builds deep ropes that
  // cost more to flatten (and collect) than one join.
  let parts: string[] = [];
  let currentBytes = 0;
  const prefixBytes = byteLength(prefix) + 1;
  const postfixBytes = byteLength(postfix);
  const rowCtx = { ...ctx, interpolateWithEmptyArgs: true };
  for (const row of rows) {
    const values = formatQuery(template, row, rowCtx);
    const valueBytes = byteLength(values);
    if (parts.length && currentBytes + valueBytes + postfixBytes + 1 > maxBytes) {
      statements.push(`${prefix} ${parts.join(',')}${postfix}`);
      parts = [];
    }
    currentBytes = parts.length ? currentBytes + valueBytes + 1 : prefixBytes + valueBytes;
    parts.push(values);
  }
  if (parts.length) statements.push(`${prefix} ${parts.join(',')}${postfix}`);
  return statements;
}

type ByteLengthFn = (s: string, encoding: 'utf8') => number;
const nativeByteLength = (globalThis as { Buffer?: { byteLength: ByteLengthFn } }).Buffer?.byteLength;

/** UTF-8 length: Node's native count when there is one, the portable loop elsewhere. */
const byteLength = nativeByteLength ? (s: string) => nativeByteLength(s, 'utf8') : (s: string) => utf8Length(s);

/** UTF-8 byte length of a string without encoding it. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      // A surrogate pair: two UTF-16 units, four UTF-8 bytes.
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}
