import { sharedRegistry } from '@s2/base';
import { connect, type DriverFactory, OptionError, registerDriver, resolveConnectParams } from '@s2/core';
import { testServer } from '@s2/testing/vitest';
import { connectWire } from '@s2/wire';
import { afterEach, describe, expect, it } from 'vitest';

// Drivers registered here are removed again so that other files see the usual registry.
const registered: string[] = [];
function register(name: string, factory: DriverFactory): void {
  registered.push(name);
  registerDriver(name, factory);
}
afterEach(() => {
  for (const name of registered.splice(0)) sharedRegistry('drivers').delete(name);
});

describe('drivers registered with registerDriver', () => {
  it('a third-party driver name in the URL reaches its factory, which talks to a real server', async () => {
    const seen: string[] = [];
    register('tunnel', async (p) => {
      seen.push(`${p.driver} ${p.host}:${p.port}/${p.database}`);
      return connectWire({ host: p.host, port: p.port, user: p.user, password: p.password, database: p.database });
    });
    const info = testServer();
    const url = `tunnel://${info.root.user}:${encodeURIComponent(info.root.password)}@${info.host}:${info.port}/${info.database}`;
    const conn = await connect(url);
    try {
      expect(await conn.query('SELECT 40 + 2 AS answer')).toEqual([[42]]);
    } finally {
      await conn.close();
    }
    expect(seen).toEqual([`tunnel ${info.host}:${info.port}/${info.database}`]);
  });

  it('is accepted as the driver option and matched case-insensitively from a URL scheme', () => {
    register('MyTunnel', async () => {
      throw new Error('not opened in this test');
    });
    expect(resolveConnectParams({ host: 'h', driver: 'MyTunnel' }).driver).toBe('MyTunnel');
    expect(resolveConnectParams('mytunnel://u:p@h:1/db').driver).toBe('MyTunnel');
    expect(resolveConnectParams('MYTUNNEL://h').driver).toBe('MyTunnel');
  });

  it('an unregistered name is an OptionError listing the known drivers', () => {
    register('tunnel', async () => {
      throw new Error('not opened in this test');
    });
    expect(() => resolveConnectParams('nosuchdriver://h')).toThrow(OptionError);
    expect(() => resolveConnectParams('nosuchdriver://h')).toThrow(/Unrecognized protocol: nosuchdriver \(known drivers: mysql, http, https, .*tunnel/);
  });

  // A built-in driver whose package is missing is still a MissingPackageError naming the package:
  // see 'optional packages' in packaging.test.ts.
});
