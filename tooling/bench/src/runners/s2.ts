import { connect } from '@s2/core';
import { benchRow, measure, readConfig } from './measure.js';

const config = readConfig();
const url = `mysql://${encodeURIComponent(config.user)}:${encodeURIComponent(config.password)}@${config.host}:${config.port}/${config.database}`;

await measure(async () => {
  if (config.mode === 'stream') {
    const conn = await connect(url, { buffered: false });
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
  if (config.mode === 'insert') {
    const conn = await connect(url);
    const n = config.rows ?? 200_000;
    const rows = Array.from({ length: n }, (_, i) => benchRow(i));
    await conn.executemany(`INSERT INTO ${config.sql} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, rows);
    await conn.close();
    return n;
  }
  if (config.mode === 'http-tuples') {
    const conn = await connect(`http://${encodeURIComponent(config.user)}:${encodeURIComponent(config.password)}@127.0.0.1:${config.httpPort}/${config.database}`);
    const rows = await conn.query(config.sql);
    await conn.close();
    return rows.length;
  }
  if (config.mode === 'columns' || config.mode === 'arrow') {
    if (config.mode === 'arrow') await import('@s2/arrow');
    const conn = await connect(url);
    const frame = await conn.queryFrame<{ length?: number; numRows?: number }>(config.sql, undefined, { resultsType: config.mode });
    await conn.close();
    return frame.numRows ?? frame.length ?? 0;
  }
  const conn = await connect(url, { resultsType: config.mode });
  const rows = await conn.query(config.sql);
  await conn.close();
  return rows.length;
});
