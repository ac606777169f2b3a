import { expect } from 'vitest';
import { dataApiMode, s2Test as it, testServer } from '@s2/testing/vitest';

// Run only by fixtures.test.ts, with USE_DATA_API=1: the fixtures must talk to the gateway.
it('s2Connection goes over the Data API', async ({ s2Connection }) => {
  expect(dataApiMode()).toBe(true);
  expect(testServer().dataApiUrl).toMatch(/^http:\/\//);
  expect(await s2Connection.query('SELECT 1 + 1')).toEqual([[2]]);
  expect(s2Connection.params.driver).toMatch(/^http/);
});

it('s2TempDb creates its database over the wire and queries it over the Data API', async ({ s2TempDb }) => {
  await s2TempDb.execute('CREATE TABLE t (a BIGINT)');
  await s2TempDb.execute('INSERT INTO t VALUES (?)', [9007199254740993n]);
  await s2TempDb.execute('SELECT a FROM t');
  expect(await s2TempDb.fetchall()).toEqual([[9007199254740993n]]);
});
