import { startMariaDb } from '@s2/testing';
import { connect } from '@s2/core';
const s = await startMariaDb({ fixtures: false });
try {
  const c = await connect(s.info.url);
  await c.query('CREATE DATABASE b'); await c.selectDb('b');
  await c.query(`CREATE TABLE wide (id BIGINT PRIMARY KEY, i INT, d DOUBLE, amount DECIMAL(12,2), name VARCHAR(32), note TEXT NULL, ts DATETIME(6), doc JSON)`);
  await c.query(`INSERT INTO wide SELECT seq, seq % 1000, seq / 7, (seq % 100000) + 0.25, CONCAT('name-', seq), IF(seq % 3 = 0, NULL, CONCAT('text ', seq)), TIMESTAMP('2024-05-06 07:08:09.123456') + INTERVAL seq SECOND, CONCAT('{"k":', seq, '}') FROM seq_1_to_300000`);
  for (let i = 0; i < 4; i++) { const t = performance.now(); const u = process.cpuUsage(); const r = await c.query('SELECT * FROM wide'); const cu = process.cpuUsage(u); console.log('s2', r.length, (performance.now() - t).toFixed(0), 'cpu', ((cu.user + cu.system) / 1000).toFixed(0)); }
  const mysql = (await import('mysql2/promise')).default;
  const m = await mysql.createConnection({ host: '127.0.0.1', port: s.info.port, user: 'root', password: s.info.root.password, database: 'b', supportBigNumbers: true, bigNumberStrings: true });
  for (let i = 0; i < 4; i++) { const t = performance.now(); const u = process.cpuUsage(); const [r] = await m.query({ sql: 'SELECT * FROM wide', rowsAsArray: true }); const cu = process.cpuUsage(u); console.log('mysql2', (r as any).length, (performance.now() - t).toFixed(0), 'cpu', ((cu.user + cu.system) / 1000).toFixed(0)); }
  await m.end();
  await c.close();
} finally { await s.stop(); }
