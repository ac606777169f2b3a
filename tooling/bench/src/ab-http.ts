// A/B of the Data API transports on the same gateway and query (not part of `pnpm bench`).
import { connectHttp } from '@s2/http';
import { startMariaDb } from '@s2/testing';
import { startDataApiGateway } from '@s2/data-api-gateway';

const server = await startMariaDb({ fixtures: false });
const gateway = await startDataApiGateway({ target: { host: server.info.host, port: server.info.port } });
try {
  const base = { host: '127.0.0.1', port: gateway.port, driver: 'http' as const, user: 'root', password: server.info.root.password, database: 'mysql' };
  const sql = "SELECT seq, seq * 1.5, CONCAT('name-', seq), NOW(6) FROM seq_1_to_200000";
  for (const round of [1, 2, 3]) {
    for (const transport of ['fetch', 'auto'] as const) {
      const conn = await connectHttp({ ...base, transport });
      const cpu = process.cpuUsage();
      const t = performance.now();
      const rows = await (await conn.query(sql)).current.read();
      const c = process.cpuUsage(cpu);
      console.log(
        `round ${round} ${transport === 'auto' ? 'undici' : 'fetch '} ${rows.length} rows ${(performance.now() - t).toFixed(0)} ms wall ${((c.user + c.system) / 1000).toFixed(0)} ms cpu`,
      );
    }
  }
} finally {
  await gateway.close();
  await server.stop();
}
