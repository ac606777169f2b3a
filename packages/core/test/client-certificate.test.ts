import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionError } from '@s2/base';
import { uniqueDatabaseName } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';
import { connect } from '@s2/core';

/**
 * ssl_cert without ssl_key, as the Python SDK's load_cert_chain(cert, keyfile=None) reads it:
 * the key comes from the certificate file, and a file without one is an error, never a
 * connection that quietly presents no certificate.
 */
describe('a client certificate for a REQUIRE X509 account', () => {
  const user = uniqueDatabaseName('x509').slice(0, 32);
  const password = 'x509-secret';
  let dir = '';
  let combined = '';

  const login = (tls: object) => {
    const { host, port } = testServer();
    return connect({ host, port, user, password, ...tls });
  };
  const currentUser = async (tls: object) => {
    const conn = await login(tls);
    try {
      return await conn.query('SELECT CURRENT_USER()');
    } finally {
      await conn.close();
    }
  };

  beforeAll(async () => {
    const root = await connect(testServer().url);
    try {
      await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}' REQUIRE X509`);
    } finally {
      await root.close();
    }
    dir = mkdtempSync(join(tmpdir(), 's2-client-cert-'));
    combined = join(dir, 'client-combined.pem');
    const tls = testServer().tls!;
    writeFileSync(combined, Buffer.concat([readFileSync(tls.clientCertPath), readFileSync(tls.clientKeyPath)]));
  });

  afterAll(async () => {
    const root = await connect(testServer().url);
    try {
      await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
    } finally {
      await root.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is presented from one file holding both certificate and key when ssl_key is not given', async () => {
    expect(await currentUser({ sslCert: combined })).toEqual([[`${user}@%`]]);
  });

  it('is presented from separate certificate and key files', async () => {
    const tls = testServer().tls!;
    expect(await currentUser({ sslCert: tls.clientCertPath, sslKey: tls.clientKeyPath })).toEqual([[`${user}@%`]]);
  });

  it('without a private key anywhere is an OptionError, not a login without the certificate', async () => {
    const err = await login({ sslCert: testServer().tls!.clientCertPath }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionError);
    expect((err as Error).message).toMatch(/ssl_cert has no private key; set ssl_key/);
  });
});
