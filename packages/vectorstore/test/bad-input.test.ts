/**
 * Wrong types, missing arguments and oversized inputs at every public entry point: a typed
 * VectorStoreError before anything is sent, never a TypeError, a statement the caller did not
 * mean, or a statement far past the size it was promised to stay under. Observed through the
 * recording fake (every statement it receives is recorded).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Connection } from '@s2/core';
import { startRecordingMysqlServer, type RecordingServer } from '@s2/testing';
import { vectorDb, VectorStoreError, type IndexHandle } from '@s2/vectorstore';
import { respond } from './support/fixture.js';

let server: RecordingServer;
let conn: Connection;
let index: IndexHandle;
const sent = () => server.statements.map((s) => s.sql);

beforeEach(async () => {
  server = await startRecordingMysqlServer({ respond });
  conn = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
  index = await (await vectorDb(conn)).index('dp');
  server.reset();
});
afterEach(async () => {
  await conn.close();
  await server.close();
  expect(server.errors).toEqual([]);
});

/** Calls `fn` (any argument types) and returns what it rejected with. */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return 'resolved';
}

describe('vectorDb() sources', () => {
  it.each([
    ['a promise of a connection (a missing await)', () => Promise.resolve(conn)],
    ['null', () => null],
    ['a number', () => 42],
    ['a class instance that is no client', () => new Map()],
  ])('refuses %s instead of opening a pool from the environment', async (_label, source) => {
    const err = await rejection(() => vectorDb(source() as never));
    expect(err).toBeInstanceOf(VectorStoreError);
    expect((err as Error).message).toMatch(/connection, a pool, a URL or pool options/);
  });
});
