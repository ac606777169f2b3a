import type { DatabaseConnection } from '@s2/base';
import { ManagementError, MissingPeerError } from './errors.js';

/**
 * Options of `connect()` of @s2/core (`user`, `password`, `database`, `connectTimeout`…); the
 * host and port come from the deployment's endpoint unless given.
 */
export interface DatabaseConnectOptions {
  user?: string;
  password?: string;
  database?: string;
  // biome-ignore lint/suspicious/noExplicitAny: with unknown, a value typed as core's ConnectOptions (an interface, so without an index signature) would be refused
  [option: string]: any;
}

type CoreModule = { connect: (opts: DatabaseConnectOptions) => Promise<DatabaseConnection> };

// Set by the build for the CommonJS output: there @s2/core is loaded with require(), so that a
// CommonJS app's connection shares its copy of @s2/core and @s2/base (and so its options.set()
// and withOptions()); import() would load the ESM copies, with an options registry of their own.
declare const __S2_CJS__: boolean | undefined;
const cjs = typeof __S2_CJS__ !== 'undefined' && __S2_CJS__;

/** Loads the optional peer @s2/core on first use (a typed error names it when it is missing). */
export async function loadCore(): Promise<CoreModule> {
  // Not a literal, so that bundlers do not insist on the optional peer.
  const name = '@s2/core';
  try {
    return (cjs ? require(name) : await import(/* @vite-ignore */ name)) as CoreModule;
  } catch (err) {
    throw new MissingPeerError(name, '.connect()', err);
  }
}

/** Opens a database connection to a deployment's SQL endpoint (`host` or `host:port`). */
export async function connectTo<C extends DatabaseConnection>(
  endpoint: string | null | undefined,
  what: string,
  opts: DatabaseConnectOptions = {},
  database?: string | null,
): Promise<C> {
  if (!endpoint) throw new ManagementError(`An endpoint has not been set in this ${what} configuration`);
  const core = await loadCore();
  const m = /^(.*):(\d+)$/.exec(endpoint);
  const hostPart = m ? { host: m[1], port: Number(m[2]) } : { host: endpoint };
  return (await core.connect({ ...hostPart, ...(database ? { database } : {}), ...opts })) as C;
}
