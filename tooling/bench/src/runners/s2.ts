import { connect, createPool } from '@s2/core';
import { benchRow, concurrentQueries, firstValue, idleFootprint, measure, readConfig } from './measure.js';

const config = readConfig();
// Plaintext, like every other client in the run: on loopback s2 would otherwise negotiate TLS
// ('preferred'), and decrypting the result would be measured against clients that do not.
const url = `mysql://${encodeURIComponent(config.user)}:${encodeURIComponent(config.password)}@${config.host}:${config.port}/${config.database}?ssl_disabled=true`;
/** true: the TypeScript decoder; false: the native addon or an error (never a silent fallback). */
const pureJs = config.pureJs;

/** Rows of any frame: ColumnsFrame.length, arrow Table.numRows, polars DataFrame.height. */
type AnyFrame = { length?: number; numRows?: number; height?: number };
const frameRows = (f: AnyFrame) => f.numRows ?? f.height ?? f.length ?? 0;

async function importFormat(format: string): Promise<void> {
  if (format === 'arrow') await import('@s2/arrow');
  if (format === 'polars') await import('@s2/polars');
}

// Format packages are imported before the clock starts, like every runner's client library.
// @s2/arrow loads apache-arrow in the background, as it does for any program: the part of that
// load still running when the clock starts overlaps the connect and the first rows, and any
// wait for it counts in the in-process wall (it is in the process wall either way).
await importFormat(config.mode.replace(/-stream$/, ''));

await measure(async () => {
  // The service workloads use s2's defaults (pureJs unset: the decoder s2 picks itself).
  if (config.mode === 'pool') {
    const pool = createPool({ url, max: 8 });
    const n = await concurrentQueries(config.rows ?? 30_000, 1000, async (i) => firstValue(await pool.query('SELECT ? + 1 AS v', [i])));
    await pool.end();
    return n;
  }
  if (config.mode === 'idle') {
    const conn = await connect(url);
    const result = await idleFootprint(config.rows ?? 60_000, async (i) => firstValue(await conn.query('SELECT ? + 1 AS v', [i])));
    await conn.close();
    return result;
  }
  if (config.mode === 'stream') {
    const conn = await connect(url, { buffered: false, pureJs });
    const cur = conn.cursor();
    await cur.execute(config.sql);
    let rows = 0;
    for (;;) {
      const batch = await cur.fetchmany(4096);
      if (batch.length === 0) break;
      rows += batch.length;
    }
    await conn.close();
    return rows;
  }
  if (config.mode === 'iterate') {
    const conn = await connect(url, { buffered: false, pureJs });
    const cur = conn.cursor();
    await cur.execute(config.sql);
    let rows = 0;
    for await (const _row of cur) rows++;
    await conn.close();
    return rows;
  }
  if (config.mode === 'row-stream') {
    const conn = await connect(url, { buffered: false, pureJs });
    const cur = conn.cursor();
    await cur.execute(config.sql);
    let rows = 0;
    await cur.forEachRow(() => {
      rows++;
    });
    await conn.close();
    return rows;
  }
  if (config.mode === 'columns-stream' || config.mode === 'arrow-stream') {
    const format = config.mode.slice(0, -'-stream'.length);
    const conn = await connect(url, { pureJs });
    let rows = 0;
    for await (const frame of conn.streamFrames<AnyFrame>(config.sql, [], { resultsType: format })) rows += frameRows(frame);
    await conn.close();
    return rows;
  }
  if (config.mode === 'insert' || config.mode === 'insert-binary') {
    const conn = await connect(url, { pureJs });
    const n = config.rows ?? 200_000;
    const rows = Array.from({ length: n }, (_, i) => benchRow(i));
    await conn.executemany(`INSERT INTO ${config.sql} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, rows, { binary: config.mode === 'insert-binary' });
    await conn.close();
    return n;
  }
  if (config.mode === 'load-array' || config.mode === 'load-generator') {
    const conn = await connect(url, { pureJs, localInfile: true });
    const n = config.rows ?? 200_000;
    const source =
      config.mode === 'load-array'
        ? Array.from({ length: n }, (_, i) => benchRow(i))
        : (async function* () {
            for (let i = 0; i < n; i++) yield benchRow(i);
          })();
    const result = await conn.load(config.sql, source);
    await conn.close();
    if (result.rows !== n || result.warnings !== 0) throw new Error(`load() reported ${result.rows} rows, ${result.warnings} warnings; expected ${n}, 0`);
    return n;
  }
  if (config.mode === 'http-tuples') {
    const conn = await connect(
      `http://${encodeURIComponent(config.user)}:${encodeURIComponent(config.password)}@127.0.0.1:${config.httpPort}/${config.database}`,
      { pureJs },
    );
    const rows = await conn.query(config.sql);
    await conn.close();
    return rows.length;
  }
  if (config.mode === 'columns' || config.mode === 'arrow' || config.mode === 'polars') {
    const conn = await connect(url, { pureJs });
    const frame = await conn.queryFrame<AnyFrame>(config.sql, [], { resultsType: config.mode });
    await conn.close();
    return frameRows(frame);
  }
  const conn = await connect(url, { resultsType: config.mode, pureJs });
  const rows = await conn.query(config.sql);
  await conn.close();
  return rows.length;
});
