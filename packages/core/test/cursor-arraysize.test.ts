import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OptionError, options, withOptions } from '@s2/base';
import { connect, type Connection } from '@s2/core';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';

const FIVE_ROWS = 'SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5';

let gateway: DataApiGateway;
const connections: Record<'wire' | 'http', Connection> = {} as never;

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  const { root } = info;
  connections.wire = await connect(info.url);
  connections.http = await connect(`http://${encodeURIComponent(root.user)}:${encodeURIComponent(root.password)}@127.0.0.1:${gateway.port}`);
});
afterAll(async () => {
  await connections.wire.close();
  await connections.http.close();
  await gateway.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  options.reset('results.arraysize');
});

describe.each(['wire', 'http'] as const)('option results.arraysize sizes fetchmany() over %s', (transport) => {
  const conn = () => connections[transport];

  it('a new cursor starts at 1 by default', async () => {
    const cur = conn().cursor();
    expect(cur.arraysize).toBe(1);
    await cur.execute(FIVE_ROWS);
    expect(await cur.fetchmany()).toEqual([[1]]);
  });

  it('SINGLESTOREDB_RESULTS_ARRAYSIZE is read when the cursor is made', async () => {
    vi.stubEnv('SINGLESTOREDB_RESULTS_ARRAYSIZE', '3');
    const cur = conn().cursor();
    vi.unstubAllEnvs();
    expect(cur.arraysize).toBe(3);
    await cur.execute(FIVE_ROWS);
    expect(await cur.fetchmany()).toEqual([[1], [2], [3]]);
    expect(await cur.fetchmany()).toEqual([[4], [5]]);
  });

  it('options.set and withOptions apply too, and an explicit size still wins', async () => {
    options.set('results.arraysize', 2);
    const set = conn().cursor();
    await set.execute(FIVE_ROWS);
    expect(await set.fetchmany()).toEqual([[1], [2]]);
    expect(await set.fetchmany(3)).toEqual([[3], [4], [5]]);
    const scoped = withOptions({ 'results.arraysize': 4 }, () => conn().cursor());
    await scoped.execute(FIVE_ROWS);
    expect(await scoped.fetchmany()).toEqual([[1], [2], [3], [4]]);
  });

  it('a value that is not a positive integer is an OptionError naming the variable', () => {
    vi.stubEnv('SINGLESTOREDB_RESULTS_ARRAYSIZE', 'many');
    expect(() => conn().cursor()).toThrow(OptionError);
    expect(() => conn().cursor()).toThrow(/SINGLESTOREDB_RESULTS_ARRAYSIZE/);
  });
});
