import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { open } from './support.js';

const db = uniqueDatabaseName('inject');
const TRICKY = [
  "'",
  "''",
  '"',
  '\\',
  "\\'",
  '\0',
  '\n',
  '\r',
  '\x1a',
  '%s',
  '%(x)s',
  '?',
  ':name',
  "'; DROP TABLE t; --",
  "' OR '1'='1",
  '🥷🧙👻.eth',
  '\u2028\u2029',
  'e\u0301',
  '\uFEFF',
  '\u202E',
  'a'.repeat(10_000),
  "\\\\'\\\\'",
  '/* */',
  '`x`',
];

for (const mode of ['default', 'NO_BACKSLASH_ESCAPES'] as const) {
  describe(`parameters round-trip unchanged (${mode})`, () => {
    let conn: Connection;
    beforeAll(async () => {
      conn = await open({ database: 's2_test' });
      if (mode === 'NO_BACKSLASH_ESCAPES') await conn.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
      await conn.execute(`CREATE DATABASE IF NOT EXISTS ${db}`);
      await conn.execute(`CREATE TABLE IF NOT EXISTS ${db}.rt_${mode === 'default' ? 'a' : 'b'} (id INT, s LONGTEXT CHARACTER SET utf8mb4, b LONGBLOB)`);
    });
    afterAll(async () => {
      await conn.execute(`DROP DATABASE IF EXISTS ${db}`);
      await conn.close();
    });

    it('the session reports the escaping mode we expect', async () => {
      const [[sqlMode]] = await conn.query<[string]>('SELECT @@SESSION.sql_mode');
      expect(sqlMode.includes('NO_BACKSLASH_ESCAPES')).toBe(mode === 'NO_BACKSLASH_ESCAPES');
      expect(conn.literalContext().noBackslashEscapes).toBe(mode === 'NO_BACKSLASH_ESCAPES');
    });

    it('every byte value 0–255 as a one-character string and inside a Buffer', async () => {
      const chars = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
      const rows = await conn.query<[string, Buffer]>(
        `SELECT ${chars.map(() => '?, ?').join(', ')}`,
        chars.flatMap((c, i) => [c, Buffer.from([i])]),
      );
      const flat = rows[0] as unknown[];
      chars.forEach((c, i) => {
        expect(flat[2 * i], `char ${i}`).toBe(c);
        expect(flat[2 * i + 1], `byte ${i}`).toEqual(Buffer.from([i]));
      });
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      expect(await conn.query('SELECT ?', [all])).toEqual([[all]]);
    });

    it('tricky strings through SELECT and through INSERT/SELECT', async () => {
      const table = `${db}.rt_${mode === 'default' ? 'a' : 'b'}`;
      for (const [i, s] of TRICKY.entries()) {
        expect(await conn.query('SELECT ?', [s]), JSON.stringify(s).slice(0, 40)).toEqual([[s]]);
        await conn.execute(`INSERT INTO ${table} VALUES (?, ?, ?)`, [i, s, Buffer.from(s, 'utf8')]);
      }
      const rows = await conn.query<[number, string, Buffer]>(`SELECT id, s, b FROM ${table} ORDER BY id`);
      expect(rows.map((r) => r[1])).toEqual(TRICKY);
      expect(rows.map((r) => r[2].toString('utf8'))).toEqual(TRICKY);
      // The table survived every attempt.
      expect(await conn.query(`SELECT COUNT(*) FROM ${table}`)).toEqual([[TRICKY.length]]);
    });

    it('named parameters and IN lists', async () => {
      expect(await conn.query('SELECT :a, :b, :a', { a: "'", b: '\\' })).toEqual([["'", '\\', "'"]]);
      expect(await conn.query('SELECT id FROM data WHERE id IN ? ORDER BY id', [["a'", 'b', 'c']])).toEqual([['b'], ['c']]);
    });
  });
}
