import { afterEach } from 'vitest';
import { okPacket, startFakeMysqlServer, type FakeServer, type FakeSession } from '@s2/testing';

/**
 * A fake MySQL server for the current describe block (closed after each test): it answers every
 * statement OK except INSERTs, which `onInsert` answers (returning 'close' ends the session instead).
 */
export function useInsertServer(): (onInsert: (sql: string, session: FakeSession) => unknown) => Promise<string> {
  let server: FakeServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });
  return async (onInsert) => {
    server = await startFakeMysqlServer(async (s) => {
      await s.login();
      for (;;) {
        const p = await s.read();
        if (!p || p.payload[0] === 0x01) return;
        const sql = p.payload.subarray(1).toString('utf8');
        if (!sql.startsWith('INSERT')) s.send(okPacket());
        else if (onInsert(sql, s) === 'close') return s.destroy();
      }
    });
    return `mysql://u:p@127.0.0.1:${server.port}`;
  };
}
