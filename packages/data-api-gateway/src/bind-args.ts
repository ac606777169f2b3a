import { quoteString, scanPlaceholders, ParameterError } from '@s2/base';
import { GatewayHttpError } from './errors.js';
import { JsonNumber, stringifyKeepingNumbers, type JsonValue } from './json-text.js';

/**
 * SQL literal for one Data API argument. Numbers are written from their JSON text: integers
 * keep every digit; numbers with a fraction or exponent become DOUBLE literals (JSON numbers
 * are doubles), as the MySQL clients write floats. Arrays and objects bind as their JSON text.
 */
function literal(v: JsonValue, noBackslashEscapes: boolean): string {
  if (v === null) return 'NULL';
  if (v === true) return 'TRUE';
  if (v === false) return 'FALSE';
  if (typeof v === 'string') return quoteString(v, { noBackslashEscapes });
  if (v instanceof JsonNumber) {
    const text = v.isInteger || /[eE]/.test(v.text) ? v.text : `${v.text}e0`;
    // A negative number right after a '-' in the statement must not read as a comment start.
    return text.startsWith('-') ? `(${text})` : text;
  }
  return quoteString(stringifyKeepingNumbers(v), { noBackslashEscapes });
}

/**
 * The statement as the placeholder scanner must read it to agree with the server on where
 * literals and comments end (positions unchanged). Where the two disagreed, an arg could be bound
 * inside the caller's own string or comment and, quoted, close it: SQL nobody wrote.
 * - Under NO_BACKSLASH_ESCAPES a backslash escapes nothing (the scanner takes it for an escape).
 * - `--` starts a comment before any ASCII space or control character (the server's rule), not
 *   before other Unicode spaces (which the scanner's `\s` would count).
 */
function asTheServerReadsIt(sql: string, noBackslashEscapes: boolean): string {
  if (!(noBackslashEscapes && sql.includes('\\')) && !sql.includes('--')) return sql;
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    let c = sql[i];
    if (c === '\\' && noBackslashEscapes) c = '_';
    else if (i >= 2 && sql[i - 1] === '-' && sql[i - 2] === '-') {
      if (/[\x00-\x20\x7f]/.test(c)) c = ' ';
      else if (/\s/.test(c)) c = '_';
    }
    out += c;
  }
  return out;
}

/**
 * Binds `args` to the statement's `?` placeholders on the gateway's side of the wire, with the
 * quoting rules of the session that will run it (a fresh session per request, so its
 * NO_BACKSLASH_ESCAPES state is the one just read from the server). Placeholders inside string
 * literals, quoted identifiers and comments are not placeholders.
 */
export function bindArgs(sql: string, args: readonly JsonValue[] | null, noBackslashEscapes: boolean): string {
  const slots = scanPlaceholders(asTheServerReadsIt(sql, noBackslashEscapes), 'positional').placeholders.filter((p) => sql[p.start] === '?');
  const given = args ?? [];
  if (slots.length !== given.length) {
    throw new GatewayHttpError(400, `the statement has ${slots.length} placeholder(s) but ${given.length} arg(s) were given`);
  }
  if (slots.length === 0) return sql;
  let out = '';
  let last = 0;
  try {
    slots.forEach((p, i) => {
      out += sql.slice(last, p.start) + literal(given[i], noBackslashEscapes);
      last = p.end;
    });
  } catch (err) {
    if (err instanceof ParameterError) throw new GatewayHttpError(400, err.errmsg ?? err.message);
    throw err;
  }
  return out + sql.slice(last);
}
