import { FieldType, type ColumnDescription } from '@s2/base';
import type { Connection } from '@s2/core';
import type { ResultTable } from './render.js';

const NUMERIC = new Set<number>([
  FieldType.DECIMAL,
  FieldType.NEWDECIMAL,
  FieldType.TINY,
  FieldType.SHORT,
  FieldType.LONG,
  FieldType.INT24,
  FieldType.LONGLONG,
  FieldType.FLOAT,
  FieldType.DOUBLE,
  FieldType.YEAR,
]);

/** What one statement produced: result sets (a statement may return several) and a row count. */
export interface StatementOutcome {
  results: ResultTable[];
  /** Rows affected by the last part that had no result set (-1 when unknown). */
  affected: number;
  warnings: number;
  elapsedMs: number;
}

/** Runs one statement, reading every result set it returns; `signal` cancels it (KILL QUERY on the server). */
export async function runStatement(conn: Connection, sql: string, signal?: AbortSignal): Promise<StatementOutcome> {
  const started = performance.now();
  const cursor = conn.cursor();
  try {
    await cursor.execute(sql, undefined, { signal });
    const results: ResultTable[] = [];
    let affected = -1;
    do {
      if (cursor.description) {
        const rows = (await cursor.fetchall()) as unknown[][];
        results.push({
          columns: cursor.description.map((d: ColumnDescription) => d.name),
          numeric: cursor.description.map((d: ColumnDescription) => NUMERIC.has(d.typeCode)),
          rows,
        });
      } else {
        affected = cursor.rowcount;
      }
    } while (await cursor.nextset());
    return { results, affected, warnings: cursor.warningCount, elapsedMs: performance.now() - started };
  } finally {
    await cursor.close().catch(() => {});
  }
}
