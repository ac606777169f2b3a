/**
 * Finds parameter placeholders in SQL text, skipping string literals, quoted identifiers and
 * comments, so `'a?b'`, `"x:y"`, `-- ?` and `a::b` are never taken for parameters. `%%` pairs
 * are found everywhere, those places included: the Python SDK's `%` formatting un-doubles them
 * wherever they are (`LIKE 'a%%'` is sent as `LIKE 'a%'`).
 *
 * Styles: `%s` and `%(name)s` (the Python SDK's pyformat), `?` (positional) and `:name` (named).
 */
export interface Placeholder {
  start: number;
  end: number;
  /** null for positional placeholders. */
  name: string | null;
}

export interface ScanResult {
  placeholders: Placeholder[];
  /** Positions of `%%` pairs, in order, inside literals and comments too (un-doubled to `%` when interpolating). */
  percentPairs: number[];
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;
const PERCENT = 0x25;

export function scanPlaceholders(sql: string, style: 'positional' | 'named'): ScanResult {
  const placeholders: Placeholder[] = [];
  const percentPairs: number[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i];
    let skipTo = -1;
    if (c === "'" || c === '"' || c === '`') skipTo = skipQuoted(sql, i, c);
    else if ((c === '-' && sql[i + 1] === '-' && (i + 2 >= n || /\s/.test(sql[i + 2]))) || c === '#') {
      const nl = sql.indexOf('\n', i);
      skipTo = nl < 0 ? n : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      skipTo = close < 0 ? n : close + 2;
    }
    if (skipTo >= 0) {
      addPercentPairs(sql, i + 1, skipTo, percentPairs);
      i = skipTo;
      continue;
    }
    if (c === '%') {
      const next = sql[i + 1];
      if (next === '%') {
        percentPairs.push(i);
        i += 2;
        continue;
      }
      if (next === 's' && style === 'positional') {
        placeholders.push({ start: i, end: i + 2, name: null });
        i += 2;
        continue;
      }
      if (next === '(' && style === 'named') {
        const close = sql.indexOf(')s', i + 2);
        if (close > 0 && /^[^()]+$/.test(sql.slice(i + 2, close))) {
          placeholders.push({ start: i, end: close + 2, name: sql.slice(i + 2, close) });
          i = close + 2;
          continue;
        }
      }
    }
    if (c === '?' && style === 'positional') {
      placeholders.push({ start: i, end: i + 1, name: null });
      i++;
      continue;
    }
    if (c === ':' && style === 'named' && sql[i - 1] !== ':' && IDENT_START.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < n && IDENT.test(sql[j])) j++;
      placeholders.push({ start: i, end: j, name: sql.slice(i + 1, j) });
      i = j;
      continue;
    }
    i++;
  }
  return { placeholders, percentPairs };
}

/**
 * Collects the `%%` pairs of `sql[from, to)` left to right, as `%` formatting reads them: a
 * backslash does not escape a `%`, so `"\%%"` holds one pair (and is sent as `"\%"`).
 */
function addPercentPairs(sql: string, from: number, to: number, out: number[]): void {
  for (let j = from; j + 1 < to; j++) {
    if (sql.charCodeAt(j) === PERCENT && sql.charCodeAt(j + 1) === PERCENT) out.push(j++);
  }
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\' && quote !== '`') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}
