import mysql from 'mysql2/promise';
import mysqlCb from 'mysql2';
import { Readable } from 'node:stream';
import { benchRow, benchRowTsv, concurrentQueries, firstValue, idleFootprint, measure, readConfig } from './measure.js';

const config = readConfig();
const options = {
  host: config.host,
  port: config.port,
  user: config.user,
  password: config.password,
  database: config.database,
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalNumbers: false,
};

/** The service workloads use mysql2's defaults (only the address and credentials given). */
const defaults = { host: config.host, port: config.port, user: config.user, password: config.password, database: config.database };

await measure(async () => {
  if (config.mode === 'pool') {
    const pool = mysql.createPool({ ...defaults, connectionLimit: 8 });
    const n = await concurrentQueries(config.rows ?? 30_000, 1000, async (i) => firstValue((await pool.query('SELECT ? + 1 AS v', [i]))[0]));
    await pool.end();
    return n;
  }
  if (config.mode === 'idle') {
    const conn = await mysql.createConnection(defaults);
    const result = await idleFootprint(config.rows ?? 60_000, async (i) => firstValue((await conn.query('SELECT ? + 1 AS v', [i]))[0]));
    await conn.end();
    return result;
  }
  if (config.mode === 'stream') {
    const conn = mysqlCb.createConnection(options);
    let rows = 0;
    await new Promise<void>((resolve, reject) => {
      conn
        .query({ sql: config.sql, rowsAsArray: true })
        .stream({ highWaterMark: 1000 })
        .on('data', () => {
          rows++;
        })
        .on('end', resolve)
        .on('error', reject);
    });
    conn.end();
    return rows;
  }
  if (config.mode === 'insert') {
    const conn = await mysql.createConnection(options);
    const n = config.rows ?? 200_000;
    const batch = 5000;
    for (let i = 0; i < n; i += batch) {
      const values = [];
      for (let j = i; j < Math.min(n, i + batch); j++) values.push(benchRow(j));
      await conn.query(`INSERT INTO ${config.sql} VALUES ?`, [values]);
    }
    await conn.end();
    return n;
  }
  if (config.mode === 'infile') {
    const conn = await mysql.createConnection(options);
    const n = config.rows ?? 200_000;
    // The rows as TSV, produced lazily in chunks of 1,000 (what an application streaming its own data would do).
    const tsv = function* () {
      for (let i = 0; i < n; i += 1000) {
        let chunk = '';
        for (let j = i; j < Math.min(n, i + 1000); j++) chunk += benchRowTsv(j);
        yield Buffer.from(chunk); // mysql2 copies each chunk into a packet: Buffers, not strings
      }
    };
    const [result] = await conn.query({
      sql: `LOAD DATA LOCAL INFILE 'bench.tsv' INTO TABLE ${config.sql}`,
      infileStreamFactory: () => Readable.from(tsv()),
    });
    await conn.end();
    const affected = (result as { affectedRows: number }).affectedRows;
    if (affected !== n) throw new Error(`LOAD DATA loaded ${affected} rows, expected ${n}`);
    return n;
  }
  const conn = await mysql.createConnection(options);
  const [rows] = await conn.query({ sql: config.sql, rowsAsArray: config.mode === 'array' });
  await conn.end();
  return (rows as unknown[]).length;
});
