/**
 * Which Data API endpoint a statement needs. The SingleStoreDB Python SDK (singlestoredb 1.18.1)
 * looks at the first keyword only, so statements starting with a comment or a parenthesis were
 * sent to `exec` and their rows lost; here leading comments, whitespace and opening parentheses
 * are skipped first.
 */
const ROW_KEYWORDS = new Set(['SELECT', 'SHOW', 'CALL', 'ECHO', 'DESCRIBE', 'DESC', 'WITH', 'EXPLAIN', 'VALUES', 'TABLE']);

export function leadingKeyword(sql: string): string {
  let i = 0;
  const n = sql.length;
  for (;;) {
    while (i < n && (/\s/.test(sql[i]) || sql[i] === '(')) i++;
    if (sql.startsWith('--', i) || sql[i] === '#') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    break;
  }
  const m = /^[A-Za-z]+/.exec(sql.slice(i, i + 16));
  return m ? m[0].toUpperCase() : '';
}

export function returnsRows(sql: string): boolean {
  return ROW_KEYWORDS.has(leadingKeyword(sql));
}
