import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pl, { type DataFrame } from 'nodejs-polars';
import { connect, type ConnectOptions } from '@s2/core';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';
import '@s2/polars';

/** Over the Data API, polars frames are built from decoded rows: they must be the wire's frames. */
let gateway: DataApiGateway;
beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
});
afterAll(() => gateway.close());

function urls(): [string, string] {
  const { url, root, database } = testServer();
  return [`${url}/${database}`, `http://${encodeURIComponent(root.user)}:${encodeURIComponent(root.password)}@127.0.0.1:${gateway.port}/${database}`];
}

const SQL = `SELECT
  IF(k = 1, CAST(9007199254740993 AS SIGNED), NULL) AS bi,
  IF(k = 1, CAST('12345678901234567.89' AS DECIMAL(20,2)), NULL) AS dc,
  IF(k = 1, CAST('1e25' AS DECIMAL(30,0)), NULL) AS big,
  IF(k = 1, DATE '2024-02-29', NULL) AS d,
  IF(k = 1, CAST('2024-02-29 12:34:56.5' AS DATETIME(1)), NULL) AS ts,
  IF(k = 1, CAST('-100:00:00.123456' AS TIME(6)), NULL) AS tm
  FROM (SELECT 1 AS k UNION ALL SELECT 2) AS s ORDER BY k`;

/**
 * Every column's dtype and values as polars' text: nodejs-polars hands no Decimal to JavaScript
 * and Int64 only as doubles; a Duration is cast through its microseconds.
 */
function dump(df: DataFrame) {
  return df.columns.map((name) => {
    const series = df.getColumn(name);
    const exact = series.dtype.variant === 'Duration' ? series.cast(pl.Int64) : series;
    return { name, dtype: series.dtype.variant, text: exact.cast(pl.Utf8).toArray() };
  });
}

async function polarsOver(url: string, options: ConnectOptions) {
  const conn = await connect(url, options);
  try {
    return dump(await conn.queryFrame<DataFrame>(SQL, undefined, { resultsType: 'polars' }));
  } finally {
    await conn.close();
  }
}

describe("resultsType 'polars' over HTTP", () => {
  it('keeps Int64 and Decimal exact under int64/decimal "number"', async () => {
    const [wire, http] = urls();
    const options: ConnectOptions = { int64: 'number', decimal: 'number' };
    const overHttp = await polarsOver(http, options);
    expect(overHttp).toEqual(await polarsOver(wire, options));
    const text = Object.fromEntries(overHttp.map((c) => [c.name, c.text[0]]));
    expect(text).toMatchObject({ bi: '9007199254740993', dc: '12345678901234567.89', big: '10000000000000000000000000' });
  });

  it('gives String temporal columns under dateStrings, as the wire does', async () => {
    const [wire, http] = urls();
    const overHttp = await polarsOver(http, { dateStrings: true });
    expect(overHttp).toEqual(await polarsOver(wire, { dateStrings: true }));
    expect(overHttp.filter((c) => ['d', 'ts', 'tm'].includes(c.name)).map((c) => [c.dtype, c.text])).toEqual([
      ['String', ['2024-02-29', null]],
      ['String', ['2024-02-29 12:34:56.5', null]],
      ['String', ['-100:00:00.123456', null]],
    ]);
  });

  it('a statement without a result set is an empty DataFrame, over either connector', async () => {
    for (const url of urls()) {
      const conn = await connect(url);
      try {
        const df = await conn.queryFrame<DataFrame>('DO 1', undefined, { resultsType: 'polars' });
        expect([df.height, df.width]).toEqual([0, 0]);
      } finally {
        await conn.close();
      }
    }
  });
});
