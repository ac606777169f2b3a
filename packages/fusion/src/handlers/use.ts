import { NotSupportedError } from '@s2/base';
import type { FusionContext } from '../registry.js';

interface Retargetable {
  retarget(changes: { host?: string; port?: number; database?: string | null }): Promise<void>;
  selectDb?(database: string): Promise<void>;
}

/**
 * Points the connection at a deployment's SQL endpoint (`host` or `host:port`) and database;
 * `endpoint` null keeps the server and only changes the database (`@@CURRENT`).
 */
export async function useDeployment(ctx: FusionContext, endpoint: string | null, database: string | null): Promise<null> {
  const session = ctx.session as unknown as Partial<Retargetable>;
  if (endpoint === null) {
    if (database && session.selectDb) await session.selectDb(database);
    return null;
  }
  if (typeof session.retarget !== 'function') {
    throw new NotSupportedError('this connection cannot move to another server (USE CLUSTER / USE WORKSPACE need Connection.retarget in @s2/core)');
  }
  const m = /^(.*):(\d+)$/.exec(endpoint);
  await session.retarget({ host: m ? m[1] : endpoint, ...(m ? { port: Number(m[2]) } : {}), ...(database ? { database } : {}) });
  return null;
}
