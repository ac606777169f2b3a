/**
 * A JSON document pasted into DDL or a query hint (`INDEX_OPTIONS '…'`, `SEARCH_OPTIONS '…'`),
 * where no placeholder is allowed. The reference pastes it raw, so a quote in an option value
 * breaks the statement; here quotes and backslashes are escaped (text without them is unchanged).
 */
export function optionsLiteral(json: string): string {
  return `'${json.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
