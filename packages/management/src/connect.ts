import type { Connection, ConnectOptions } from '@s2/core';
import { ManagementError, MissingPeerError } from './errors.js';

type CoreModule = { connect: (opts: ConnectOptions) => Promise<Connection> };

/** Loads the optional peer @s2/core on first use (a typed error names it when it is missing). */
export async function loadCore(): Promise<CoreModule> {
  const name = '@s2/core';
  try {
    return (await import(/* @vite-ignore */ name)) as CoreModule;
  } catch (err) {
    throw new MissingPeerError(name, '.connect()', err);
  }
}

/** Opens a database connection to a deployment's SQL endpoint (`host` or `host:port`). */
export async function connectTo(endpoint: string | null | undefined, what: string, opts: ConnectOptions = {}, database?: string | null): Promise<Connection> {
  if (!endpoint) throw new ManagementError(`An endpoint has not been set in this ${what} configuration`);
  const core = await loadCore();
  const m = /^(.*):(\d+)$/.exec(endpoint);
  const hostPart: ConnectOptions = m ? { host: m[1], port: Number(m[2]) } : { host: endpoint };
  return core.connect({ ...hostPart, ...(database ? { database } : {}), ...opts } as ConnectOptions);
}
