import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('refuses --target settings it cannot honour, contradictions and unreadable files', () => {
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h?charset=latin1'])).toThrow(/gateway cannot apply charset/);
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h?ssl_disabled=true&ssl_ca=/x.pem'])).toThrow(/contradictory TLS settings/);
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h?ssl_ca=/no/such/ca.pem'])).toThrow(/cannot read ssl_ca file/);
  });
});
