import type { TestProject } from 'vitest/node';
import { externalServerInfo } from './external.js';
import { startMariaDb } from './mariadb/start.js';
import type { TestServerInfo } from './server-info.js';
import type {} from './vitest.js';

type Teardown = () => Promise<void>;

/**
 * Starts one server for the whole run and describes it to every test file:
 * - `SINGLESTOREDB_URL` set: that server, nothing started;
 * - `S2_TEST_DOCKER_IMAGE` set: a container of that image through @s2/server's `startDocker`
 *   (needs a Docker-compatible engine; the SingleStore dev image, or a stand-in);
 * - otherwise a throwaway MariaDB from Debian's packages.
 * With `USE_DATA_API=1` a Data API gateway is put in front of it (unless the server has one).
 */
export default async function setup(project: TestProject): Promise<Teardown> {
  const teardowns: Teardown[] = [];
  let info: TestServerInfo;
  const url = process.env.SINGLESTOREDB_URL;
  const image = process.env.S2_TEST_DOCKER_IMAGE;
  if (url) {
    info = externalServerInfo(url);
  } else if (image) {
    const { startDocker } = await import('@s2/server');
    const singlestore = image.includes('singlestoredb-dev');
    const server = await startDocker({ image, readiness: singlestore ? 'health-check' : 'sql', studio: singlestore, dataApi: singlestore });
    teardowns.push(() => server.stop());
    info = { ...externalServerInfo(server.connectionUrl.replace(/^singlestoredb:/, 'mysql:')), external: false };
    if (server.httpConnectionUrl) info.dataApiUrl = server.httpConnectionUrl.replace(/^singlestoredb\+/, '');
    const conn = await server.connect();
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${info.database}\``);
    await conn.close();
  } else {
    const server = await startMariaDb();
    teardowns.push(() => server.stop());
    info = server.info;
  }
  if (/^(1|true|on)$/i.test(process.env.USE_DATA_API ?? '') && !info.dataApiUrl) {
    const { startDataApiGateway } = await import('@s2/data-api-gateway');
    const gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
    teardowns.unshift(() => gateway.close());
    const auth = `${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}`;
    info.dataApiUrl = gateway.url.replace('://', `://${auth}@`);
  }
  project.provide('s2TestServer', info);
  return async () => {
    for (const t of teardowns) await t();
  };
}
