import { currentQueryOptions, OperationalError, withQueryOptions } from '@s2/core';
import { describe, expect, it } from 'vitest';
import { open } from './support.js';

describe('withQueryOptions (the scope @s2/drizzle and @s2/kysely read)', () => {
  it('outside a scope only the default timeout applies', () => {
    expect(currentQueryOptions(250)).toEqual({ signal: undefined, timeoutMs: 250 });
    expect(currentQueryOptions()).toEqual({ signal: undefined, timeoutMs: undefined });
  });

  it('follows awaits, and a nested scope replaces only the fields it sets', async () => {
    const ac = new AbortController();
    const seen = await withQueryOptions({ signal: ac.signal, timeoutMs: 1000 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const outer = currentQueryOptions(5);
      const inner = await withQueryOptions({ timeoutMs: 20 }, async () => {
        await Promise.resolve();
        return currentQueryOptions(5);
      });
      return { outer, inner, after: currentQueryOptions(5) };
    });
    expect(seen.outer).toEqual({ signal: ac.signal, timeoutMs: 1000 });
    expect(seen.inner).toEqual({ signal: ac.signal, timeoutMs: 20 });
    expect(seen.after).toEqual({ signal: ac.signal, timeoutMs: 1000 });
    expect(currentQueryOptions(5).signal).toBeUndefined();
  });

  it('a lazy thenable returned by fn (a query builder) is started inside the scope', async () => {
    let seen: unknown;
    const builder = {
      // biome-ignore lint/suspicious/noThenProperty: a lazy thenable (a query builder) is what this test is about
      then<R>(resolve: (v: string) => R, reject: (e: unknown) => R) {
        seen = currentQueryOptions();
        return Promise.resolve('rows').then(resolve, reject);
      },
    };
    const out = withQueryOptions({ timeoutMs: 42 }, () => builder);
    expect(seen).toEqual({ signal: undefined, timeoutMs: 42 });
    expect(await out).toBe('rows');
  });

  it('a scope signal handed to Cursor.execute cancels a running statement', async () => {
    const conn = await open();
    try {
      const ac = new AbortController();
      const cur = conn.cursor();
      const running = withQueryOptions({ signal: ac.signal }, () => cur.execute('SELECT SLEEP(20)', undefined, currentQueryOptions()));
      setTimeout(() => ac.abort(), 200);
      await expect(running).rejects.toBeInstanceOf(OperationalError);
      // The session is still usable: the statement was killed, not left running.
      expect(await conn.query('SELECT 1')).toEqual([[1]]);
    } finally {
      await conn.close();
    }
  });
});
