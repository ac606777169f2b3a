import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { dataApiMode, s2Test as it, testServer } from '@s2/testing/vitest';

let firstConnection: unknown = null;
let firstDatabase = '';

describe('vitest fixtures (the reference pytest plugin in TypeScript)', () => {
  it('s2TempDb is a cursor on a fresh database of its own', async ({ s2TempDb, s2Connection }) => {
    firstConnection = s2Connection;
    await s2TempDb.execute('SELECT DATABASE()');
    const [[name]] = (await s2TempDb.fetchall()) as [[string]];
    expect(name).toMatch(/^x_db_w\d+_\d+_\d+$/);
    firstDatabase = name;
    await s2TempDb.execute('SHOW TABLES');
    expect(await s2TempDb.fetchall()).toEqual([]);
    await s2TempDb.execute('CREATE TABLE t (a INT)');
    await s2TempDb.execute('INSERT INTO t VALUES (1), (2)');
    await s2TempDb.execute('SELECT SUM(a) FROM t');
    expect(await s2TempDb.fetchall()).toEqual([['3']]);
  });

  it('drops that database afterwards, and shares one connection per worker', async ({ s2Connection, s2TempDb }) => {
    expect(s2Connection).toBe(firstConnection);
    const rows = (await s2Connection.query('SHOW DATABASES')) as string[][];
    expect(rows.map((r) => r[0])).not.toContain(firstDatabase);
    await s2TempDb.execute('SELECT DATABASE()');
    expect(((await s2TempDb.fetchall()) as string[][])[0]![0]).not.toBe(firstDatabase);
  });

  it('runs over the Data API with USE_DATA_API=1 (a nested run with a gateway in front of this server)', { timeout: 120_000 }, () => {
    expect(dataApiMode()).toBe(false);
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const config = fileURLToPath(new URL('./data-api-mode/vitest.config.ts', import.meta.url));
    const run = spawnSync('pnpm', ['exec', 'vitest', 'run', '--config', config], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, USE_DATA_API: '1', SINGLESTOREDB_URL: `${testServer().url}/${testServer().database}` },
      timeout: 110_000,
    });
    expect(run.stdout + run.stderr).toMatch(/2 passed/);
    expect(run.status).toBe(0);
  });
});
