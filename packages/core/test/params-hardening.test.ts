import { describe, expect, it } from 'vitest';
import { OptionError, ProgrammingError } from '@s2/base';
import { createPool, resolveConnectParams } from '@s2/core';
import { testServer } from '@s2/testing/vitest';
import { open } from './support.js';

describe('URL and host parsing', () => {
  it('a malformed percent-escape is an OptionError naming the part, not a bare URIError', () => {
    for (const url of ['mysql://u:%ZZ@h/db', 'mysql://%E0%A4%A@h', 'mysql://u:p@h/%zz', 'mysql://u:p@h/db?charset=%']) {
      const err = (() => {
        try {
          resolveConnectParams(url);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(OptionError);
      expect((err as Error).message).toMatch(/malformed percent-escape/);
    }
  });

  it('IPv6 literals are hosts, bare or bracketed, in options and URLs', () => {
    expect(resolveConnectParams({ host: '::1' })).toMatchObject({ host: '::1', port: 3306 });
    expect(resolveConnectParams({ host: '[::1]', port: 3307 })).toMatchObject({ host: '::1', port: 3307 });
    expect(resolveConnectParams({ host: 'fe80::1:2' })).toMatchObject({ host: 'fe80::1:2', port: 3306 });
    expect(resolveConnectParams('mysql://u:p@[::1]:3307/db')).toMatchObject({ host: '::1', port: 3307, database: 'db' });
  });

  it('an unparseable URL does not echo its password', () => {
    expect(() => resolveConnectParams('mysql://u:TopSecret@h:3306:99')).toThrow(OptionError);
    const err = (() => {
      try {
        resolveConnectParams('mysql://u:TopSecret@h:3306:99');
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err!.message).not.toContain('TopSecret');
  });
});

describe('createPool', () => {
  it('accepts a URL string, like connect() and mysql2', async () => {
    const pool = createPool(`${testServer().url}/${testServer().database}`);
    try {
      expect(await pool.query('SELECT 1')).toEqual([[1]]);
    } finally {
      await pool.end();
    }
    const pool2 = createPool(`${testServer().url}/${testServer().database}`, { max: 2 });
    try {
      expect(await pool2.query('SELECT 2')).toEqual([[2]]);
    } finally {
      await pool2.end();
    }
  });

  it('rejects non-objects with a clear message', () => {
    for (const bad of [42, null, ['mysql://h'], true]) {
      expect(() => createPool(bad as never)).toThrow(/createPool\(\) takes a connection URL or an options object/);
    }
  });
});

describe('result-type aliases work per query and per cursor, as in connect()', () => {
  it('dicts, numpy and tuple spellings', async () => {
    const conn = await open();
    try {
      expect(await conn.query('SELECT 1 AS a', undefined, { resultsType: 'dicts' })).toEqual([{ a: 1 }]);
      const cur = conn.cursor({ resultsType: 'dict' });
      await cur.execute('SELECT 2 AS b');
      expect(await cur.fetchall()).toEqual([{ b: 2 }]);
      await cur.close();
      const frame = await conn.queryFrame('SELECT 3 AS c', undefined, { resultsType: 'numpy' });
      expect((frame as { columns: { name: string }[] }).columns.map((c) => c.name)).toEqual(['c']);
      expect(await conn.query('SELECT 4', undefined, { resultsType: 'tuple' })).toEqual([[4]]);
    } finally {
      await conn.close();
    }
  });
});

describe('parameters follow the escaping mode the statement is sent in', () => {
  it('a statement queued behind SET sql_mode = NO_BACKSLASH_ESCAPES is formatted for the new mode', async () => {
    const conn = await open();
    try {
      const hostile = "x\\' , 1 AS injected -- ";
      // Not awaited: the second statement is formatted while the SET is still on its way.
      const setting = conn.execute("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'");
      const rows = await conn.query('SELECT %s AS v', [hostile]);
      await setting;
      expect(rows).toEqual([[hostile]]);
      // And back: formatted for backslash escapes again.
      const back = conn.execute("SET SESSION sql_mode = ''");
      expect(await conn.query('SELECT %s AS v', [hostile])).toEqual([[hostile]]);
      await back;
    } finally {
      await conn.close();
    }
  });
});

describe('callproc names are identifiers, never SQL', () => {
  it('over the wire a name that is not a plain (db.)procedure name is a ProgrammingError and nothing runs', async () => {
    const conn = await open();
    try {
      await conn.execute('SET @r5_probe = 0');
      for (const name of ['p(1), (SELECT 1) -- ', 'x=1, @r5_probe=1, @y', 'p; SELECT 1', '`p`']) {
        await expect(conn.cursor().callproc(name, [1])).rejects.toBeInstanceOf(ProgrammingError);
      }
      expect(await conn.query('SELECT @r5_probe')).toEqual([[0]]);
    } finally {
      await conn.close();
    }
  });
});
