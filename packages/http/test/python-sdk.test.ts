/**
 * The gateway checked by a client nobody here wrote: the official Python SDK's HTTP connector.
 * Installs `singlestoredb` into a private virtualenv; when Python or the package cannot be had,
 * the tests say why and do not run.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, SqlDateTime, SqlTime, type Connection } from '@s2/core';
import { pythonSdk, uniqueDatabaseName, type PythonSdk } from '@s2/testing';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { skipUnless, testServer } from '@s2/testing/vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./python/http_client.py', import.meta.url));
const compareScript = fileURLToPath(new URL('./python/http_vs_mysql.py', import.meta.url));

// Prepared at collection time, so the describe below can skip visibly when it cannot be had.
const found = await pythonSdk();
const unavailable = 'unavailable' in found ? `Python SDK HTTP cross-check: ${found.unavailable}` : null;
const sdk = found as PythonSdk;
let gateway: DataApiGateway;
let ours: Connection;
const scratch = uniqueDatabaseName('py');

/** Our values in the Python script's JSON spelling. */
function spell(v: unknown): unknown {
  if (v === null) return null;
  if (v instanceof Uint8Array) return { hex: Buffer.from(v).toString('hex') };
  if (v instanceof SqlDateTime) return { datetime: v.toSqlString().replace(/\.000000$/, '') };
  if (v instanceof Date)
    return { date: `${String(v.getFullYear()).padStart(4, '0')}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}` };
  if (v instanceof SqlTime) return { micros: v.totalMicroseconds };
  return typeof v === 'bigint' ? Number(v) : v;
}

describe('the official Python SDK against the Data API gateway', skipUnless(unavailable, 'missing-tool'), () => {
  beforeAll(async () => {
    const info = testServer();
    gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
    ours = await connect(info.url);
    await ours.execute(`CREATE DATABASE ${scratch}`);
  }, 300_000);
  afterAll(async () => {
    await ours.execute(`DROP DATABASE ${scratch}`);
    await ours.close();
    await gateway.close();
  });

  it('reads the same rows, types and errors that @s2/http reads', async () => {
    const info = testServer();
    const url = `http://${info.root.user}:${info.root.password}@127.0.0.1:${gateway.port}/s2_test`;
    const { stdout } = await run(sdk.python, [script, url, scratch], { timeout: 120_000, env: { ...process.env, S2_PY_HELPERS: sdk.helpers } });
    const py = JSON.parse(stdout) as Record<string, unknown>;
    const http = await connect(url);
    try {
      const data = await http.query<unknown[]>('SELECT * FROM data ORDER BY id');
      expect(data.length).toBeGreaterThan(0);
      expect(py.data).toEqual(data.map((r) => r.map(spell)));
      expect(py.description).toEqual([
        ['id', 253],
        ['name', 253],
        ['value', 8],
      ]);
      expect(py.params).toEqual([['a'], ['b']]);
      expect(py.error).toEqual(['ProgrammingError', 1064]);
      const all = await http.query<unknown[]>('SELECT * FROM alltypes WHERE id IN (0, 2, 3) ORDER BY id');
      const cur = http.cursor();
      await cur.execute('SELECT * FROM alltypes LIMIT 0');
      const names = cur.description!.map((d) => d.name);
      const pyRows = py.alltypes as unknown[][];
      // Same rows and columns first: the loop below walks ours only.
      expect(all).toHaveLength(3);
      expect(pyRows).toHaveLength(all.length);
      expect(pyRows.map((row) => row.length)).toEqual(all.map((row) => row.length));
      expect(names).toHaveLength(all[0].length);
      all.forEach((row, r) =>
        row.forEach((value, c) => {
          const theirs = pyRows[r][c] as unknown;
          // Python returns DECIMAL as Decimal and FLOAT/DOUBLE as float; both spell the same numbers.
          const mine = spell(value);
          if (theirs && typeof theirs === 'object' && 'decimal' in (theirs as object)) expect(value, names[c]).toBe((theirs as { decimal: string }).decimal);
          else if (theirs && typeof theirs === 'object' && 'float' in (theirs as object))
            expect(Number(value), names[c]).toBe(Number((theirs as { float: string }).float));
          else if (typeof theirs === 'number') expect(Number(value), names[c]).toBe(theirs);
          else expect(mine, `${names[c]} of row ${r}`).toEqual(theirs);
        }),
      );
      expect(py.executemany).toEqual([50, { decimal: '1225' }]);
    } finally {
      await http.close();
    }
  }, 240_000);

  it('its HTTP client through the gateway reads what its MySQL client reads from the server', async () => {
    const info = testServer();
    const mysqlUrl = `${info.url}/s2_test`;
    const httpUrl = `http://${info.root.user}:${info.root.password}@127.0.0.1:${gateway.port}/s2_test`;
    const { stdout } = await run(sdk.python, [compareScript, mysqlUrl, httpUrl], { timeout: 120_000 });
    const diffs = JSON.parse(stdout) as Record<'pure' | 'accelerated', { what: string; column?: string; mysql: unknown; http: unknown }[]>;
    console.log('Python SDK, MySQL client vs HTTP client through the gateway:', JSON.stringify(diffs));
    // Spatial values: a MySQL-protocol server sends its internal binary form (SRID + WKB), which
    // the MySQL client hands over as bytes; the Data API carries WKT (as SingleStore does).
    const geometry = ['geo', ['bytes', expect.stringMatching(/^b'/)], ['str', "'POINT(1 2.5)'"]];
    // Against its pure-Python MySQL decoders there is no other difference.
    expect(diffs.pure.map((d) => [d.column, d.mysql, d.http])).toEqual([geometry]);
    // Its C accelerator (the default) leaves a TIME with fewer than 6 fractional digits as the
    // server's text, where its own Python converters (and so its HTTP client) give a timedelta:
    // a difference inside the reference client, not in what the gateway sends.
    expect(diffs.accelerated.map((d) => [d.column, d.mysql, d.http])).toEqual([
      ['t1', ['str', "'01:02:03.5'"], ['timedelta', 'datetime.timedelta(seconds=3723, microseconds=500000)']],
      geometry,
    ]);
  }, 240_000);
});
