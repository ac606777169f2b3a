import { coldStart } from './cold-start.js';

await coldStart(async (c) => {
  const { connect } = await import('@s2/core');
  const conn = await connect(`mysql://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@${c.host}:${c.port}/${c.database}?ssl_disabled=true`);
  return { selectOne: async () => ((await conn.query('SELECT 1')) as unknown[][])[0][0], close: () => conn.close() };
});
