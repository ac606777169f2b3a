import type { DecodeOptions, StatementStatus } from '@s2/base';
import { columnFromDataApi, jsonTextConverter, readsJsonText, valueConverter, type DataApiColumn } from './columns.js';
import { jsonCellTexts } from './json-cells.js';
import { BufferedResultSet } from './results.js';

/** A `query/tuples` answer (data-api.md §6.4). */
export interface QueryBody {
  results?: { columns?: DataApiColumn[]; rows?: unknown[][] }[];
  error?: { code?: number; message?: string };
}

/**
 * The result sets of a `query/tuples` answer, decoded to the values the wire connector gives.
 * `text` is the body's source, where JSON cells read as text are found; a result without
 * columns is one without rows. `endsWithStatus` adds the empty result a CALL ends with; an
 * answer without results gets it too, so there is always a current result.
 */
export function resultSetsOf(
  body: QueryBody,
  text: string,
  options: DecodeOptions,
  status: (affectedRows: number) => StatementStatus,
  endsWithStatus: boolean,
): BufferedResultSet[] {
  const sets = (body.results ?? []).map((r) => ({ columns: r.columns?.length ? r.columns.map(columnFromDataApi) : null, rows: r.rows ?? [] }));
  const jsonColumns = sets.map((set) => (set.columns ?? []).flatMap((c, j) => (readsJsonText(c, options) ? [j] : [])));
  const jsonTexts = jsonColumns.some((columns) => columns.length) ? jsonCellTexts(text, jsonColumns) : null;
  const decoded = sets.map(({ columns, rows }, k) => {
    if (!columns) return { columns, rows: [], status: status(0) };
    const converters = columns.map((c, j) => {
      const texts = jsonTexts?.[k][j];
      if (!texts) return valueConverter(c, options);
      const fromText = jsonTextConverter(c, options);
      return (_v: unknown, row: number) => fromText(texts[row]);
    });
    // Convert in place: the parsed arrays are ours, and a copy per row would only feed the GC.
    const n = converters.length;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      for (let j = 0; j < n; j++) {
        const v = row[j];
        if (v !== null) row[j] = converters[j](v, r);
      }
    }
    return { columns, rows, status: status(rows.length) };
  });
  if (decoded.length === 0 || endsWithStatus) decoded.push({ columns: null, rows: [], status: status(0) });
  return decoded.map((r, i) => new BufferedResultSet(r.columns, r.rows, r.status, i + 1 < decoded.length, r.columns ? options : undefined));
}
