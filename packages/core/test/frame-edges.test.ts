import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadNative, nativeStatus } from '@s2/native';
import { options } from '@s2/base';
import { connect, NotSupportedError, type ColumnsFrame, type Connection } from '@s2/core';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { uniqueDatabaseName } from '@s2/testing';
import { skipUnless, testServer } from '@s2/testing/vitest';
import { open } from './support.js';

const native = loadNative();
const scratch = uniqueDatabaseName('frames');

let gateway: DataApiGateway;
let setup: Connection;

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  setup = await open();
  await setup.execute(`CREATE DATABASE ${scratch}`);
  // Zero dates are stored only outside the strict modes.
  await setup.execute("SET SESSION sql_mode = ''");
  await setup.execute(`CREATE TABLE ${scratch}.zero (id INT PRIMARY KEY, d DATE, dt DATETIME, dt6 DATETIME(6), ts TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL)`);
  await setup.execute(
    `INSERT INTO ${scratch}.zero VALUES
      (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000'),
      (2, '2024-02-29', '2024-02-29 12:34:56', '2024-02-29 12:34:56.789012', '2024-02-29 12:34:56', '2024-02-29 12:34:56.789012'),
      (3, NULL, NULL, NULL, NULL, NULL)`,
  );
});
afterAll(async () => {
  await setup.execute(`DROP DATABASE ${scratch}`);
  await setup.close();
  await gateway.close();
});

function httpUrl(): string {
  const { root } = testServer();
  return `http://${encodeURIComponent(root.user)}:${encodeURIComponent(root.password)}@127.0.0.1:${gateway.port}/${scratch}`;
}

/** What a columns frame says of each column: its NULL mask and values, comparable across paths. */
function masks(frame: ColumnsFrame) {
  return frame.columns.map((c) => ({
    name: c.name,
    nulls: c.nulls ? Array.from(c.nulls) : null,
    values: Array.from(c.values, (v) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? `${v}n` : v)),
  }));
}

const ZERO_SQL = 'SELECT id, d, dt, dt6, ts, ts6 FROM zero ORDER BY id';

describe("the 'columns' frame's NULL mask", () => {
  it('marks zero dates (whose value is null) on the TypeScript decoder and over HTTP alike', async () => {
    const pure = await connect(`${testServer().url}/${scratch}`, { pureJs: true });
    const http = await connect(httpUrl());
    try {
      const fromPure = masks(await pure.queryFrame(ZERO_SQL));
      for (const col of fromPure.slice(1)) expect(col, col.name).toMatchObject({ nulls: [1, 0, 1], values: [null, expect.any(String), null] });
      expect(masks(await http.queryFrame(ZERO_SQL))).toEqual(fromPure);
    } finally {
      await pure.close();
      await http.close();
    }
  });

  it(
    'is the same from the native decoder, which decodes the batch itself',
    skipUnless(native ? null : `the native addon is not loaded: ${nativeStatus().source}`, options.get('pure_js') === true ? 'opt-in' : 'missing-tool'),
    async () => {
      const fast = await connect(`${testServer().url}/${scratch}`, { pureJs: false });
      const pure = await connect(`${testServer().url}/${scratch}`, { pureJs: true });
      const spy = vi.spyOn(native!, 'decodeTextSegments');
      try {
        const fromNative = masks(await fast.queryFrame(ZERO_SQL));
        // Answered by the addon, not handed back to TypeScript (which would compare it with itself).
        expect(spy.mock.results.some((r) => r.type === 'return' && r.value !== null)).toBe(true);
        expect(spy.mock.results.every((r) => r.type === 'return' && r.value !== null)).toBe(true);
        expect(fromNative).toEqual(masks(await pure.queryFrame(ZERO_SQL)));
      } finally {
        spy.mockRestore();
        await fast.close();
        await pure.close();
      }
    },
  );
});

describe('frames of a statement without a result set', () => {
  it('queryFrame gives the empty frame (no columns, no rows), as fetchall gives no rows', async () => {
    for (const url of [`${testServer().url}/${scratch}`, httpUrl()]) {
      const conn = await connect(url);
      try {
        const frame = await conn.queryFrame('DO 1');
        expect([frame.length, frame.names, frame.columns]).toEqual([0, [], []]);
        const cur = conn.cursor({ resultsType: 'columns' });
        await cur.execute('DO 1');
        expect(await cur.fetchall()).toEqual([]);
        await cur.execute('DO 1');
        expect(((await cur.fetchframe(10)) as ColumnsFrame).length).toBe(0);
        await cur.close();
      } finally {
        await conn.close();
      }
    }
  });

  it('a row format still produces no frames', async () => {
    const conn = await open();
    try {
      const cur = conn.cursor({ resultsType: 'tuples' });
      await cur.execute('DO 1');
      await expect(cur.fetchframe()).rejects.toThrow(NotSupportedError);
      await cur.execute('SELECT 1');
      await expect(cur.fetchframe()).rejects.toThrow(NotSupportedError);
      await cur.close();
    } finally {
      await conn.close();
    }
  });
});
