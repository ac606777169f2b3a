import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotSupportedError, OptionError, OperationalError } from '@s2/base';
import { okPacket, startFakeMysqlServer, type FakeServer } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';
import { resolveTlsMode } from '@s2/wire';
import { connect, resolveConnectParams } from '@s2/core';
import { httpOptionsFor, tlsModeFor, wireOptionsFor } from '../src/connect.js';

/** The TLS mode a connect() call would use. */
const modeOf = (url: string | object, overrides: object = {}) => tlsModeFor(resolveConnectParams(url as never, overrides as never));

/** The TLS mode the wire connection ends up with, the host's default filled in. */
const wireModeOf = (url: string | object, overrides: object = {}) => resolveTlsMode(wireOptionsFor(resolveConnectParams(url as never, overrides as never)));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('TLS settings: explicit code beats environment and URL, contradictions are errors', () => {
  it('SINGLESTOREDB_SSL_DISABLED=1 does not downgrade tlsMode verify-full given in code', () => {
    vi.stubEnv('SINGLESTOREDB_SSL_DISABLED', '1');
    expect(modeOf('mysql://u:p@db.example.com:3306/x', { tlsMode: 'verify-full' })).toBe('verify-full');
  });

  it('SINGLESTOREDB_TLS_MODE=required does not turn off the verification that sslCa asks for', () => {
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', 'required');
    expect(modeOf({ host: 'db.example.com', sslCa: '/ca.pem' })).toBe('verify-full');
  });

  it('a URL ssl_disabled does not beat tlsMode in code', () => {
    expect(modeOf('mysql://u:p@db.example.com/x?ssl_disabled=1', { tlsMode: 'verify-ca' })).toBe('verify-ca');
  });

  it('ssl_verify_identity=true alone asks for verify-full, so a lower layer cannot weaken it', () => {
    expect(modeOf('mysql://u:p@db.example.com/x?ssl_verify_identity=true')).toBe('verify-full');
    expect(modeOf({ host: '127.0.0.1', sslVerifyIdentity: true })).toBe('verify-full');
    vi.stubEnv('SINGLESTOREDB_SSL_VERIFY_CERT', 'false');
    expect(modeOf('mysql://u:p@db.example.com/x?ssl_verify_identity=true')).toBe('verify-full');
    expect(modeOf({ host: 'db.example.com', sslVerifyIdentity: true })).toBe('verify-full');
    vi.stubEnv('SINGLESTOREDB_SSL_VERIFY_CERT', '');
    vi.stubEnv('SINGLESTOREDB_SSL_DISABLED', '1');
    expect(modeOf('mysql://u:p@db.example.com/x?ssl_verify_identity=true')).toBe('verify-full');
  });

  it('ssl_verify_identity=false in code or the URL turns a CA-driven verify-full from the environment into verify-ca', () => {
    vi.stubEnv('SINGLESTOREDB_SSL_CA', '/ca.pem');
    expect(modeOf({ host: 'db.example.com' })).toBe('verify-full');
    expect(modeOf({ host: 'db.example.com', sslVerifyIdentity: false })).toBe('verify-ca');
    expect(modeOf('mysql://u:p@db.example.com/x?ssl_verify_identity=false')).toBe('verify-ca');
    expect(resolveConnectParams('mysql://u:p@db.example.com/x', { sslVerifyIdentity: false })).toMatchObject({
      tlsMode: 'verify-ca',
      sslVerifyIdentity: false,
      sslCa: '/ca.pem',
    });
    vi.stubEnv('SINGLESTOREDB_SSL_VERIFY_IDENTITY', 'true');
    expect(modeOf('mysql://u:p@db.example.com/x', { sslVerifyIdentity: false })).toBe('verify-ca');
  });

  it('ssl_verify_identity=false from above never lowers anything but the host name check', () => {
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', 'required');
    expect(modeOf({ host: 'db.example.com', sslVerifyIdentity: false })).toBe('required');
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', '');
    // Only a setting above the deciding layer reaches down; one below it is ignored as before.
    expect(modeOf('mysql://u:p@db.example.com/x?ssl_verify_identity=true', { sslVerifyIdentity: false })).toBe('verify-ca');
    expect(modeOf('mysql://u:p@db.example.com/x?ssl_verify_identity=false', { sslVerifyIdentity: true })).toBe('verify-full');
    expect(modeOf('mysql://u:p@db.example.com/x?ssl_verify_identity=false', { tlsMode: 'verify-full' })).toBe('verify-full');
  });

  it('ssl_ca with ssl_verify_cert=false in the environment is an OptionError naming both variables', () => {
    vi.stubEnv('SINGLESTOREDB_SSL_CA', '/ca.pem');
    vi.stubEnv('SINGLESTOREDB_SSL_VERIFY_CERT', 'false');
    expect(() => resolveConnectParams('db.example.com')).toThrow(OptionError);
    expect(() => resolveConnectParams('db.example.com')).toThrow(/SINGLESTOREDB_SSL_CA.*SINGLESTOREDB_SSL_VERIFY_CERT/);
  });

  it('ssl_ca with ssl_verify_cert=false in one URL is an OptionError naming both', () => {
    expect(() => resolveConnectParams('mysql://u:p@db.example.com/x?ssl_ca=/ca.pem&ssl_verify_cert=false')).toThrow(
      /ssl_ca \(connection URL\).*ssl_verify_cert \(connection URL\)/,
    );
  });

  it('sslDisabled: false in code or ssl_disabled=0 in the URL keeps TLS on against SINGLESTOREDB_SSL_DISABLED=1', () => {
    vi.stubEnv('SINGLESTOREDB_SSL_DISABLED', '1');
    expect(wireModeOf('mysql://u:p@db.example.com:3306')).toBe('disabled');
    expect(wireModeOf('mysql://u:p@db.example.com:3306', { sslDisabled: false })).toBe('verify-full');
    expect(wireModeOf({ host: 'db.example.com', ssl_disabled: false })).toBe('verify-full');
    expect(wireModeOf('mysql://u:p@db.example.com:3306?ssl_disabled=0')).toBe('verify-full');
    expect(wireModeOf('mysql://u:p@db.example.com:3306?ssl_disabled=false')).toBe('verify-full');
    // The host's default, as with no TLS settings at all: loopback traffic prefers TLS.
    expect(wireModeOf('mysql://u:p@127.0.0.1:3306?ssl_disabled=0')).toBe('preferred');
    expect(modeOf('mysql://u:p@db.example.com:3306', { sslDisabled: false })).not.toBe('disabled');
  });

  it('ssl_disabled=false only keeps TLS on: a lower layer still decides any mode but disabled', () => {
    // Stricter below: still verified (it used to fall back to the loopback default, unverified).
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', 'verify-full');
    expect(wireModeOf('mysql://u:p@127.0.0.1:3306?ssl_disabled=0')).toBe('verify-full');
    expect(wireModeOf('mysql://u:p@127.0.0.1:3306', { sslDisabled: false })).toBe('verify-full');
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', '');
    vi.stubEnv('SINGLESTOREDB_SSL_VERIFY_CERT', '1');
    expect(wireModeOf('mysql://u:p@127.0.0.1:3306', { sslDisabled: false })).toBe('verify-full');
    vi.stubEnv('SINGLESTOREDB_SSL_VERIFY_CERT', '');
    // Weaker below (not off): it applies as it would without ssl_disabled=false.
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', 'required');
    expect(wireModeOf('mysql://u:p@db.example.com:3306?ssl_disabled=0')).toBe('required');
    expect(wireModeOf('mysql://u:p@db.example.com:3306?ssl_disabled=0&tls_mode=verify-ca')).toBe('verify-ca');
    expect(wireModeOf({ host: 'db.example.com', sslDisabled: false, sslVerifyCert: false })).toBe('required');
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', '');
    vi.stubEnv('SINGLESTOREDB_SSL_CA', '/ca.pem');
    vi.stubEnv('SINGLESTOREDB_SSL_VERIFY_IDENTITY', '0');
    expect(modeOf({ host: 'db.example.com', sslDisabled: false })).toBe('verify-ca');
  });

  it('SINGLESTOREDB_TLS_MODE=disabled alone is no clash with ssl_disabled, whose default is false', () => {
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', 'disabled');
    expect(modeOf({ host: 'db.example.com' })).toBe('disabled');
    vi.stubEnv('SINGLESTOREDB_SSL_DISABLED', '0');
    expect(() => resolveConnectParams('db.example.com')).toThrow(/SINGLESTOREDB_TLS_MODE.*SINGLESTOREDB_SSL_DISABLED/);
  });

  it('the environment still applies when the code says nothing about TLS', () => {
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', 'required');
    expect(modeOf({ host: 'db.example.com' })).toBe('required');
  });

  for (const [label, settings, names] of [
    ['tlsMode verify-full with sslDisabled', { tlsMode: 'verify-full', sslDisabled: true }, [/tls_mode/, /ssl_disabled/]],
    ['tlsMode disabled with sslDisabled false', { tlsMode: 'disabled', sslDisabled: false }, [/tls_mode/, /ssl_disabled/]],
    ['tlsMode required with sslCa', { tlsMode: 'required', sslCa: '/ca.pem' }, [/tls_mode/, /ssl_ca/]],
    ['sslDisabled with sslCa', { sslDisabled: true, sslCa: '/ca.pem' }, [/ssl_disabled/, /ssl_ca/]],
    ['tlsMode verify-ca with sslVerifyCert false', { tlsMode: 'verify-ca', sslVerifyCert: false }, [/tls_mode/, /ssl_verify_cert/]],
    ['tlsMode verify-full with sslVerifyIdentity false', { tlsMode: 'verify-full', sslVerifyIdentity: false }, [/tls_mode/, /ssl_verify_identity/]],
    ['sslVerifyCert false with sslVerifyIdentity true', { sslVerifyCert: false, sslVerifyIdentity: true }, [/ssl_verify_cert/, /ssl_verify_identity/]],
    ['sslDisabled with sslVerifyIdentity true', { sslDisabled: true, sslVerifyIdentity: true }, [/ssl_disabled/, /ssl_verify_identity/]],
    ['tlsMode required with sslVerifyIdentity true', { tlsMode: 'required', sslVerifyIdentity: true }, [/tls_mode/, /ssl_verify_identity/]],
    ['tlsMode verify-ca with sslVerifyIdentity true', { tlsMode: 'verify-ca', sslVerifyIdentity: true }, [/tls_mode/, /ssl_verify_identity/]],
    ['sslCa with sslVerifyCert false', { sslCa: '/ca.pem', sslVerifyCert: false }, [/ssl_ca/, /ssl_verify_cert/]],
    ['tlsMode required with sslCa and sslVerifyCert false', { tlsMode: 'required', sslCa: '/ca.pem', sslVerifyCert: false }, [/ssl_ca/, /ssl_verify_cert/]],
  ] as const) {
    it(`${label} is an OptionError naming both settings`, () => {
      const err = (() => {
        try {
          resolveConnectParams({ host: 'db.example.com', ...settings } as never);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(OptionError);
      for (const n of names) expect((err as Error).message).toMatch(n);
    });
  }

  it('ssl_verify_cert=false with ssl_verify_identity=true in one URL is an OptionError naming both', () => {
    expect(() => resolveConnectParams('mysql://u:p@db.example.com/x?ssl_verify_cert=false&ssl_verify_identity=true')).toThrow(OptionError);
    expect(() => resolveConnectParams('mysql://u:p@db.example.com/x?ssl_verify_cert=false&ssl_verify_identity=true')).toThrow(
      /ssl_verify_cert \(connection URL\).*ssl_verify_identity \(connection URL\)/,
    );
  });

  it('contradictions inside the environment are reported too', () => {
    vi.stubEnv('SINGLESTOREDB_TLS_MODE', 'verify-full');
    vi.stubEnv('SINGLESTOREDB_SSL_DISABLED', '1');
    expect(() => resolveConnectParams('db.example.com')).toThrow(/SINGLESTOREDB_TLS_MODE|tls_mode/);
  });

  describe('the Data API over plain http never carries a TLS requirement away silently', () => {
    const httpOptions =
      (url: string | object, overrides: object = {}) =>
      () =>
        httpOptionsFor(resolveConnectParams(url as never, overrides as never));

    it('SINGLESTOREDB_DRIVER=http does not turn tlsMode verify-full into cleartext HTTP', () => {
      vi.stubEnv('SINGLESTOREDB_DRIVER', 'http');
      expect(httpOptions({ host: 'db.example.com', user: 'u', password: 'p', tlsMode: 'verify-full' })).toThrow(OptionError);
      expect(httpOptions({ host: 'db.example.com', user: 'u', password: 'p', tlsMode: 'verify-full' })).toThrow(/tls_mode.*http|http.*tls_mode/);
    });

    it('an http:// URL with a TLS mode that requires TLS is an OptionError naming both', () => {
      for (const overrides of [{ tlsMode: 'required' }, { sslCa: '/ca.pem' }, { sslVerifyCert: true }, { sslVerifyIdentity: true }]) {
        expect(httpOptions('http://u:p@db.example.com:9000', overrides)).toThrow(OptionError);
      }
      vi.stubEnv('SINGLESTOREDB_TLS_MODE', 'verify-ca');
      expect(httpOptions('http://u:p@db.example.com:9000')).toThrow(/SINGLESTOREDB_TLS_MODE|tls_mode/);
    });

    it('https refuses every TLS setting weaker than its fixed full verification instead of ignoring it', () => {
      const https = 'https://u:p@db.example.com';
      for (const overrides of [
        { tlsMode: 'required' },
        { tlsMode: 'preferred' },
        { tlsMode: 'verify-ca' },
        { tlsMode: 'disabled' },
        { sslVerifyIdentity: false },
        { sslVerifyCert: false },
        { sslDisabled: true },
      ]) {
        expect(httpOptions(https, overrides)).toThrow(NotSupportedError);
      }
      expect(httpOptions(`${https}?tls_mode=verify-ca`)).toThrow(/tls_mode 'verify-ca'/);
      expect(httpOptions(`${https}?ssl_verify_identity=false`)).toThrow(NotSupportedError);
      vi.stubEnv('SINGLESTOREDB_TLS_MODE', 'required');
      expect(httpOptions(https)).toThrow(NotSupportedError);
    });

    it('https takes the settings that ask for what it does anyway', () => {
      for (const overrides of [{}, { tlsMode: 'verify-full' }, { sslVerifyIdentity: true }, { sslVerifyCert: true }, { sslDisabled: false }]) {
        expect(httpOptions('https://u:p@db.example.com', overrides)()).toMatchObject({ driver: 'https' });
      }
    });

    it('plain http without any TLS setting, or with TLS switched off, is still allowed', () => {
      expect(httpOptions('http://u:p@127.0.0.1:9000')()).toMatchObject({ driver: 'http' });
      expect(httpOptions('http://u:p@db.example.com:9000', { tlsMode: 'disabled' })()).toMatchObject({ driver: 'http' });
      expect(httpOptions('https://u:p@db.example.com', { tlsMode: 'verify-full' })()).toMatchObject({ driver: 'https' });
    });
  });

  describe('end to end against a server without TLS', () => {
    let server: FakeServer | null = null;
    afterEach(async () => {
      await server?.close();
      server = null;
    });

    it('SINGLESTOREDB_SSL_DISABLED=1 + connect(url, { tlsMode: "required" }) refuses cleartext (2026)', async () => {
      server = await startFakeMysqlServer(async (s) => {
        await s.login();
        await s.serveQueries(() => s.send(okPacket()));
      });
      vi.stubEnv('SINGLESTOREDB_SSL_DISABLED', '1');
      const err = await connect(`mysql://u:p@127.0.0.1:${server.port}`, { tlsMode: 'required' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationalError);
      expect(err).toMatchObject({ errno: 2026 });
    });

    it('ssl_verify_identity=true in the URL refuses cleartext (2026)', async () => {
      server = await startFakeMysqlServer(async (s) => {
        await s.login();
        await s.serveQueries(() => s.send(okPacket()));
      });
      const err = await connect(`mysql://u:p@127.0.0.1:${server.port}?ssl_verify_identity=true`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationalError);
      expect(err).toMatchObject({ errno: 2026 });
    });
  });

  describe('end to end against the test server with a throwaway CA', () => {
    const url = (query: string) => `${testServer().url}/?${query}`;

    it('SINGLESTOREDB_SSL_VERIFY_CERT=false does not skip the verification that ssl_verify_identity=true in the URL asks for', async () => {
      vi.stubEnv('SINGLESTOREDB_SSL_VERIFY_CERT', 'false');
      const err = await connect(url('ssl_verify_identity=true')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationalError);
      expect(err).toMatchObject({ errno: 2026 });
      expect((err as Error).message).toMatch(/TLS handshake failed/);
    });

    it('ssl_verify_cert=false&ssl_verify_identity=true is refused before connecting', async () => {
      await expect(connect(url('ssl_verify_cert=false&ssl_verify_identity=true'))).rejects.toThrow(OptionError);
    });

    /** The TLS cipher of a connection, '' when it is not encrypted. */
    const cipherOf = async (conn: Awaited<ReturnType<typeof connect>>) => {
      try {
        const [[, cipher]] = (await conn.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as [[string, string]];
        return cipher;
      } finally {
        await conn.close();
      }
    };
    // A name the server certificate does not carry, so only a host name check can fail on it.
    const wrongName = 'tls_sni_servername=wrong.example';

    it('SINGLESTOREDB_SSL_CA checks the host name, unless ssl_verify_identity=false is given in code or the URL', async () => {
      vi.stubEnv('SINGLESTOREDB_SSL_CA', testServer().tls!.caPath);
      const err = await connect(url(wrongName)).catch((e: unknown) => e);
      expect(err).toMatchObject({ errno: 2026 });
      expect(await cipherOf(await connect(url(wrongName), { sslVerifyIdentity: false }))).not.toBe('');
      expect(await cipherOf(await connect(url(`${wrongName}&ssl_verify_identity=false`)))).not.toBe('');
    });

    it('ssl_verify_identity=false in code still verifies the certificate against the CA from the environment', async () => {
      // The client certificate is not the CA that signed the server's: verification must fail.
      vi.stubEnv('SINGLESTOREDB_SSL_CA', testServer().tls!.clientCertPath);
      const err = await connect(url(wrongName), { sslVerifyIdentity: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationalError);
      expect(err).toMatchObject({ errno: 2026 });
      expect((err as Error).message).toMatch(/TLS handshake failed/);
    });

    it('ssl_ca with ssl_verify_cert=false is refused before connecting, in the URL and in the environment', async () => {
      const ca = encodeURIComponent(testServer().tls!.caPath);
      await expect(connect(url(`ssl_ca=${ca}&ssl_verify_cert=false`))).rejects.toThrow(OptionError);
      vi.stubEnv('SINGLESTOREDB_SSL_CA', testServer().tls!.caPath);
      vi.stubEnv('SINGLESTOREDB_SSL_VERIFY_CERT', 'false');
      await expect(connect(url(''))).rejects.toThrow(/SINGLESTOREDB_SSL_CA.*SINGLESTOREDB_SSL_VERIFY_CERT/);
    });

    it('SINGLESTOREDB_SSL_DISABLED=1 does not turn off TLS that ssl_disabled=0 in the URL or sslDisabled: false in code keeps on', async () => {
      vi.stubEnv('SINGLESTOREDB_SSL_DISABLED', '1');
      expect(await cipherOf(await connect(url('')))).toBe('');
      expect(await cipherOf(await connect(url('ssl_disabled=0')))).not.toBe('');
      expect(await cipherOf(await connect(url(''), { sslDisabled: false }))).not.toBe('');
    });

    it('ssl_verify_identity=true with the CA that signed the certificate connects over TLS', async () => {
      const conn = await connect(url(`ssl_verify_identity=true&ssl_ca=${encodeURIComponent(testServer().tls!.caPath)}`));
      try {
        const [[, cipher]] = (await conn.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as [[string, string]];
        expect(cipher).not.toBe('');
      } finally {
        await conn.close();
      }
    });
  });
});
