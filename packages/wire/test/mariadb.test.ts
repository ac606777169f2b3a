import { Readable } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationalError, ProgrammingError, InterfaceError, ServerStatus } from '@s2/base';
import { pollUntil, skipUnless, statementRunning, testServer } from '@s2/testing/vitest';
import { uniqueDatabaseName } from '@s2/testing';
import { connectWire, type WireConnection } from '@s2/wire';
import { open, rows, serverOptions } from './support/server.js';

const db = uniqueDatabaseName('wire');
let admin: WireConnection;

beforeAll(async () => {
  admin = await open();
  await rows(admin, `CREATE DATABASE ${db}`);
  await rows(admin, `CREATE TABLE ${db}.people (first VARCHAR(40), last VARCHAR(40), age INT)`);
});
afterAll(async () => {
  await rows(admin, `DROP DATABASE ${db}`);
  await admin.close();
});

describe('login', () => {
  for (const who of ['root', 'native', 'ed25519', 'noPassword', 'unicode'] as const) {
    const info = testServer();
    const missing = who !== 'root' && !info.users[who];
    const why = info.external ? `the external server has no ${who} account` : `the throwaway MariaDB has no ${who} account (auth plugin missing)`;
    it(`logs in as the ${who} account`, skipUnless(missing ? why : null, info.external ? 'platform' : 'missing-tool'), async () => {
      const conn = await open({}, who);
      const [[user]] = (await rows(conn, 'SELECT CURRENT_USER()')) as [[string]];
      expect(user.split('@')[0]).toBe(who === 'root' ? info.root.user : info.users[who]!.user);
      await conn.close();
    });
  }

  it('a wrong password is OperationalError 1045 with SQLSTATE 28000', async () => {
    const err = await connectWire(serverOptions('native', { password: 'wrong' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect(err).toMatchObject({ errno: 1045, sqlstate: '28000' });
  });

  it('an unreachable port is OperationalError 2003', async () => {
    const err = await connectWire({ host: '127.0.0.1', port: 1, user: 'x', connectTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ errno: 2003 });
  });

  it('sends the initial database and reports the server version', async () => {
    const conn = await open();
    expect(conn.session.serverVersion).toMatch(/MariaDB|\d+\.\d+/);
    expect(await rows(conn, 'SELECT DATABASE()')).toEqual([[testServer().database]]);
    await conn.close();
  });
});

/** The session's negotiated cipher: empty when the connection is not encrypted. */
async function sslCipher(conn: WireConnection): Promise<string> {
  const [[, cipher]] = (await rows(conn, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as [[string, string]];
  return cipher;
}

const noTls = testServer().tls ? null : 'no TLS material (SINGLESTOREDB_URL points at an external server)';

describe('TLS', skipUnless(noTls, 'platform', 'wire TLS'), () => {
  const tls = () => testServer().tls;

  it('verify-full succeeds with the throwaway CA and reports a cipher', async () => {
    const conn = await open({ tls: { mode: 'verify-full', ca: tls()!.caPem, servername: 'localhost' } }, 'tlsOnly');
    expect(await sslCipher(conn)).not.toBe('');
    await conn.close();
  });

  it('verify-full rejects a certificate from another CA', async () => {
    const err = await open({ tls: { mode: 'verify-full' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect(String((err as Error).message)).toMatch(/TLS handshake failed/);
  });

  it('verify-full rejects a host name the certificate does not name', async () => {
    const err = await open({ tls: { mode: 'verify-full', ca: tls()!.caPem, servername: 'db.example.com' } }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/TLS handshake failed/);
  });

  it('verify-full checks the dialled IP address against the certificate', async () => {
    const conn = await open({ host: '127.0.0.1', tls: { mode: 'verify-full', ca: tls()!.caPem } });
    await conn.ping();
    expect(await sslCipher(conn)).not.toBe('');
    await conn.close();
  });

  it('verify-ca accepts the CA regardless of the name', async () => {
    const conn = await open({ tls: { mode: 'verify-ca', ca: tls()!.caPem, servername: 'db.example.com' } });
    await conn.ping();
    expect(await sslCipher(conn)).not.toBe('');
    await conn.close();
  });

  it('presents a client certificate to a REQUIRE X509 account', async () => {
    await rows(admin, "CREATE USER IF NOT EXISTS s2_x509@'%' IDENTIFIED BY 'x509-secret' REQUIRE X509");
    const { readFileSync } = await import('node:fs');
    const base = { user: 's2_x509', password: 'x509-secret', database: undefined };
    const withCert = await open({
      ...base,
      tls: { mode: 'verify-full', ca: tls()!.caPem, cert: readFileSync(tls()!.clientCertPath), key: readFileSync(tls()!.clientKeyPath) },
    });
    expect(await rows(withCert, 'SELECT CURRENT_USER()')).toEqual([['s2_x509@%']]);
    expect(await sslCipher(withCert)).not.toBe('');
    await withCert.close();
    await expect(open({ ...base, tls: { mode: 'verify-full', ca: tls()!.caPem } })).rejects.toMatchObject({ errno: 1045 });
    await rows(admin, "DROP USER s2_x509@'%'");
  });

  it('a REQUIRE SSL account is refused without TLS', async () => {
    await expect(open({ tls: { mode: 'disabled' } }, 'tlsOnly')).rejects.toMatchObject({ errno: 1045 });
  });

  it('defaults to verify-full for non-loopback hosts', async () => {
    const { resolveTlsMode } = await import('@s2/wire');
    expect(resolveTlsMode({ host: 'db.example.com' })).toBe('verify-full');
    expect(resolveTlsMode({ host: '127.0.0.1' })).toBe('preferred');
    expect(resolveTlsMode({ host: 'localhost', tls: { mode: 'disabled' } })).toBe('disabled');
  });
});

describe('queries and results', () => {
  it('reads multiple result sets from multi-statements', async () => {
    const conn = await open({ multiStatements: true });
    const r = await conn.query('SELECT 1; SELECT 2, 3; DO 0');
    expect(await r.current.read()).toEqual([[1]]);
    expect(await (await r.nextResult())!.read()).toEqual([[2, 3]]);
    const ok = await r.nextResult();
    expect(ok!.columns).toBeNull();
    expect(await r.nextResult()).toBeNull();
    await conn.close();
  });

  it('multi-statements are a syntax error unless enabled', async () => {
    const conn = await open();
    await expect(conn.query('SELECT 1; SELECT 2')).rejects.toBeInstanceOf(ProgrammingError);
    expect(await rows(conn, 'SELECT 3')).toEqual([[3]]);
    await conn.close();
  });

  it('CALL returns each result set and a trailing OK result', async () => {
    const conn = await open();
    const r = await conn.query("CALL get_animal('cats')");
    expect(await r.current.read()).toEqual([[5]]);
    expect(await (await r.nextResult())!.read()).toEqual([[1, 2, 3]]);
    const last = await r.nextResult();
    expect(last!.columns).toBeNull();
    expect(await r.nextResult()).toBeNull();
    await conn.close();
  });

  for (const deprecateEof of [true, false]) {
    it(`reads results with CLIENT_DEPRECATE_EOF ${deprecateEof ? 'on' : 'off'}`, async () => {
      const conn = await open({ deprecateEof, multiStatements: true });
      expect(conn.deprecateEof).toBe(deprecateEof);
      const r = await conn.query("SELECT name FROM data ORDER BY id; SELECT 'x'");
      expect((await r.current.read()).map((x) => x[0])).toEqual(['antelopes', 'bears', 'cats', 'dogs', 'elephants']);
      expect(r.current.status!.serverStatus & ServerStatus.MORE_RESULTS_EXISTS).toBe(ServerStatus.MORE_RESULTS_EXISTS);
      expect(await (await r.nextResult())!.read()).toEqual([['x']]);
      await conn.close();
    });
  }

  it('reports affected rows, insert ids and warnings', async () => {
    const conn = await open({ database: db });
    await rows(conn, 'CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v TINYINT)');
    const r = await conn.query('INSERT IGNORE INTO t (v) VALUES (1), (2), (300)');
    expect(r.current.status).toMatchObject({ affectedRows: 3, insertId: 1 });
    expect(r.current.status!.warningCount).toBeGreaterThan(0);
    await conn.close();
  });

  it('ping, selectDb and reset work and keep the session usable', async () => {
    const conn = await open();
    await conn.ping();
    await conn.selectDb('mysql');
    expect(await rows(conn, 'SELECT DATABASE()')).toEqual([['mysql']]);
    await rows(conn, 'SET @x = 5');
    await conn.reset();
    expect(await rows(conn, 'SELECT @x')).toEqual([[null]]);
    await conn.close();
    await expect(conn.ping()).rejects.toBeInstanceOf(InterfaceError);
  });

  it('sends and receives payloads larger than 16 MiB', async () => {
    const conn = await open();
    const big = 'x'.repeat(17 * 1024 * 1024 + 11);
    const [[len, tail]] = (await rows(conn, `SELECT LENGTH('${big}'), RIGHT('${big}', 3)`)) as [[number, string]];
    expect(len).toBe(big.length);
    expect(tail).toBe('xxx');
    const [[echo]] = (await rows(conn, `SELECT REPEAT('ab', ${9 * 1024 * 1024})`)) as [[string]];
    expect(echo.length).toBe(18 * 1024 * 1024);
    await conn.close();
  });
});

describe('LOCAL INFILE', () => {
  const csv = 'John,Doe,34\nSandy,Smith,24\nPatty,Jones,57\n';
  const load = (name: string) => `LOAD DATA LOCAL INFILE '${name}' INTO TABLE ${db}.people FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n'`;

  it('loads from a file path under localInfileDir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2-infile-'));
    const file = join(dir, 'people.csv');
    writeFileSync(file, csv);
    const conn = await open({ localInfile: true, localInfileDir: dir });
    const r = await conn.query(load(file));
    expect(r.current.status!.affectedRows).toBe(3);
    await conn.close();
  });

  it('a file path without localInfileDir is refused (2068) and the session stays usable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2-infile-'));
    const file = join(dir, 'people.csv');
    writeFileSync(file, csv);
    const conn = await open({ localInfile: true });
    await expect(conn.query(load(file))).rejects.toMatchObject({ errno: 2068 });
    expect(await rows(conn, 'SELECT 1')).toEqual([[1]]);
    await conn.close();
  });

  const sources: [string, () => unknown][] = [
    ['a Uint8Array', () => Buffer.from(csv)],
    ['a Node Readable', () => Readable.from([Buffer.from(csv.slice(0, 7)), Buffer.from(csv.slice(7))])],
    [
      'an async iterable of strings',
      () =>
        (async function* () {
          yield 'John,Doe,34\n';
          yield 'Sandy,Smith,24\nPatty,Jones,57\n';
        })(),
    ],
    ['an array of chunks', () => [csv]],
    ['a plain string', () => csv],
  ];
  for (const [label, make] of sources) {
    it(`loads from ${label} via :stream:`, async () => {
      const conn = await open({ localInfile: true });
      const r = await conn.query(load(':stream:'), { infile: make() as never });
      expect(r.current.status!.affectedRows).toBe(3);
      await conn.close();
    });
  }

  it('a missing file is OperationalError 1017 and the session stays usable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2-infile-'));
    const conn = await open({ localInfile: true, localInfileDir: dir });
    await expect(conn.query(load(join(dir, 'missing.csv')))).rejects.toMatchObject({ errno: 1017 });
    expect(await rows(conn, 'SELECT 1')).toEqual([[1]]);
    await conn.close();
  });

  it(':stream: without a source is OperationalError 1017', async () => {
    const conn = await open({ localInfile: true });
    await expect(conn.query(load(':stream:'))).rejects.toThrow(/infile option/);
    expect(await rows(conn, 'SELECT 1')).toEqual([[1]]);
    await conn.close();
  });

  it('is refused with a clear error when not enabled', async () => {
    const conn = await open();
    const err = await conn.query(load(':stream:'), { infile: Buffer.from(csv) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect(await rows(conn, 'SELECT 1')).toEqual([[1]]);
    await conn.close();
  });
});

describe('streaming', () => {
  it('streams two million rows with bounded memory and pauses the socket', async () => {
    const conn = await open({ highWaterMark: 256 * 1024 });
    const r = await conn.query('SELECT seq, REPEAT("x", 20) FROM seq_1_to_2000000', { streaming: true });
    const before = process.memoryUsage().heapUsed;
    let n = 0;
    let sum = 0;
    let peak = 0;
    for await (const row of r.current) {
      n++;
      sum += row[0] as number;
      if ((n & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    expect(n).toBe(2_000_000);
    expect(sum).toBe((2_000_000 * 2_000_001) / 2);
    // Buffering every row would take hundreds of MiB; streaming stays within a few dozen.
    expect(peak).toBeLessThan(96 * 1024 * 1024);
    await conn.close();
  });

  it('a command issued mid-stream is rejected (no silent truncation) and works after drain()', async () => {
    const conn = await open();
    const r = await conn.query('SELECT seq FROM seq_1_to_100000', { streaming: true });
    expect(await r.current.read(10)).toHaveLength(10);
    // The advice names what a cursor user has: reading to the end, or closing the cursor.
    await expect(conn.query('SELECT 1')).rejects.toMatchObject({ errno: 2014, message: expect.stringMatching(/read it to the end or close its cursor/) });
    expect(await r.current.read(5)).toEqual([[11], [12], [13], [14], [15]]);
    await r.drain();
    expect(await rows(conn, 'SELECT 1')).toEqual([[1]]);
    await conn.close();
  });

  it('a server error in the middle of a stream is typed and leaves the session usable', async () => {
    const conn = await open();
    const r = await conn.query('SELECT IF(seq = 50000, (SELECT 1 UNION SELECT 2), seq) FROM seq_1_to_60000', { streaming: true });
    let seen = 0;
    const err = await (async () => {
      for await (const _ of r.current) seen++;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(1242);
    expect(seen).toBeGreaterThan(0);
    expect(await rows(conn, 'SELECT 2')).toEqual([[2]]);
    await conn.close();
  });
});

describe('cancellation and broken connections', () => {
  it('an AbortSignal cancels a running query via KILL QUERY; the connection stays usable', async () => {
    const conn = await open();
    const ac = new AbortController();
    const pending = conn.query('SELECT SLEEP(10) AS wire_cancel', { signal: ac.signal }).catch((e: unknown) => e);
    // Abort once the server shows the query running (a timer could fire before it was sent, and an
    // abort before sending never reaches KILL QUERY); the cap only stops a hang.
    expect(await pollUntil(statementRunning((q) => rows(admin, q), 'SELECT SLEEP(10) AS wire_cancel'))).toBe(true);
    ac.abort();
    const err = await pending;
    // The promise settles at the abort; SELECT 1 then works only because the KILL ended SLEEP(10)
    // within the cancel grace period (otherwise the session would have been discarded: 2006).
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(1317);
    expect(await rows(conn, 'SELECT 1')).toEqual([[1]]);
    await conn.close();
  });

  it('timeoutMs cancels a long query with errno 3024', async () => {
    const conn = await open();
    await expect(conn.query('SELECT SLEEP(10)', { timeoutMs: 200 })).rejects.toMatchObject({ errno: 3024 });
    expect(await rows(conn, 'SELECT 1')).toEqual([[1]]);
    await conn.close();
  });

  it('an already-aborted signal rejects without sending anything', async () => {
    const conn = await open();
    await expect(conn.query('SELECT 2', { signal: AbortSignal.abort() })).rejects.toMatchObject({ errno: 1317 });
    // Had SELECT 2 gone out, its answer would now be read as the answer to SELECT 1.
    expect(await rows(conn, 'SELECT 1')).toEqual([[1]]);
    await conn.close();
  });

  it('a connection killed mid-stream gives OperationalError, never a hang', async () => {
    const conn = await open();
    const r = await conn.query('SELECT seq FROM seq_1_to_5000000', { streaming: true });
    await r.current.read(100);
    await rows(admin, `KILL ${conn.connectionId}`);
    const err = await (async () => {
      for await (const _ of r.current) {
        /* drain */
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect(conn.isOpen).toBe(false);
    // A session the server closed is "gone away" (2006), as with other clients; only close() gives InterfaceError.
    await expect(conn.query('SELECT 1')).rejects.toMatchObject({ errno: 2006 });
    await expect(conn.query('SELECT 1')).rejects.toBeInstanceOf(OperationalError);
  });

  it('an idle session killed by the server is OperationalError 2006 on next use', async () => {
    const conn = await open();
    await rows(admin, `KILL ${conn.connectionId}`);
    // Poll for the close the server caused; the generous cap only stops a hang.
    for (let i = 0; i < 500 && conn.isOpen; i++) await new Promise((r) => setTimeout(r, 20));
    expect(conn.isOpen).toBe(false);
    await expect(conn.query('SELECT 1')).rejects.toMatchObject({ errno: 2006 });
    await conn.close();
    await expect(conn.query('SELECT 1')).rejects.toMatchObject({ errno: 2006 });
  });

  it('after close() commands fail with InterfaceError', async () => {
    const conn = await open();
    await conn.close();
    await expect(conn.query('SELECT 1')).rejects.toBeInstanceOf(InterfaceError);
  });

  it('queues concurrent queries on one connection in call order', async () => {
    const conn = await open();
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => conn.query(`SELECT ${i}, SLEEP(0.01)`).then((r) => r.current.read())));
    expect(results.map((r) => r[0][0])).toEqual([1, 2, 3, 4, 5]);
    await conn.close();
  });
});
