import * as mariadb from 'mariadb';
import { benchRow, concurrentQueries, firstValue, idleFootprint, measure, readConfig } from './measure.js';

const config = readConfig();

/** The service workloads use the connector's defaults (only the address and credentials given). */
const defaults = { host: config.host, port: config.port, user: config.user, password: config.password, database: config.database };

await measure(async () => {
  if (config.mode === 'pool') {
    const pool = mariadb.createPool({ ...defaults, connectionLimit: 8 });
    const n = await concurrentQueries(config.rows ?? 30_000, 1000, async (i) => firstValue(await pool.query('SELECT ? + 1 AS v', [i])));
    await pool.end();
    return n;
  }
  if (config.mode === 'idle') {
    const conn = await mariadb.createConnection(defaults);
    const result = await idleFootprint(config.rows ?? 60_000, async (i) => firstValue(await conn.query('SELECT ? + 1 AS v', [i])));
    await conn.end();
    return result;
  }
  const conn = await mariadb.createConnection({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    rowsAsArray: config.mode === 'array' || config.mode === 'stream',
    bigIntAsNumber: false,
    decimalAsNumber: false,
  });
  let rows = 0;
  if (config.mode === 'stream') {
    for await (const _row of conn.queryStream(config.sql)) rows++;
  } else if (config.mode === 'insert') {
    const n = config.rows ?? 200_000;
    const batch = 5000;
    for (let i = 0; i < n; i += batch) {
      const values = [];
      for (let j = i; j < Math.min(n, i + batch); j++) values.push(benchRow(j));
      await conn.batch(`INSERT INTO ${config.sql} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, values);
    }
    rows = n;
  } else {
    const result = await conn.query(config.sql);
    rows = result.length;
  }
  await conn.end();
  return rows;
});
