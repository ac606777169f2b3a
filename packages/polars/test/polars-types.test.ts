import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { columnDefinition, createTextRowDecoder, FieldType, resolveDecodeOptions } from '@s2/base';
import { rowsToPolars } from '@s2/polars';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

it('DATE from decoded rows (the HTTP transport) is the server’s day east of UTC', () => {
  process.env.TZ = 'Asia/Tokyo';
  const d = columnDefinition('d', FieldType.DATE, { charset: 63, length: 10 });
  const decoder = createTextRowDecoder([d], resolveDecodeOptions());
  const rows = ['2024-03-15', '2000-01-01'].map((t) => decoder.decodeRow(Uint8Array.from([t.length, ...Buffer.from(t)])));
  const df = rowsToPolars([d], rows);
  expect(df.getColumn('d').dtype.variant).toBe('Date');
  expect(df.toRecords().map((r) => (r.d as unknown as Date).toISOString())).toEqual(['2024-03-15T00:00:00.000Z', '2000-01-01T00:00:00.000Z']);
});

it('VECTOR(n, T) is a FixedSizeList(T, n), as the README says', () => {
  const v = columnDefinition('v', 3001, { charset: 63, vectorDimension: 2, vectorElementType: 1 });
  const df = rowsToPolars([v], [[Float32Array.of(1.5, -2)], [null]]);
  expect(String(df.getColumn('v').dtype)).toMatch(/FixedSizeList\(DataType\(Float32\),\s*2\)/);
  expect(df.toRecords()).toEqual([{ v: [1.5, -2] }, { v: null }]);
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const row = readme.split('\n').find((line) => line.startsWith('| VECTOR'));
  expect(row).toMatch(/\| FixedSizeList\(T, n\) \|/);
});
