import { describe, expect, it, vi } from 'vitest';
import { connect, MissingPackageError, nativeStatus, NotSupportedError, registerResultFormat } from '@s2/core';
import { pureDecoder, sharedRegistry } from '@s2/base';
import { testServer } from '@s2/testing/vitest';

// A second copy of a module, as an app gets with two versions of a package (or its ESM and CJS builds).
async function secondCopy<T>(load: () => Promise<T>): Promise<T> {
  vi.resetModules();
  return load();
}

describe('registries shared by every copy of the packages', () => {
  it('a result format registered through another copy of @s2/core is found', async () => {
    const mine = await import('../src/results/formats.js');
    const other = await secondCopy(() => import('../src/results/formats.js'));
    expect(other.resultFormat).not.toBe(mine.resultFormat);
    other.registerResultFormat({ name: 'copy-test', prepare: () => ({ rows: (b) => b.map((r) => r.length) }) });
    expect(mine.resultFormat('copy-test').name).toBe('copy-test');
    registerResultFormat({ name: 'copy-test-2', prepare: () => ({ rows: (b) => b }) });
    expect(other.resultFormat('copy-test-2').name).toBe('copy-test-2');
  });

  it('a driver registered through another copy is used by connect()', async () => {
    const other = await secondCopy(() => import('../src/drivers/registry.js'));
    const boom = new Error('the copy-test driver ran');
    other.registerDriver('https', async () => {
      throw boom;
    });
    try {
      await expect(connect('https://u:p@example.invalid/db')).rejects.toBe(boom);
    } finally {
      sharedRegistry('drivers').delete('https');
    }
  });
});

describe('optional packages', () => {
  it('a transport package that is not installed is a MissingPackageError naming it', async () => {
    const modules = await import('../src/drivers/modules.js');
    const notFound = Object.assign(new Error("Cannot find package '@s2/http' imported from /app/x.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    modules.installPackageLoaders('Node', { '@s2/http': () => Promise.reject(notFound) });
    try {
      const err = await connect('http://u:p@127.0.0.1:9/db').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MissingPackageError);
      expect(err).toBeInstanceOf(NotSupportedError);
      expect((err as MissingPackageError).packageName).toBe('@s2/http');
      expect((err as Error).message).toContain('npm install @s2/http');
    } finally {
      modules.installPackageLoaders('Node', { '@s2/http': () => import('@s2/http') });
    }
  });

  it('the decoder is chosen at connect and reported by nativeStatus()', async () => {
    const info = testServer();
    const conn = await connect({ host: info.host, port: info.port, user: info.root.user, password: info.root.password, pureJs: true });
    try {
      expect(conn.decoder).toBe(pureDecoder);
    } finally {
      await conn.close();
    }
    const auto = await connect({ host: info.host, port: info.port, user: info.root.user, password: info.root.password });
    try {
      const status = nativeStatus();
      expect(typeof status.source).toBe('string');
      expect(auto.decoder.kind).toBe(status.loaded ? 'native' : 'pure');
    } finally {
      await auto.close();
    }
  });
});

describe('errors from the server', () => {
  it('carry the symbolic code next to errno (err.code, as mysql2 users expect)', async () => {
    const info = testServer();
    const conn = await connect({ host: info.host, port: info.port, user: info.root.user, password: info.root.password, database: info.database });
    try {
      await conn.query('CREATE TEMPORARY TABLE dup (id INT PRIMARY KEY)');
      await conn.query('INSERT INTO dup VALUES (1)');
      const err = (await conn.query('INSERT INTO dup VALUES (1)').catch((e: unknown) => e)) as { errno: number; code: string };
      expect(err.errno).toBe(1062);
      expect(err.code).toBe('ER_DUP_ENTRY');
      const missing = (await conn.query('SELECT * FROM no_such_table_here').catch((e: unknown) => e)) as { code: string };
      expect(missing.code).toBe('ER_NO_SUCH_TABLE');
    } finally {
      await conn.close();
    }
  });
});
