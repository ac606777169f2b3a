/** Output formats of `s2 sql`. */
export type OutputFormat = 'table' | 'vertical' | 'csv' | 'tsv' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'vertical', 'csv', 'tsv', 'json'];

export interface ResultTable {
  columns: string[];
  /** Which columns hold numbers (right-aligned in tables). */
  numeric: boolean[];
  rows: unknown[][];
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return 'Invalid Date';
  const ms = d.getUTCMilliseconds();
  const base = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return ms ? `${base}.${String(ms).padStart(3, '0')}` : base;
}

/**
 * JSON.stringify calls toJSON (Buffer's gives `{"type":"Buffer",…}`, Date's an ISO string)
 * before the replacer sees the value, so the replacer reads the original from its holder.
 */
function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (typeof raw === 'bigint') return raw.toString();
  if (raw instanceof Uint8Array || raw instanceof Date || isSqlText(raw)) return cellText(raw);
  return value;
}

/** SqlDateTime, SqlTime and the like: values that know their exact SQL text. */
function isSqlText(value: unknown): value is { toSqlString(): string } {
  return typeof value === 'object' && value !== null && typeof (value as { toSqlString?: unknown }).toSqlString === 'function';
}

/** One cell as text; null is `NULL` except where a format has its own empty value. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  // Before Date: SqlDateTime is a Date whose own text keeps the microseconds the Date drops.
  if (isSqlText(value)) return String(value.toSqlString());
  if (value instanceof Date) return dateText(value);
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  if (ArrayBuffer.isView(value)) return JSON.stringify(Array.from(value as unknown as ArrayLike<number>));
  // Other objects with their own toString print themselves; plain objects and arrays are JSON.
  const own = (value as { toString?: () => string }).toString;
  if (own && own !== Object.prototype.toString && !Array.isArray(value)) return own.call(value);
  return JSON.stringify(value, jsonReplacer);
}

/** Display width, counting East Asian wide characters twice so columns line up in a terminal. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    w +=
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0x1f300 && cp <= 0x1faff)
        ? 2
        : 1;
  }
  return w;
}

/** Text for one table cell or header: a line break or tab inside it would break the grid. */
function flat(text: string): string {
  return text.replace(/\r?\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

export function renderTable(t: ResultTable): string {
  const header = t.columns.map(flat);
  const cells = t.rows.map((r) => r.map((v) => flat(cellText(v))));
  const widths = header.map((c, i) => Math.max(width(c), ...cells.map((r) => width(r[i]!))));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const row = (values: string[], alignRight: (i: number) => boolean) =>
    `| ${values.map((v, i) => (alignRight(i) ? ' '.repeat(widths[i]! - width(v)) + v : v + ' '.repeat(widths[i]! - width(v)))).join(' | ')} |`;
  const out = [line, row(header, () => false), line];
  for (const r of cells) out.push(row(r, (i) => t.numeric[i]!));
  out.push(line);
  return `${out.join('\n')}\n`;
}

export function renderVertical(t: ResultTable): string {
  const nameWidth = Math.max(0, ...t.columns.map(width));
  let out = '';
  t.rows.forEach((r, n) => {
    out += `${'*'.repeat(27)} ${n + 1}. row ${'*'.repeat(27)}\n`;
    t.columns.forEach((c, i) => (out += `${' '.repeat(nameWidth - width(c))}${c}: ${cellText(r[i])}\n`));
  });
  return out;
}

/**
 * NULL is an empty unquoted field and an empty string is `""`, as in PostgreSQL's CSV COPY:
 * readers that tell quoted from unquoted fields get both back, and no text value is taken over
 * as a NULL marker.
 */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = cellText(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  return cellText(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** Renders one result set; CSV/TSV start with a header line, JSON is one object per row and line. */
export function render(format: OutputFormat, t: ResultTable): string {
  switch (format) {
    case 'table':
      return renderTable(t);
    case 'vertical':
      return renderVertical(t);
    case 'csv':
      return [t.columns.map(csvField), ...t.rows.map((r) => r.map(csvField))].map((l) => `${l.join(',')}\r\n`).join('');
    case 'tsv':
      return [t.columns.map(tsvField), ...t.rows.map((r) => r.map(tsvField))].map((l) => `${l.join('\t')}\n`).join('');
    case 'json':
      return t.rows.map((r) => `${JSON.stringify(Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null])), jsonReplacer)}\n`).join('');
  }
}
