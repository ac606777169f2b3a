import { coldStart } from './cold-start.js';

await coldStart(async (c) => {
  const mariadb = await import('mariadb');
  const conn = await mariadb.createConnection({ host: c.host, port: c.port, user: c.user, password: c.password, database: c.database, rowsAsArray: true });
  return { selectOne: async () => ((await conn.query('SELECT 1')) as unknown[][])[0][0], close: () => conn.end() };
});
