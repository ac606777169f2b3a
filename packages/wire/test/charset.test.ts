import { describe, expect, it } from 'vitest';
import { OptionError } from '@s2/base';
import { connectWire } from '@s2/wire';
import { open, rows } from './support/server.js';

/**
 * Statements are encoded and results decoded as UTF-8, so a session charset must be a UTF-8
 * one; anything else would store mangled text. Others are refused before connecting.
 */
describe('session charset', () => {
  for (const charset of ['latin1', 'ascii', 'cp1251', 'binary', 'bogus']) {
    it(`'${charset}' is refused with an OptionError before any connection is made`, async () => {
      const err = await connectWire({ host: '127.0.0.1', port: 1, charset }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OptionError);
      expect((err as Error).message).toMatch(/utf8mb4/);
    });
  }

  for (const charset of ['utf8mb4', 'utf8', 'utf8mb3', 'UTF8MB4']) {
    it(`'${charset}' stores and reads text unchanged`, async () => {
      const conn = await open({ charset });
      const text = 'héllo wörld ñ €';
      const [[back, hex]] = (await rows(conn, `SELECT '${text}', HEX(CONVERT('${text}' USING utf8mb4))`)) as [[string, string]];
      expect(back).toBe(text);
      expect(hex).toBe(Buffer.from(text, 'utf8').toString('hex').toUpperCase());
      await conn.close();
    });
  }
});
