/**
 * The gateway checked by a client nobody here wrote: the official Python SDK's HTTP connector.
 * Installs `singlestoredb` into a private virtualenv; when Python or the package cannot be had,
 * the tests say why and do not run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, SqlDateTime, SqlTime, type Connection } from '@s2/core';
import { startDataApiGateway, uniqueDatabaseName, type DataApiGateway } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';

const run = promisify(execFile);
const venv = join(tmpdir(), 's2-python-sdk-venv');
const python = join(venv, 'bin', 'python');
const script = fileURLToPath(new URL('./python/http_client.py', import.meta.url));

async function ensurePythonSdk(): Promise<string | null> {
  try {
    if (!existsSync(python)) await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
    await run(python, ['-c', 'import singlestoredb']).catch(async () => {
      await run(join(venv, 'bin', 'pip'), ['install', '--quiet', 'singlestoredb'], { timeout: 240_000 });
    });
    await run(python, ['-c', 'import singlestoredb']);
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

let unavailable: string | null = null;
let gateway: DataApiGateway;
let ours: Connection;
const scratch = uniqueDatabaseName('py');

beforeAll(async () => {
  unavailable = await ensurePythonSdk();
  if (unavailable) console.log(`Python SDK cross-check skipped: ${unavailable}`);
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

/** Our values in the Python script's JSON spelling. */
function spell(v: unknown): unknown {
  if (v === null) return null;
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (v instanceof SqlDateTime) return { datetime: v.toSqlString().replace(/\.000000$/, '') };
  if (v instanceof Date) return { date: `${String(v.getFullYear()).padStart(4, '0')}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}` };
  if (v instanceof SqlTime) return { micros: v.totalMicroseconds };
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return { int: String(v) };
  return v;
}

describe('the official Python SDK against the Data API gateway', () => {
  it('reads the same rows, types and errors that @s2/http reads', async (ctx) => {
    if (unavailable) return ctx.skip();
    const info = testServer();
    const url = `http://${info.root.user}:${info.root.password}@127.0.0.1:${gateway.port}/s2_test`;
    const { stdout } = await run(python, [script, url, scratch], { timeout: 120_000 });
    const py = JSON.parse(stdout) as Record<string, unknown>;
    const http = await connect(url);
    try {
      const data = await http.query<unknown[]>('SELECT * FROM data ORDER BY id');
      expect(py.data).toEqual(data.map((r) => r.map(spell)));
      expect(py.description).toEqual([['id', 253], ['name', 253], ['value', 8]]);
      expect(py.params).toEqual([['a'], ['b']]);
      expect(py.error).toEqual(['ProgrammingError', 1064]);
      const all = await http.query<unknown[]>('SELECT * FROM alltypes WHERE id IN (0, 2, 3) ORDER BY id');
      const cur = http.cursor();
      await cur.execute('SELECT * FROM alltypes LIMIT 0');
      const names = cur.description!.map((d) => d.name);
      const pyRows = py.alltypes as unknown[][];
      all.forEach((row, r) => row.forEach((value, c) => {
        const theirs = pyRows[r][c] as unknown;
        // Python returns DECIMAL as Decimal and FLOAT/DOUBLE as float; both spell the same numbers.
        const mine = spell(value);
        if (theirs && typeof theirs === 'object' && 'decimal' in (theirs as object)) expect(value, names[c]).toBe((theirs as { decimal: string }).decimal);
        else if (typeof theirs === 'number') expect(Number(value), names[c]).toBe(theirs);
        else expect(mine, `${names[c]} of row ${r}`).toEqual(theirs);
      }));
      expect(py.executemany).toEqual([{ int: '50' }, { decimal: '1225' }]);
    } finally {
      await http.close();
    }
  }, 240_000);
});
