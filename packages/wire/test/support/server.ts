import { testServer } from '@s2/testing/vitest';
import { connectWire, type WireOptions } from '@s2/wire';

/** Options for the throwaway server as `who` (root by default), plus overrides. */
export function serverOptions(who: 'root' | 'native' | 'ed25519' | 'noPassword' | 'unicode' | 'tlsOnly' = 'root', extra: WireOptions = {}): WireOptions {
  const info = testServer();
  const creds = who === 'root' ? info.root : info.users[who];
  if (!creds) throw new Error(`the test server has no '${who}' account`);
  return { host: info.host, port: info.port, user: creds.user, password: creds.password, database: info.database, ...extra };
}

export function open(extra: WireOptions = {}, who: Parameters<typeof serverOptions>[0] = 'root') {
  return connectWire(serverOptions(who, extra));
}

export async function rows(conn: Awaited<ReturnType<typeof open>>, sql: string): Promise<unknown[][]> {
  const r = await conn.query(sql);
  return r.current.read();
}
