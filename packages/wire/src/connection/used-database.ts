/**
 * A statement text that is one `USE db` and nothing else: leading whitespace and comments
 * (never an executable `/*! … *\/` one, which the server would run), the name bare or
 * backquoted, an optional `;` and trailing whitespace.
 */
const LONE_USE = /^(?:\s+|\/\*(?!!)[\s\S]*?\*\/|(?:--\s|#)[^\n]*(?:\n|$))*USE\s+(?:`((?:[^`]|``)+)`|([\w$]+))\s*;?\s*$/i;

/**
 * The database a lone `USE db` statement selects (backquotes removed), else null. A USE among
 * other statements of a multi-statement text is not recognised: the session then learns of it
 * only from selectDb() or a later lone USE.
 */
export function usedDatabase(sql: string): string | null {
  // Most statements start with a letter other than U: no regex for them.
  const c = sql.charCodeAt(0);
  if (c > 0x20 && c !== 0x55 /* U */ && c !== 0x75 /* u */ && c !== 0x2f /* / */ && c !== 0x2d /* - */ && c !== 0x23 /* # */) return null;
  const m = LONE_USE.exec(sql);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/``/g, '`') : m[2];
}
