/**
 * Which Data API endpoint a statement needs. The SingleStoreDB Python SDK (singlestoredb 1.18.1)
 * looks at the first keyword only, so statements starting with a comment or a parenthesis were
 * sent to `exec` and their rows lost; here leading comments, whitespace and opening parentheses
 * are skipped first, executable comments (`/*! … *\/`) are read as the SQL they hold, and
 * statements that answer with rows although their keyword is not a query's (`INSERT …
 * RETURNING`, `CHECK TABLE`, `HELP`…) go to the rows endpoint too.
 */
const ROW_KEYWORDS = new Set([
  'SELECT',
  'SHOW',
  'CALL',
  'ECHO',
  'DESCRIBE',
  'DESC',
  'WITH',
  'EXPLAIN',
  'VALUES',
  'TABLE',
  'ANALYZE',
  'CHECK',
  'CHECKSUM',
  'OPTIMIZE',
  'REPAIR',
  'HELP',
  'PROFILE',
]);

/** Statements whose rows come only from a top-level `RETURNING` clause. */
const RETURNING_KEYWORDS = new Set(['INSERT', 'REPLACE', 'DELETE', 'UPDATE']);

const isWordChar = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_$]/.test(ch);

/** `--` starts a comment only when followed by whitespace or the end, as the server reads it. */
const isDashComment = (sql: string, i: number) => sql.startsWith('--', i) && (i + 2 >= sql.length || /\s/.test(sql[i + 2]));

/** Length of an executable comment's opener at `i` (`/*!`, `/*!50100`, `/*M!100100`), else 0. */
function executableOpener(sql: string, i: number): number {
  const m = /^\/\*M?!\d*/.exec(sql.slice(i, i + 12));
  return m ? m[0].length : 0;
}

/** Index just past the string or quoted identifier that starts at `i`. */
function skipQuoted(sql: string, i: number): number {
  const quote = sql[i];
  let j = i + 1;
  while (j < sql.length) {
    const ch = sql[j];
    if (ch === '\\' && quote !== '`') j += 2;
    else if (ch === quote) {
      if (sql[j + 1] !== quote) return j + 1;
      j += 2;
    } else j++;
  }
  return sql.length;
}

/** Index of the first token at or after `i`: whitespace, opening parentheses and comments skipped. */
function nextToken(sql: string, i: number): number {
  const n = sql.length;
  for (;;) {
    while (i < n && (/\s/.test(sql[i]) || sql[i] === '(')) i++;
    if (sql.startsWith('--', i) || sql[i] === '#') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    const opener = executableOpener(sql, i);
    if (opener) {
      // The server runs what an executable comment holds: its first word is the statement's.
      i += opener;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    return i;
  }
}

function wordAt(sql: string, i: number): string {
  const m = /^[A-Za-z]+/.exec(sql.slice(i, i + 16));
  return m ? m[0].toUpperCase() : '';
}

export function leadingKeyword(sql: string): string {
  return wordAt(sql, nextToken(sql, 0));
}

/** Whether `word` appears outside parentheses, strings, quoted names and comments. */
function hasTopLevelWord(sql: string, word: string): boolean {
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"' || ch === '`') i = skipQuoted(sql, i);
    else if (ch === '#' || isDashComment(sql, i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (executableOpener(sql, i)) i += executableOpener(sql, i);
    else if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (ch === '(') {
      depth++;
      i++;
    } else if (ch === ')') {
      depth--;
      i++;
    } else if (isWordChar(ch)) {
      let end = i + 1;
      while (isWordChar(sql[end])) end++;
      if (depth === 0 && sql[i - 1] !== '.' && end - i === word.length && sql.slice(i, end).toUpperCase() === word) return true;
      i = end;
    } else i++;
  }
  return false;
}

/**
 * The text of the string literal at `i` when it is all that is left of the statement (both quote
 * styles, doubled quotes and backslash escapes), else null.
 */
function soleLiteralAt(sql: string, i: number): string | null {
  const quote = sql[i];
  if (quote !== "'" && quote !== '"') return null;
  const end = skipQuoted(sql, i);
  if (!/^[\s);]*$/.test(sql.slice(end))) return null;
  return sql
    .slice(i + 1, end - 1)
    .replace(new RegExp(`${quote}${quote}`, 'g'), quote)
    .replace(/\\(.)/gs, (_m, c: string) => c);
}

export function returnsRows(sql: string): boolean {
  const start = nextToken(sql, 0);
  const keyword = wordAt(sql, start);
  if (ROW_KEYWORDS.has(keyword)) return true;
  if (RETURNING_KEYWORDS.has(keyword)) return hasTopLevelWord(sql, 'RETURNING');
  if (keyword === 'EXECUTE') {
    // EXECUTE IMMEDIATE 'text' answers as its text does; a prepared name or an expression
    // cannot be read here, so it goes where rows are not lost.
    const next = nextToken(sql, start + keyword.length);
    if (wordAt(sql, next) !== 'IMMEDIATE') return true;
    const inner = soleLiteralAt(sql, nextToken(sql, next + 'IMMEDIATE'.length));
    return inner === null || returnsRows(inner);
  }
  return false;
}
