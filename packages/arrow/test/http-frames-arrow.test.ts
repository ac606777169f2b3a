import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import { connect, type ColumnsFrame, type ConnectOptions } from '@s2/core';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';
import '@s2/arrow';

/**
 * Over the Data API the frame formats get decoded rows instead of packets. Whatever the row
 * options of the connection, the frames must be the ones the wire gives.
 */
let gateway: DataApiGateway;
beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
});
afterAll(() => gateway.close());

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

function urls(): [string, string] {
  const { url, root, database } = testServer();
  return [`${url}/${database}`, `http://${encodeURIComponent(root.user)}:${encodeURIComponent(root.password)}@127.0.0.1:${gateway.port}/${database}`];
}

// A row of values that row options make lossy or textual, and a row of NULLs.
const SQL = `SELECT
  IF(k = 1, CAST(9007199254740993 AS SIGNED), NULL) AS bi,
  IF(k = 1, CAST(18446744073709551615 AS UNSIGNED), NULL) AS bu,
  IF(k = 1, CAST('12345678901234567.89' AS DECIMAL(20,2)), NULL) AS dc,
  IF(k = 1, CAST('1e25' AS DECIMAL(30,0)), NULL) AS big,
  IF(k = 1, CAST('-99999999999999999999999999999999999.999999999999999999999999999999' AS DECIMAL(65,30)), NULL) AS wide,
  IF(k = 1, DATE '2024-02-29', NULL) AS d,
  IF(k = 1, CAST('2024-02-29 12:34:56.5' AS DATETIME(1)), NULL) AS ts,
  IF(k = 1, CAST('-100:00:00.123456' AS TIME(6)), NULL) AS tm
  FROM (SELECT 1 AS k UNION ALL SELECT 2) AS s ORDER BY k`;

/** Types and cells of an Arrow table, decimals as their 128-bit words. */
function dumpArrow(t: Table) {
  return t.schema.fields.map((f, i) => {
    const col = t.getChildAt(i)!;
    const words = String(f.type).startsWith('Decimal') ? (col.data[0].values as Uint32Array) : null;
    const cells = Array.from({ length: t.numRows }, (_, r) => {
      if (!col.isValid(r)) return null;
      if (words) return Array.from(words.subarray(r * 4, r * 4 + 4));
      const v = col.get(r) as unknown;
      return typeof v === 'bigint' ? `${v}n` : v;
    });
    return { name: f.name, type: String(f.type), cells };
  });
}

function dumpColumns(frame: ColumnsFrame) {
  return frame.columns.map((c) => ({
    name: c.name,
    type: c.type,
    nulls: c.nulls ? Array.from(c.nulls) : null,
    values: Array.from(c.values, (v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Date ? v.toISOString() : v === null ? null : String(v))),
  }));
}

async function framesOver(url: string, options: ConnectOptions) {
  const conn = await connect(url, options);
  try {
    return {
      arrow: dumpArrow(await conn.queryFrame<Table>(SQL, undefined, { resultsType: 'arrow' })),
      columns: dumpColumns(await conn.queryFrame(SQL)),
    };
  } finally {
    await conn.close();
  }
}

describe('frames over HTTP are the frames over the wire', () => {
  it('int64 and decimal "number" lose no digit: Int64, Uint64 and Decimal128 are exact', async () => {
    const [wire, http] = urls();
    const options: ConnectOptions = { int64: 'number', decimal: 'number' };
    const overHttp = await framesOver(http, options);
    expect(overHttp).toEqual(await framesOver(wire, options));
    const arrow = Object.fromEntries(overHttp.arrow.map((c) => [c.name, c]));
    expect(arrow.bi.cells[0]).toBe('9007199254740993n');
    expect(arrow.bu.cells[0]).toBe('18446744073709551615n');
    // The scaled value, in 32-bit words from the lowest.
    const scaled = 1234567890123456789n;
    expect(arrow.dc.cells[0]).toEqual([0, 1, 2, 3].map((w) => Number((scaled >> BigInt(32 * w)) & 0xffffffffn)));
    expect(arrow.big.type).toBe('Decimal[30e0]');
    expect(arrow.wide).toMatchObject({ type: 'Utf8', cells: ['-99999999999999999999999999999999999.999999999999999999999999999999', null] });
    const columns = Object.fromEntries(overHttp.columns.map((c) => [c.name, c]));
    expect(columns.bi.values[0]).toBe('9007199254740993n');
  });

  it('dateStrings: temporal columns are text (Utf8), never an error or a zero duration', async () => {
    const [wire, http] = urls();
    const options: ConnectOptions = { dateStrings: true };
    const overHttp = await framesOver(http, options);
    expect(overHttp).toEqual(await framesOver(wire, options));
    const arrow = Object.fromEntries(overHttp.arrow.map((c) => [c.name, c]));
    expect(arrow.d).toEqual({ name: 'd', type: 'Utf8', cells: ['2024-02-29', null] });
    expect(arrow.ts).toEqual({ name: 'ts', type: 'Utf8', cells: ['2024-02-29 12:34:56.5', null] });
    expect(arrow.tm).toEqual({ name: 'tm', type: 'Utf8', cells: ['-100:00:00.123456', null] });
  });

  for (const timezone of ['-10:00', '+14:00', '-12:00', 'local']) {
    it(`DATE is the server's day with timezone ${timezone} in a UTC+14 process`, async () => {
      process.env.TZ = 'Pacific/Kiritimati';
      const [wire, http] = urls();
      const overHttp = await framesOver(http, { timezone });
      expect(overHttp).toEqual(await framesOver(wire, { timezone }));
      const d = overHttp.arrow.find((c) => c.name === 'd')!;
      expect(d.type).toBe('Date32<DAY>');
      // Date32 values read back as the epoch ms of their UTC midnight.
      expect(d.cells[0]).toBe(Date.UTC(2024, 1, 29));
    });
  }
});
