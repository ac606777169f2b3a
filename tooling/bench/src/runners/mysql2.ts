import mysql from 'mysql2/promise';
import mysqlCb from 'mysql2';
import { benchRow, measure, readConfig } from './measure.js';

const config = readConfig();
const options = {
  host: config.host, port: config.port, user: config.user, password: config.password, database: config.database,
  supportBigNumbers: true, bigNumberStrings: true, decimalNumbers: false,
};

await measure(async () => {
  if (config.mode === 'stream') {
    const conn = mysqlCb.createConnection(options);
    let rows = 0;
    await new Promise<void>((resolve, reject) => {
      conn.query({ sql: config.sql, rowsAsArray: true }).stream({ highWaterMark: 1000 })
        .on('data', () => { rows++; })
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
  const conn = await mysql.createConnection(options);
  const [rows] = await conn.query({ sql: config.sql, rowsAsArray: config.mode === 'array' });
  await conn.end();
  return (rows as unknown[]).length;
});
