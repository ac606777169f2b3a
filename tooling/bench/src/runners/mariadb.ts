import * as mariadb from 'mariadb';
import { benchRow, measure, readConfig } from './measure.js';

const config = readConfig();

await measure(async () => {
  const conn = await mariadb.createConnection({
    host: config.host, port: config.port, user: config.user, password: config.password, database: config.database,
    rowsAsArray: config.mode === 'array' || config.mode === 'stream',
    bigIntAsNumber: false, decimalAsNumber: false,
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
