import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OperationalError } from '@s2/base';
import { skipUnless, testServer } from '@s2/testing/vitest';
import type { WireTlsOptions } from '@s2/wire';
import { open } from './support/server.js';

/**
 * TLS material OpenSSL refuses is OperationalError 2026 naming the setting, before anything is
 * dialled, never a raw Node error out of the handshake.
 */
const noTls = testServer().tls ? null : 'no TLS material (SINGLESTOREDB_URL points at an external server)';

describe('bad TLS material', skipUnless(noTls, 'platform', 'wire TLS material'), () => {
  const tls = () => testServer().tls!;
  const clientCert = () => readFileSync(tls().clientCertPath);
  const clientKey = () => readFileSync(tls().clientKeyPath);

  const cases: [label: string, material: () => WireTlsOptions, names: RegExp][] = [
    ['an unknown cipher list', () => ({ ciphers: 'BOGUS' }), /tls\.ciphers \(ssl_cipher\)/],
    [
      'a key that is not the certificate’s',
      () => ({ cert: clientCert(), key: readFileSync(tls().keyPath) }),
      /tls\.cert \(ssl_cert\) with tls\.key \(ssl_key\)/,
    ],
    [
      'an encrypted key',
      () => ({
        cert: clientCert(),
        key: createPrivateKey(clientKey()).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }),
      }),
      /tls\.key \(ssl_key\).*encrypted private key/,
    ],
    ['a key that is not PEM', () => ({ cert: clientCert(), key: Buffer.from('not a key\n') }), /tls\.key \(ssl_key\)/],
    ['a certificate that is not PEM', () => ({ cert: Buffer.from('not a certificate\n'), key: clientKey() }), /tls\.cert \(ssl_cert\)/],
    ['a CA that is not PEM', () => ({ ca: Buffer.from('localhost\n') }), /tls\.ca \(ssl_ca\)/],
  ];

  for (const [label, material, names] of cases) {
    it(`${label} is OperationalError 2026 naming the setting`, async () => {
      const err = await open({ tls: { mode: 'preferred', ...material() } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationalError);
      expect(err).toMatchObject({ errno: 2026 });
      expect((err as Error).message).toMatch(names);
    });
  }

  it('the material is not checked when TLS is disabled, nor needed', async () => {
    const conn = await open({ tls: { mode: 'disabled', ciphers: 'BOGUS' } });
    await conn.ping();
    await conn.close();
  });

  it('good material still makes a verified TLS session', async () => {
    const conn = await open({ tls: { mode: 'verify-full', ca: tls().caPem, cert: clientCert(), key: clientKey(), servername: 'localhost' } });
    const r = await conn.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    const [[, cipher]] = (await r.current.read()) as [[string, string]];
    expect(cipher).not.toBe('');
    await conn.close();
  });
});
