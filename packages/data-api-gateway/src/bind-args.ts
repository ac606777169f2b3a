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
 * Binds `args` to the statement's `?` placeholders on the gateway's side of the wire, with the
 * quoting rules of the session that will run it (a fresh session per request, so its
 * NO_BACKSLASH_ESCAPES state is the one just read from the server). Placeholders inside string
 * literals, quoted identifiers and comments are not placeholders.
 */
export function bindArgs(sql: string, args: readonly JsonValue[] | null, noBackslashEscapes: boolean): string {
  const slots = scanPlaceholders(sql, 'positional').placeholders.filter((p) => sql[p.start] === '?');
  const given = args ?? [];
  if (slots.length !== given.length) {
    throw new GatewayHttpError(400, `the statement has ${slots.length} placeholder(s) but ${given.length} arg(s) were given`, 0, 'HY000');
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
    if (err instanceof ParameterError) throw new GatewayHttpError(400, err.errmsg ?? err.message, 0, 'HY000');
    throw err;
  }
  return out + sql.slice(last);
}
