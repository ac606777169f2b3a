/**
 * close() called by a collocated function itself, from the synchronous part of an async
 * function: the call's signal is aborted before the function has returned its promise.
 */
import { describe, expect, it } from 'vitest';
import { encodeRowdat1, startCollocatedServer, t, udf, type CollocatedServer } from '../src/index.js';
import { collocatedGate as gate, database } from './support/collocated.js';

const within = <T>(p: Promise<T>, ms = 20_000) => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)))]).finally(() => clearTimeout(timer));
};

describe('collocated server: close() from inside a call', gate, () => {
  it('settles without waiting for the function that called it, whose call is aborted', async () => {
    let server: CollocatedServer | undefined;
    const closing: Promise<void>[] = [];
    const closer = udf({ name: 'closer', args: { x: t.bigint() }, returns: t.bigint(), timeoutMs: 3_600_000 }, async (x: bigint) => {
      closing.push(server!.close());
      // Waits for the close it started: nothing but the abort can end this call.
      await closing[0];
      return x;
    });
    server = await startCollocatedServer({ functions: [closer] });
    const answered = database(server.socketPath, 'closer', [encodeRowdat1([8], [1n], [[1n]])]).catch((err: unknown) => err);
    expect(await within(answered.then(() => 'answered'))).toBe('answered');
    expect(closing.length).toBe(1);
    expect(await within(closing[0].then(() => 'closed'))).toBe('closed');
  }, 60_000);
});
