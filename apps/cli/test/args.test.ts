import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OptionError } from '@s2/base';
import { parseCommand } from '../src/args.js';

describe('s2 argument parsing', () => {
  it('passes the gateway limits and the UDF worker count through', () => {
    expect(parseCommand(['data-api-gateway', '--target', 'mysql://h:3307', '--max-connections', '4', '--query-timeout', '1500'])).toMatchObject({
      command: 'data-api-gateway',
      target: { host: 'h', port: 3307 },
      maxConnections: 4,
      queryTimeoutMs: 1500,
    });
    expect(parseCommand(['data-api-gateway', '--target', 'mysql://h'])).toMatchObject({
      maxConnections: 32,
      queryTimeoutMs: 0,
      requestTimeoutMs: 30000,
      maxQueued: undefined,
    });
    expect(parseCommand(['data-api-gateway', '--target', 'mysql://h', '--request-timeout', '5000', '--max-queued', '0'])).toMatchObject({
      requestTimeoutMs: 5000,
      maxQueued: 0,
    });
    expect(parseCommand(['udf', 'serve', 'f.ts', '--workers', '3'])).toMatchObject({ command: 'udf-serve', workers: 3 });
    expect(parseCommand(['udf', 'serve', 'f.ts'])).toMatchObject({ workers: 0 });
  });

  it('refuses limits that are not whole numbers', () => {
    expect(() => parseCommand(['udf', 'serve', 'f.ts', '--workers=-1'])).toThrow(OptionError);
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h', '--query-timeout', '1.5'])).toThrow(/--query-timeout must be a whole number/);
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h', '--max-connections', '0'])).toThrow(/--max-connections must be a positive integer/);
  });

  it("passes the --target URL's TLS settings and connect timeout to the gateway instead of dropping them", () => {
    const ca = join(mkdtempSync(join(tmpdir(), 's2-args-')), 'ca.pem');
    writeFileSync(ca, 'not really a PEM');
    const verified = parseCommand(['data-api-gateway', '--target', `mysql://u:p@10.0.0.5:3307/db?ssl_ca=${ca}&ssl_verify_identity=false&connect_timeout=3`]);
    expect(verified).toMatchObject({
      target: { host: '10.0.0.5', port: 3307, tls: { mode: 'verify-ca', ca: Buffer.from('not really a PEM') } },
      connectTimeoutMs: 3000,
    });
    expect(parseCommand(['data-api-gateway', '--target', 'mysql://10.0.0.5?ssl_disabled=true'])).toMatchObject({
      target: { host: '10.0.0.5', port: 3306, tls: { mode: 'disabled' } },
    });
    expect(parseCommand(['data-api-gateway', '--target', 'mysql://h?tls_mode=required&tls_sni_servername=db.example'])).toMatchObject({
      target: { tls: { mode: 'required', servername: 'db.example' } },
    });
    const plain = parseCommand(['data-api-gateway', '--target', 'mysql://[::1]:3307']);
    expect(plain).toMatchObject({ target: { host: '::1', port: 3307 }, connectTimeoutMs: undefined });
    expect((plain as { target: object }).target).not.toHaveProperty('tls');
  });

  it("takes the --target URL's TLS from the URL alone, never from SINGLESTOREDB_SSL_* meant for other connections", () => {
    const target = (url: string) => (parseCommand(['data-api-gateway', '--target', url]) as { target: { tls?: object } }).target;
    try {
      vi.stubEnv('SINGLESTOREDB_SSL_DISABLED', '1');
      // A URL that only drops the host name check must not let the environment turn TLS off.
      expect(target('mysql://10.0.0.5?ssl_verify_identity=false')).not.toHaveProperty('tls');
      expect(target('mysql://10.0.0.5?ssl_disabled=0')).not.toHaveProperty('tls');
      expect(target('mysql://10.0.0.5?tls_mode=required')).toMatchObject({ tls: { mode: 'required' } });
      vi.stubEnv('SINGLESTOREDB_SSL_DISABLED', '');
      vi.stubEnv('SINGLESTOREDB_SSL_CA', '/env/ca.pem');
      // verify-ca against a CA the gateway was never given would check nothing it was asked to.
      expect(target('mysql://10.0.0.5?ssl_verify_identity=false')).not.toHaveProperty('tls');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses --target settings it cannot honour, contradictions and unreadable files', () => {
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h?charset=latin1'])).toThrow(/gateway cannot apply charset/);
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h?ssl_disabled=true&ssl_ca=/x.pem'])).toThrow(/contradictory TLS settings/);
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h?ssl_ca=/no/such/ca.pem'])).toThrow(/cannot read ssl_ca file/);
  });
});

describe('s2 udf serve: SINGLESTOREDB_EXT_FUNC_* defaults (udf spec 5.13, 9.4)', () => {
  const setEnv = (vars: Record<string, string>) => {
    for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
  };
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('without them: 127.0.0.1:8000, ROWDAT_1, info, 32 connections', () => {
    expect(parseCommand(['udf', 'serve', 'f.ts'])).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      url: undefined,
      format: 'rowdat_1',
      replace: false,
      logLevel: 'info',
      maxConnections: 32,
      socketPath: undefined,
      functionDatabase: undefined,
      namePrefix: undefined,
    });
  });

  it('each flag left out takes its variable', () => {
    setEnv({
      SINGLESTOREDB_EXT_FUNC_HOST: '0.0.0.0',
      SINGLESTOREDB_EXT_FUNC_PORT: '9001',
      SINGLESTOREDB_EXT_FUNC_URL: 'http://udf.example:9001/invoke',
      SINGLESTOREDB_EXT_FUNC_DATA_FORMAT: 'json',
      SINGLESTOREDB_EXT_FUNC_REPLACE_EXISTING: '1',
      SINGLESTOREDB_EXT_FUNC_LOG_LEVEL: 'debug',
      SINGLESTOREDB_EXT_FUNC_FUNCTION_DATABASE: 'fdb',
      SINGLESTOREDB_EXT_FUNC_NAME_PREFIX: 'p_',
      SINGLESTOREDB_EXT_FUNC_NAME_SUFFIX: '_s',
      SINGLESTOREDB_EXT_FUNC_LINK_NAME: 'lnk',
      SINGLESTOREDB_EXT_FUNC_SOCKET_PATH: '/tmp/udf.sock',
      SINGLESTOREDB_EXT_FUNC_MAX_CONNECTIONS: '5',
      SINGLESTOREDB_EXT_FUNC_CONNECTION: 'mysql://u:p@db:3306/x',
    });
    expect(parseCommand(['udf', 'serve', 'f.ts', '--register'])).toMatchObject({
      host: '0.0.0.0',
      port: 9001,
      url: 'http://udf.example:9001/invoke',
      format: 'json',
      replace: true,
      logLevel: 'debug',
      functionDatabase: 'fdb',
      namePrefix: 'p_',
      nameSuffix: '_s',
      linkName: 'lnk',
      socketPath: '/tmp/udf.sock',
      maxConnections: 5,
      db: 'mysql://u:p@db:3306/x',
      register: true,
    });
    // Flags win.
    expect(
      parseCommand([
        'udf',
        'serve',
        'f.ts',
        '--host',
        '127.0.0.2',
        '--port',
        '0',
        '--format',
        'rowdat_1',
        '--log-level',
        'info',
        '--max-connections',
        '2',
        '--name-prefix',
        '',
        '--db',
        'mysql://other',
      ]),
    ).toMatchObject({ host: '127.0.0.2', port: 0, format: 'rowdat_1', logLevel: 'info', maxConnections: 2, namePrefix: '', db: 'mysql://other' });
  });

  it('collocated mode ignores DATA_FORMAT (ROWDAT_1 only) but refuses an explicit --format json', () => {
    setEnv({ SINGLESTOREDB_EXT_FUNC_DATA_FORMAT: 'json' });
    expect(parseCommand(['udf', 'serve', 'f.ts', '--collocated'])).toMatchObject({ collocated: true, format: 'rowdat_1' });
    expect(() => parseCommand(['udf', 'serve', 'f.ts', '--collocated', '--format', 'json'])).toThrow(/ROWDAT_1 only/);
  });

  it('warning and error levels are taken; bad values are OptionErrors naming the variable or flag', () => {
    setEnv({ SINGLESTOREDB_EXT_FUNC_LOG_LEVEL: 'warning' });
    expect(parseCommand(['udf', 'serve', 'f.ts'])).toMatchObject({ logLevel: 'warning' });
    expect(() => parseCommand(['udf', 'serve', 'f.ts', '--log-level', 'loud'])).toThrow(/--log-level must be one of info, debug, warning, error/);
    setEnv({ SINGLESTOREDB_EXT_FUNC_PORT: 'eighty' });
    expect(() => parseCommand(['udf', 'serve', 'f.ts'])).toThrow(/SINGLESTOREDB_EXT_FUNC_PORT/);
    setEnv({ SINGLESTOREDB_EXT_FUNC_PORT: '8000', SINGLESTOREDB_EXT_FUNC_LINK_NAME: 'a b' });
    expect(() => parseCommand(['udf', 'serve', 'f.ts'])).toThrow(/--link-name must be letters, digits and _/);
  });

  it('the gateway, which shares --host, --port and --max-connections, is not affected', () => {
    setEnv({ SINGLESTOREDB_EXT_FUNC_HOST: '0.0.0.0', SINGLESTOREDB_EXT_FUNC_PORT: '9001', SINGLESTOREDB_EXT_FUNC_MAX_CONNECTIONS: '5' });
    expect(parseCommand(['data-api-gateway', '--target', 'mysql://h'])).toMatchObject({ host: '127.0.0.1', port: 9000, maxConnections: 32 });
  });
});
