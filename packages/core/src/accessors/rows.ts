import type { Queryable } from '../session/types.js';

/** Column labels the Python SDK normalises: 'Key_name' → 'KeyName', 'sql_mode' → 'SQLMode'. */
export function camelLabel(label: string): string {
  const words = label.replace(/ /g, '').split('_').filter(Boolean);
  return words.map((w) => (/^(xml|sql|json)$/i.test(w) ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1))).join('');
}

/** Runs a statement that returns rows and gives them as objects keyed by normalised labels. */
export async function labelledRows(conn: Queryable, sql: string, params?: readonly unknown[], firstAsName = false): Promise<Record<string, unknown>[]> {
  const cur = conn.cursor<unknown[]>({ resultsType: 'tuples', buffered: true });
  try {
    await cur.execute(sql, params);
    const rows = await cur.fetchall();
    const labels = (cur.description ?? []).map((d, i) => (firstAsName && i === 0 ? 'Name' : camelLabel(d.name)));
    return rows.map((r) => Object.fromEntries(labels.map((l, i) => [l, r[i]])));
  } finally {
    await cur.close();
  }
}
