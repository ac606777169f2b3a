import { coldStart } from './cold-start.js';

await coldStart(async (c) => {
  const mysql = (await import('mysql2/promise')).default;
  const conn = await mysql.createConnection({ host: c.host, port: c.port, user: c.user, password: c.password, database: c.database });
  return { selectOne: async () => ((await conn.query({ sql: 'SELECT 1', rowsAsArray: true }))[0] as unknown[][])[0][0], close: () => conn.end() };
});
