import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFreeTierFake, type FreeTierFake } from '@s2/fakes/free-tier';
import { ServerStartError, startFreeTier } from '@s2/server';
import { testServer } from '@s2/testing/vitest';

let fake: FreeTierFake;
beforeEach(async () => {
  fake = await startFreeTierFake();
});
afterEach(async () => {
  await fake.close();
});

describe('startFreeTier against a fake session service', () => {
  it('builds the URLs of the session it was given', async () => {
    const server = await startFreeTier({ baseUrl: fake.url });
    expect(server.user).toBe('free_user');
    expect(server.connectionUrl).toBe('singlestoredb://free_user:free-pass%20word@svc-free-shared-dml.aws-virginia-2.svc.singlestore.com:3333/db_free');
    expect(server.httpConnectionUrl).toBe(
      'singlestoredb+https://free_user:free-pass%20word@svc-free-shared-dml.aws-virginia-2.svc.singlestore.com:443/db_free',
    );
    expect(server.kaiUrl).toBe(
      'mongodb://free_user^db_free:free-pass%20word@svc-free-shared-mongo.aws-virginia-2.svc.singlestore.com:27017/?authMechanism=PLAIN&tls=true&loadBalanced=true&dbName=db_free',
    );
    expect(server.sessionId).toBe(fake.issued[0]);
    expect(await server.logs()).toEqual([]);
    expect(String(server)).not.toContain('free-pass');
    await server.stop();
  });

  it('stop() ends the session once, with the login cookies, and is idempotent', async () => {
    const server = await startFreeTier({ baseUrl: fake.url });
    await server.stop();
    await server.stop();
    expect(server.running).toBe(false);
    expect(fake.terminated).toEqual([fake.issued[0]]);
    const terminate = fake.requests.filter((r) => r.path === '/api/terminate');
    expect(terminate).toHaveLength(1);
    expect(terminate[0]!.cookie).toBe(`userSessionID=${fake.issued[0]}; theme=dark`);
  });

  it('await using ends the session', async () => {
    {
      await using server = await startFreeTier({ baseUrl: fake.url });
      expect(server.running).toBe(true);
    }
    expect(fake.terminated).toHaveLength(1);
  });

  it('turns refusals, non-JSON answers and missing fields into ServerStartError', async () => {
    fake.nextAnswer = 'error';
    await expect(startFreeTier({ baseUrl: fake.url })).rejects.toThrow(/HTTP 503/);
    fake.nextAnswer = 'not-json';
    await expect(startFreeTier({ baseUrl: fake.url })).rejects.toBeInstanceOf(ServerStartError);
    const partial = await startFreeTierFake({ session: { endpoint: undefined as unknown as string } });
    try {
      // The fake drops an undefined field from its JSON answer, as a broken service would.
      await expect(startFreeTier({ baseUrl: partial.url })).rejects.toThrow(/lacks endpoint/);
    } finally {
      await partial.close();
    }
    await expect(startFreeTier({ baseUrl: 'http://127.0.0.1:1' })).rejects.toBeInstanceOf(ServerStartError);
    await expect(startFreeTier({ baseUrl: 'ftp://x' })).rejects.toThrow(/http\(s\) URL/);
  });

  it('exports SINGLESTOREDB_URL only when asked, and restores it on stop', async () => {
    const before = process.env.SINGLESTOREDB_URL;
    const quiet = await startFreeTier({ baseUrl: fake.url });
    expect(process.env.SINGLESTOREDB_URL).toBe(before);
    await quiet.stop();
    const loud = await startFreeTier({ baseUrl: fake.url, exportEnv: true });
    expect(process.env.SINGLESTOREDB_URL).toBe(loud.connectionUrl);
    expect(process.env.DATABASE_URL).toBe(loud.connectionUrl);
    await loud.stop();
    expect(process.env.SINGLESTOREDB_URL).toBe(before);
  });

  it('connect() reaches the session database (the fake hands out the test server)', async () => {
    const info = testServer();
    const local = await startFreeTierFake({ session: { user: info.root.user, password: info.root.password, databaseName: 's2_test', endpoint: info.host } });
    try {
      const server = await startFreeTier({ baseUrl: local.url, serverPort: info.port });
      const conn = await server.connect();
      try {
        expect(await conn.query('SELECT DATABASE(), 1 + 1')).toEqual([['s2_test', 2]]);
      } finally {
        await conn.close();
        await server.stop();
      }
    } finally {
      await local.close();
    }
  });
});
