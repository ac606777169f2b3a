import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OperationalError } from '@s2/base';
import type { Credentials, TestServerInfo } from '../server-info.js';
import { mariadbCli } from './cli.js';
import { freePort } from './free-port.js';
import { removeOnExit } from './exit-cleanup.js';
import { createTlsMaterial } from './tls-material.js';

const run = promisify(execFile);
const PLUGIN_DIR = '/usr/lib/mysql/plugin';
/** The fixtures file, found from the sources (src/mariadb/) or from the build (dist/). */
const FIXTURES =
  ['../../sql/fixtures-mariadb.sql', '../sql/fixtures-mariadb.sql'].map((rel) => fileURLToPath(new URL(rel, import.meta.url))).find((p) => existsSync(p)) ??
  'fixtures-mariadb.sql';

export interface RunningMariaDb {
  info: TestServerInfo;
  /** Stops the server and deletes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMariaDbOptions {
  /** Load the standard fixtures into `s2_test` (default true). */
  fixtures?: boolean;
  /** Extra mariadbd arguments. */
  args?: string[];
}

const ROOT_PASSWORD = 's2-root-pw';
const USERS = {
  native: { user: 's2_native', password: 'native-secret', plugin: 'mysql_native_password' },
  ed25519: { user: 's2_ed25519', password: 'ed25519-secret', plugin: 'client_ed25519' },
  noPassword: { user: 's2_nopass', password: '', plugin: 'mysql_native_password' },
  unicode: {
    user: 's2_unicode',
    password: 'пароль-密码-🔑-contraseña-ß-Ω-' + 'ünïcödé'.repeat(10),
    plugin: 'mysql_native_password',
  },
  tlsOnly: { user: 's2_tls', password: 'tls-secret', plugin: 'mysql_native_password' },
} satisfies Record<string, Credentials>;

function which(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    const p = join(dir, binary);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

const sqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

async function waitForSocket(socketPath: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new OperationalError(`mariadbd exited during start-up (${child.exitCode ?? child.signalCode}):\n${log.slice(-2000)}`);
    }
    try {
      await mariadbCli(socketPath, 'SELECT 1');
      return;
    } catch {
      if (Date.now() > deadline) throw new OperationalError('mariadbd did not accept connections within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts a private MariaDB: fresh data directory under the OS temp dir, loopback TCP on a free
 * port, its own Unix socket, TLS with a throwaway CA, one account per auth plugin.
 */
export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<RunningMariaDb> {
  const mariadbd = which('mariadbd') ?? which('mysqld');
  const installDb = which('mariadb-install-db') ?? which('mysql_install_db');
  if (!mariadbd || !installDb || !which('mariadb')) {
    throw new OperationalError(
      'MariaDB is not installed: the throwaway test server needs mariadbd, mariadb-install-db and the mariadb client. ' +
        'Install them with `apt-get install mariadb-server mariadb-client` (or run tooling/ensure-mariadb.sh), ' +
        'or set SINGLESTOREDB_URL to use an existing server.',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 's2-mariadb-'));
  let child: ChildProcess | null = null;
  const forget = removeOnExit(() => child, dir);
  const stopChild = async (c: ChildProcess) => {
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const stop = async () => {
    if (child) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    forget();
  };
  try {
    const dataDir = join(dir, 'data');
    await mkdir(dataDir);
    // A temp dir of its own: servers started at once (parallel test runs) otherwise collide on
    // /tmp/#sql-temptable-* files while the system tables are created.
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
    const [tls] = await Promise.all([
      createTlsMaterial(dir),
      run(
        installDb,
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--tmpdir=${tmp}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          '--skip-name-resolve',
          ...asRoot,
        ],
        { maxBuffer: 16 << 20 },
      ),
    ]);
    const socketPath = join(dir, 'mysqld.sock');
    const logPath = join(dir, 'error.log');
    const ed25519 = existsSync(join(PLUGIN_DIR, 'auth_ed25519.so'));
    let port = 0;
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      child = spawn(
        mariadbd,
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--tmpdir=${tmp}`,
          `--socket=${socketPath}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--pid-file=${join(dir, 'mysqld.pid')}`,
          `--log-error=${logPath}`,
          `--plugin-dir=${PLUGIN_DIR}`,
          ...(ed25519 ? ['--plugin-load-add=auth_ed25519'] : []),
          `--ssl-ca=${tls.caPath}`,
          `--ssl-cert=${tls.certPath}`,
          `--ssl-key=${tls.keyPath}`,
          '--local-infile=1',
          '--max-allowed-packet=256M',
          '--skip-name-resolve',
          '--skip-log-bin',
          '--character-set-server=utf8mb4',
          '--collation-server=utf8mb4_general_ci',
          '--innodb-buffer-pool-size=256M',
          '--innodb-flush-log-at-trx-commit=2',
          '--max-connections=500',
          ...asRoot,
          ...(options.args ?? []),
        ],
        { stdio: 'ignore' },
      );
      try {
        await waitForSocket(socketPath, child, logPath);
        break;
      } catch (err) {
        const log = await readFile(logPath, 'utf8').catch(() => '');
        if (attempt < 3 && /already in use|Can't start server: Bind/.test(log)) {
          // A server that lost the port race may still be shutting down; never leave it behind.
          await stopChild(child);
          continue;
        }
        throw err;
      }
    }

    const setup = [
      // mariadb-install-db also creates password-less root@127.0.0.1/::1/<hostname> and anonymous
      // accounts; being more specific than '%', they would shadow the accounts below.
      "DELETE FROM mysql.global_priv WHERE (User = 'root' AND Host <> 'localhost') OR User = ''",
      'FLUSH PRIVILEGES',
      `ALTER USER root@localhost IDENTIFIED BY ${sqlString(ROOT_PASSWORD)}`,
      `CREATE USER root@'%' IDENTIFIED BY ${sqlString(ROOT_PASSWORD)}`,
      `GRANT ALL PRIVILEGES ON *.* TO root@'%' WITH GRANT OPTION`,
      `CREATE USER ${USERS.native.user}@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD(${sqlString(USERS.native.password)})`,
      `CREATE USER ${USERS.noPassword.user}@'%'`,
      `CREATE USER ${USERS.unicode.user}@'%' IDENTIFIED BY ${sqlString(USERS.unicode.password)}`,
      `CREATE USER ${USERS.tlsOnly.user}@'%' IDENTIFIED BY ${sqlString(USERS.tlsOnly.password)} REQUIRE SSL`,
      ...(ed25519 ? [`CREATE USER ${USERS.ed25519.user}@'%' IDENTIFIED VIA ed25519 USING PASSWORD(${sqlString(USERS.ed25519.password)})`] : []),
      ...Object.values(USERS)
        .filter((u) => ed25519 || u !== USERS.ed25519)
        .map((u) => `GRANT ALL PRIVILEGES ON *.* TO ${u.user}@'%'`),
      'CREATE DATABASE s2_test',
    ].join(';\n');
    await mariadbCli(socketPath, setup);
    if (options.fixtures !== false) {
      await mariadbCli(socketPath, await readFile(FIXTURES, 'utf8'), { password: ROOT_PASSWORD, database: 's2_test' });
    }

    const info: TestServerInfo = {
      host: '127.0.0.1',
      port,
      socketPath,
      url: `mysql://root:${ROOT_PASSWORD}@127.0.0.1:${port}`,
      root: { user: 'root', password: ROOT_PASSWORD, plugin: 'mysql_native_password' },
      users: { ...USERS, ed25519: ed25519 ? USERS.ed25519 : null },
      tls,
      database: 's2_test',
      external: false,
    };
    return { info, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
