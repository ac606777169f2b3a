import { NotSupportedError } from '@s2/base';
import { FusionValueError } from '../errors.js';
import type { FusionContext } from '../registry.js';

interface Retargetable {
  retarget(changes: { host?: string; port?: number; database?: string | null }): Promise<void>;
  selectDb?(database: string): Promise<void>;
}

/** The deployment a USE statement names: what it is, for messages, and its SQL endpoint. */
export interface UseTarget {
  kind: 'cluster' | 'workspace';
  name: string;
  state: string | null;
  endpoint: string | null;
}

/** `USE … @@CURRENT`: the connection keeps its server and only changes the database. */
export async function useCurrent(ctx: FusionContext, database: string | null): Promise<null> {
  const session = ctx.session as unknown as Partial<Retargetable>;
  if (database && session.selectDb) await session.selectDb(database);
  return null;
}

/**
 * Points the connection at a deployment's SQL endpoint (`host` or `host:port`) and database.
 * A deployment without an endpoint (suspended, pending, terminated) is refused: keeping the old
 * server while reporting success would send the user's next statements to the wrong place.
 */
export async function useDeployment(ctx: FusionContext, target: UseTarget, database: string | null): Promise<null> {
  const { endpoint } = target;
  if (!endpoint) {
    throw new FusionValueError(`${target.kind} '${target.name}' has no SQL endpoint (state ${target.state ?? 'unknown'}); the connection was not moved`);
  }
  const session = ctx.session as unknown as Partial<Retargetable>;
  if (typeof session.retarget !== 'function') {
    throw new NotSupportedError('this connection cannot move to another server (USE CLUSTER / USE WORKSPACE need Connection.retarget in @s2/core)');
  }
  const m = /^(.*):(\d+)$/.exec(endpoint);
  await session.retarget({ host: m ? m[1] : endpoint, ...(m ? { port: Number(m[2]) } : {}), ...(database ? { database } : {}) });
  return null;
}
