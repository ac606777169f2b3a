/**
 * A gateway in front of a Unix socket logs in as its own OS user as far as the server can see,
 * so an account that also accepts unix_socket would let any HTTP client in, password or not.
 * Logins are only completed by the request's password.
 */
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWire, type WireConnection } from '@s2/wire';
import { errPacket, handshakePacket, startFakeMysqlServer, startMariaDb, type RunningMariaDb } from '@s2/testing';
import { missingCommand, skipUnless } from '@s2/testing/vitest';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { accountPlugins } from '../src/password-only.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

function tuples(gateway: DataApiGateway, authorization: string, sql = 'SELECT CURRENT_USER() AS u') {
  return fetch(`${gateway.url}/api/v2/query/tuples`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ sql }),
  });
}

describe('reading account definitions', () => {
  it('finds every plugin of a MariaDB chain and of MySQL accounts, not words inside strings', () => {
    expect(
      accountPlugins("CREATE USER `root`@`localhost` IDENTIFIED VIA mysql_native_password USING '*D821809F681A40A6E379B50D0463EFAE20BDD122' OR unix_socket"),
    ).toEqual(['mysql_native_password', 'unix_socket']);
    expect(accountPlugins("CREATE USER `u`@`%` IDENTIFIED BY PASSWORD '*BE8F26262B1AF06C97FCD9CB10B28584065A915D' WITH MAX_USER_CONNECTIONS 3")).toEqual([
      'mysql_native_password',
    ]);
    expect(accountPlugins('CREATE USER `nopw`@`%`')).toEqual([]);
    expect(accountPlugins("CREATE USER `e`@`%` IDENTIFIED VIA ed25519 USING 'a OR unix_socket' OR gssapi USING 'x'")).toEqual(['ed25519', 'gssapi']);
    expect(accountPlugins("CREATE USER 'root'@'localhost' IDENTIFIED WITH 'auth_socket' REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK")).toEqual([
      'auth_socket',
    ]);
    expect(
      accountPlugins("CREATE USER `m`@`%` IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$x\\'y' AND IDENTIFIED WITH 'authentication_fido' REQUIRE NONE"),
    ).toEqual(['caching_sha2_password', 'authentication_fido']);
  });
});

describe('a gateway whose target is a Unix socket', skipUnless(missingCommand('mariadbd')), () => {
  let server: RunningMariaDb;
  let admin: WireConnection;
  let gateway: DataApiGateway;
  // unix_socket lets in the account named like the OS user of the connecting process.
  const osUser = userInfo().username;

  const adminRun = async (sql: string) => void (await (await admin.query(sql)).drain());

  beforeAll(async () => {
    server = await startMariaDb({ fixtures: false });
    const { info } = server;
    admin = await connectWire({ host: info.host, port: info.port, user: info.root.user, password: info.root.password });
    await adminRun(`CREATE USER IF NOT EXISTS '${osUser}'@'localhost'`);
    await adminRun(`GRANT USAGE ON *.* TO '${osUser}'@'localhost'`);
    gateway = await startDataApiGateway({ target: { socketPath: info.socketPath! } });
  });
  afterAll(async () => {
    await gateway?.close();
    await admin?.close();
    await server?.stop();
  });

  it('refuses an account that also accepts unix_socket, with the wrong password and with the right one', async () => {
    await adminRun(`ALTER USER '${osUser}'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('pw') OR unix_socket`);
    // The server itself lets a wrong password in here: the gateway's own OS user matches.
    const direct = await connectWire({ socketPath: server.info.socketPath!, user: osUser, password: 'wrong-password' });
    await direct.close();
    for (const password of ['wrong-password', '', 'pw']) {
      const res = await tuples(gateway, basic(osUser, password));
      expect(res.status, password).toBe(401);
      expect(await res.text()).toMatch(/^Error 1045 \(28000\): the account also accepts unix_socket, which does not check the password/);
    }
  });

  it('refuses an account that accepts unix_socket alone', async () => {
    await adminRun(`ALTER USER '${osUser}'@'localhost' IDENTIFIED VIA unix_socket`);
    expect((await tuples(gateway, basic(osUser, 'anything'))).status).toBe(401);
  });

  it('lets password accounts in over the same socket with their password only', async () => {
    const native = server.info.users.native!;
    const ok = await tuples(gateway, basic(native.user, native.password));
    expect({ status: ok.status, body: ok.status === 200 ? '' : await ok.text() }).toEqual({ status: 200, body: '' });
    expect(((await ok.json()) as { results: { rows: unknown[][] }[] }).results[0].rows).toEqual([[`${native.user}@%`]]);
    expect((await tuples(gateway, basic(native.user, 'wrong'))).status).toBe(401);
    const ed = server.info.users.ed25519;
    if (ed) {
      const edOk = await tuples(gateway, basic(ed.user, ed.password));
      // The gateway's message says which step refused (the login or the account check).
      expect({ status: edOk.status, body: edOk.status === 200 ? '' : await edOk.text() }).toEqual({ status: 200, body: '' });
      expect((await tuples(gateway, basic(ed.user, 'wrong'))).status).toBe(401);
    }
  });
});

describe('a login the server wants to finish by a method other than the password', () => {
  it('is a 401, not a 502', async () => {
    const fake = await startFakeMysqlServer(async (session) => {
      session.send(handshakePacket());
      await session.read();
      // An auth switch to GSSAPI (Kerberos tickets of the gateway's host, not the request's password).
      session.send(Buffer.concat([Buffer.from([0xfe]), Buffer.from('auth_gssapi_client\0'), Buffer.from('mariadb/host@REALM\0')]));
      const answer = await session.read();
      if (answer) session.send(errPacket(1045, '28000', 'Access denied'));
    });
    const gateway = await startDataApiGateway({ target: { host: fake.host, port: fake.port, tls: { mode: 'disabled' } } });
    try {
      const res = await tuples(gateway, basic('someone', 'secret'));
      expect(res.status).toBe(401);
      expect(await res.text()).toMatch(/auth_gssapi_client/);
    } finally {
      await gateway.close();
      await fake.close();
    }
  });
});
