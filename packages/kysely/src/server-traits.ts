import type { Connection } from '@s2/core';

/** What the dialect must know about the server behind a connection. */
export interface ServerTraits {
  /** SingleStoreDB: no savepoints, and no session-scoped GET_LOCK to rely on. */
  singlestore: boolean;
  /** The Data API: every statement runs on its own, so no transactions and no session locks. */
  dataApi: boolean;
}

export const isDataApi = (conn: Connection): boolean => conn.params.driver === 'http' || conn.params.driver === 'https';

/**
 * SingleStoreDB answers `@@memsql_version`; MySQL and MariaDB do not have the variable. Its
 * handshake version looks like MySQL's, so the version string alone cannot tell.
 */
export async function isSingleStore(conn: Connection): Promise<boolean> {
  const rows = await conn.query("SHOW VARIABLES LIKE 'memsql_version'");
  return rows.length > 0;
}

/** Learns the traits once per driver, from its first connection, unless `forced` fixes them. */
export class TraitsProbe {
  private known: Promise<ServerTraits> | undefined;
  constructor(private readonly forcedSingleStore: boolean | undefined) {}

  of(conn: Connection): Promise<ServerTraits> {
    this.known ??= (async () => ({
      dataApi: isDataApi(conn),
      singlestore: this.forcedSingleStore ?? (await isSingleStore(conn)),
    }))();
    this.known.catch(() => (this.known = undefined));
    return this.known;
  }

  /** Traits already learnt, if any (the migration adapter asks after the driver has connected). */
  peek(): Promise<ServerTraits> | undefined {
    return this.known;
  }
}
